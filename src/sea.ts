// Inside the standalone executables (dist/kube-residue-linux-*, Node single executable applications, built by
// src/build/sea.mjs) the program has no files next to it: the built-in rules are a `node:sea` asset instead of
// dist/builtin-rules.json. The SEA runs the very same bundle as dist/kube-residue.cjs, so this is decided at run
// time. process.getBuiltinModule (Node ≥ 20.16) avoids a static import of node:sea, which older Node 20 lacks.
import { createRequire } from 'node:module';
import type * as Sea from 'node:sea';
import vm from 'node:vm';

function seaModule(): typeof Sea | undefined {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof get !== 'function') return undefined;
  const sea = get.call(process, 'node:sea') as typeof Sea | undefined;
  return sea && sea.isSea() ? sea : undefined;
}

/** The named text asset embedded in this executable, or undefined when not running as a standalone executable. */
export function seaTextAsset(key: string): string | undefined {
  return seaModule()?.getAsset(key, 'utf8');
}

/** The asset key under which src/build/sea.mjs embeds dist/builtin-rules.json. */
export const SEA_RULES_ASSET = 'builtin-rules.json';

/**
 * A CommonJS file of dist/ embedded as an asset (systeminformation.cjs for --audit), run as a module; undefined
 * outside a standalone executable. Its require() resolves from the executable (built-in modules only there).
 */
export function seaCommonJsAsset(key: string): unknown {
  const code = seaTextAsset(key);
  if (code === undefined) return undefined;
  const req = createRequire(process.execPath);
  const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) { ${code}\n})`, { filename: key });
  const mod = { exports: {} as unknown };
  (wrapper as (...args: unknown[]) => void)(mod.exports, req, mod, key, '.');
  return mod.exports;
}
