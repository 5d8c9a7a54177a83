// Where the kube-residue package itself lives (its rules/ and dist/; host paths are probes/paths.ts's business),
// whether we run from the esbuild bundle (dist/) or from the TypeScript sources (src/): both sit one level below
// the package root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __KR_BUNDLED__: boolean | undefined;

/** True in dist/kube-residue.cjs, where built-in rules come pre-validated as JSON. */
export const isBundled: boolean = typeof __KR_BUNDLED__ !== 'undefined' && __KR_BUNDLED__;

const here = path.dirname(fileURLToPath(import.meta.url));

export const packageRoot: string = path.resolve(here, '..');
export const builtinRulesDir: string = path.join(packageRoot, 'rules');
export const compiledRulesFile: string = path.join(packageRoot, 'dist', 'builtin-rules.json');
