// Loads the live cluster client (client.ts with @kubernetes/client-node) only when it is needed. In the built
// CLI it is its own file, dist/kube-residue-cluster.cjs (src/build/build.mjs), so the main bundle stays small and
// a node scan never reads it; in a single executable (SEA) the same file is an asset of that name. From the
// TypeScript sources (tests) it is a plain dynamic import.
import { createRequire } from 'node:module';
import vm from 'node:vm';

declare const __KR_BUNDLED__: boolean | undefined;

export type ClusterClientModule = typeof import('./client.js');

export const CLUSTER_CHUNK = 'kube-residue-cluster.cjs';

interface SeaApi {
  isSea(): boolean;
  getAsset(key: string, encoding: string): string;
}

/** Runs CommonJS source text as a module (the SEA case: the chunk is an asset, not a file). */
function evaluateCommonJs(code: string, filename: string, req: NodeJS.Require): unknown {
  const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) { ${code}\n})`, { filename });
  const mod = { exports: {} as unknown };
  (wrapper as (...args: unknown[]) => void)(mod.exports, req, mod, filename, '.');
  return mod.exports;
}

function loadBundledChunk(): ClusterClientModule {
  const req = createRequire(import.meta.url);
  let sea: SeaApi | undefined;
  try {
    sea = req('node:sea') as SeaApi;
  } catch {
    sea = undefined; // Node < 20.12 has no node:sea, and then this is no single executable either
  }
  if (sea?.isSea()) return evaluateCommonJs(sea.getAsset(CLUSTER_CHUNK, 'utf8'), CLUSTER_CHUNK, req) as ClusterClientModule;
  return req(`./${CLUSTER_CHUNK}`) as ClusterClientModule;
}

/**
 * Deprecation warnings the client's own dependencies trigger on Node 22+ (node-fetch 2 and whatwg-url: the
 * `punycode` builtin, DEP0040, and `url.parse()`, DEP0169). They are about third-party code, not the user's input
 * or the scan, and would otherwise land on stderr of every `--cluster` scan (and fail a pipeline that treats stderr
 * as an error). Only these two codes are dropped; every other warning is printed as before.
 */
const CLIENT_DEPRECATIONS = new Set(['DEP0040', 'DEP0169']);
let warningsFiltered = false;

function dropClientDeprecations(): void {
  if (warningsFiltered) return;
  warningsFiltered = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const opts = rest[0];
    const code = typeof opts === 'object' && opts !== null ? (opts as { code?: string }).code : typeof rest[1] === 'string' ? rest[1] : undefined;
    const errCode = warning instanceof Error ? (warning as Error & { code?: string }).code : undefined;
    if (CLIENT_DEPRECATIONS.has(code ?? errCode ?? '')) return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

export async function loadClusterClient(): Promise<ClusterClientModule> {
  dropClientDeprecations();
  if (typeof __KR_BUNDLED__ !== 'undefined' && __KR_BUNDLED__) return loadBundledChunk();
  return import('./client.js');
}
