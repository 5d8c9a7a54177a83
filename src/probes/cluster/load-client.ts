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

export async function loadClusterClient(): Promise<ClusterClientModule> {
  if (typeof __KR_BUNDLED__ !== 'undefined' && __KR_BUNDLED__) return loadBundledChunk();
  return import('./client.js');
}
