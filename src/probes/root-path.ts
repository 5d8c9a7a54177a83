// Paths of a host mounted at --root, resolved INSIDE that root. The mounted host's symlinks are absolute in its
// own terms (/etc/resolv.conf -> /run/systemd/resolve/stub-resolv.conf, /var/run -> /run): the kernel would
// follow them on the scanning machine, so a probe would read the scanner's own files as the image's and report
// real residue clean. Here every symlink is read and followed within the root, as chroot would: an absolute
// target starts again at the root, `..` stops at it.
import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

export interface RootPathResolver {
  /** The path to open for `hostPath`: directories resolved inside the root, the last component as it is (lstat). */
  noFollow(hostPath: string): string;
  /** The same, with the last component followed too when it is a symlink (read, stat, readdir). */
  follow(hostPath: string): string;
}

function loopError(hostPath: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ELOOP: too many levels of symbolic links (inside --root), '${hostPath}'`), { code: 'ELOOP' });
}

export function rootPathResolver(root: string): RootPathResolver {
  /** Host directory → the same directory with no symlink left in it (host terms). Only complete answers kept. */
  const dirs = new Map<string, string>();
  const real = (hostPath: string): string => (hostPath === '/' ? root : path.join(root, hostPath));

  /** `p`'s parent resolved, then `p` itself followed while it is a symlink; `hops` counts links across the lookup. */
  function resolve(p: string, followLast: boolean, hops: { n: number }, original: string): string {
    const normal = path.posix.normalize(p);
    if (normal === '/') return '/';
    let current = path.posix.join(resolveDir(path.posix.dirname(normal), hops, original), path.posix.basename(normal));
    while (followLast) {
      const st = lstatSync(real(current), { throwIfNoEntry: false });
      if (!st?.isSymbolicLink()) break;
      if (++hops.n > MAX_LINKS) throw loopError(original);
      const target = readlinkSync(real(current));
      const next = target.startsWith('/') ? target : path.posix.join(path.posix.dirname(current), target);
      current = path.posix.join(resolveDir(path.posix.dirname(path.posix.normalize(next)), hops, original), path.posix.basename(path.posix.normalize(next)));
      if (path.posix.normalize(next) === '/') return '/';
    }
    return current;
  }

  function resolveDir(dir: string, hops: { n: number }, original: string): string {
    if (dir === '/') return '/';
    const known = dirs.get(dir);
    if (known !== undefined) return known;
    const resolved = resolve(dir, true, hops, original);
    dirs.set(dir, resolved);
    return resolved;
  }

  return {
    noFollow: (hostPath) => real(resolve(hostPath, false, { n: 0 }, hostPath)),
    follow: (hostPath) => real(resolve(hostPath, true, { n: 0 }, hostPath)),
  };
}
