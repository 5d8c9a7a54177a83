// What every probe needs to know about the host being read: where its filesystem is (`--root`), how long a
// probe may take, and a per-scan memo so a fact read by one probe (mountinfo, say) is not read again by another.
import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { rootPathResolver } from './root-path.js';

export interface ProbeContext {
  /** `/` for this host, or the directory where a host filesystem is mounted (`--root`). */
  readonly root: string;
  /** True when scanning the running host itself (root `/`): commands and /proc/self describe it. */
  readonly onHost: boolean;
  readonly timeoutMs: number;
  /** On systemd hosts /var/run is a symlink to /run: then both spellings are one place. */
  readonly varRunIsRun: boolean;
  /**
   * A host path (as on the scanned host) to the path this process opens, for lstat/readlink: under --root every
   * directory on the way is resolved inside the root (root-path.ts), the last component is left as it is.
   */
  hostPath(p: string): string;
  /** The same, following the last component too when it is a symlink: for reading, stat and readdir. */
  hostPathFollow(p: string): string;
  /** hostPath for a host path given as bytes (a name on it is not valid UTF-8), resolved the same way. */
  hostPathBytes(p: Buffer): Buffer;
  /** hostPathFollow for a host path given as bytes. */
  hostPathFollowBytes(p: Buffer): Buffer;
  /** A path this process opened back to the host path reported to users. */
  toHostPath(p: string): string;
  /** Compute once per scan and share. */
  memo<T>(key: string, compute: () => T): T;
}

export function createProbeContext(opts: { root: string; timeoutMs: number }): ProbeContext {
  const root = path.resolve(opts.root);
  const onHost = root === '/';
  const inRoot = onHost ? undefined : rootPathResolver(root);
  const hostPath = (p: string): string => (inRoot ? inRoot.noFollow(p) : p);
  const hostPathFollow = (p: string): string => (inRoot ? inRoot.follow(p) : p);
  const hostPathBytes = (p: Buffer): Buffer => (inRoot ? inRoot.noFollowBytes(p) : p);
  const hostPathFollowBytes = (p: Buffer): Buffer => (inRoot ? inRoot.followBytes(p) : p);
  const toHostPath = (p: string): string => {
    if (onHost) return p;
    const rel = path.relative(root, p);
    return rel.startsWith('..') ? p : `/${rel}`;
  };
  const cache = new Map<string, unknown>();
  return {
    root,
    onHost,
    timeoutMs: opts.timeoutMs,
    varRunIsRun: detectVarRunIsRun(hostPath('/var/run')),
    hostPath,
    hostPathFollow,
    hostPathBytes,
    hostPathFollowBytes,
    toHostPath,
    memo<T>(key: string, compute: () => T): T {
      if (!cache.has(key)) cache.set(key, compute());
      return cache.get(key) as T;
    },
  };
}

function detectVarRunIsRun(varRun: string): boolean {
  const st = lstatSync(varRun, { throwIfNoEntry: false });
  if (!st) return true; // nothing at /var/run: only /run can hold anything
  if (!st.isSymbolicLink()) return false;
  const target = readlinkSync(varRun);
  return target === '/run' || target === '../run' || target === 'run' || target === '/run/';
}

/** `/var/run/x` → `/run/x` when they are the same place, so rules and targets use one spelling. */
export function canonicalRunPath(ctx: ProbeContext, p: string): string {
  if (ctx.varRunIsRun && (p === '/var/run' || p.startsWith('/var/run/'))) return p.slice(4);
  return p;
}
