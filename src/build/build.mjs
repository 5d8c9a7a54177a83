// Builds dist/: one CommonJS bundle of the CLI (about 25 % faster to start than per-file output,
// ecosystem.md §3.2) and the pre-validated built-in rules. Run by `npm run build` and on `npm ci` (prepare).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // The sources are ESM and find files relative to import.meta.url; in a CJS bundle that is __filename.
  define: { 'import.meta.url': '__kr_import_meta_url' },
  banner: { js: "const __kr_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
};

await build({
  ...common,
  entryPoints: [path.join(root, 'src/cli/bin.ts')],
  outfile: path.join(dist, 'kube-residue.cjs'),
  define: { ...common.define, __KR_BUNDLED__: 'true' },
  banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
});
chmodSync(path.join(dist, 'kube-residue.cjs'), 0o755);

const compiler = path.join(dist, 'compile-rules.cjs');
await build({ ...common, entryPoints: [path.join(root, 'src/build/compile-rules.ts')], outfile: compiler });
const res = spawnSync(process.execPath, [compiler, path.join(root, 'rules'), path.join(dist, 'builtin-rules.json'), root], { stdio: 'inherit' });
rmSync(compiler, { force: true });
if (res.status !== 0) process.exit(res.status ?? 1);
