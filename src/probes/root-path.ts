// Paths of a host mounted at --root, resolved INSIDE that root. The mounted host's symlinks are absolute in its
// own terms (/etc/resolv.conf -> /run/systemd/resolve/stub-resolv.conf, /var/run -> /run): the kernel would
// follow them on the scanning machine, so a probe would read the scanner's own files as the image's and report
// real residue clean. Here every symlink is read and followed within the root, as chroot would: an absolute
// target starts again at the root, `..` stops at it.
//
// Paths are bytes to the kernel, and a name on the way (or a link's target) need not be valid UTF-8: the
// resolver works on "binary" strings (one character per byte, latin1), where `/` and `.` are the bytes they are,
// so a byte-named directory is resolved inside the root like any other. Text paths go in and come out as
// UTF-8; a text path that resolves to a name that is not UTF-8 is refused (EILSEQ) rather than decoded lossily.
import { isUtf8 } from 'node:buffer';
import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { nameFromBytes } from '../byte-names.js';

/** Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

export interface RootPathResolver {
  /** The path to open for `hostPath`: directories resolved inside the root, the last component as it is (lstat). */
  noFollow(hostPath: string): string;
  /** The same, with the last component followed too when it is a symlink (read, stat, readdir). */
  follow(hostPath: string): string;
  /** noFollow for a host path given as bytes (a name on it is not valid UTF-8). */
  noFollowBytes(hostPath: Buffer): Buffer;
  /** follow for a host path given as bytes. */
  followBytes(hostPath: Buffer): Buffer;
}

function loopError(hostPath: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ELOOP: too many levels of symbolic links (inside --root), '${hostPath}'`), { code: 'ELOOP' });
}

function notTextError(hostPath: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EILSEQ: '${hostPath}' resolves inside --root through a name that is not valid UTF-8`), { code: 'EILSEQ' });
}

const ASCII = /^[\x00-\x7f]*$/;

/** Text → binary string (the same characters when ASCII, the common case). */
function binaryOf(text: string): string {
  return ASCII.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

export function rootPathResolver(root: string): RootPathResolver {
  /** Host directory → the same directory with no symlink left in it (host terms). Only complete answers kept. */
  const dirs = new Map<string, string>();
  const rootBytes = Buffer.from(root, 'utf8');
  const real = (hostPath: string): Buffer => (hostPath === '/' ? rootBytes : Buffer.concat([rootBytes, Buffer.from(hostPath, 'latin1')]));

  /** `p`'s parent resolved, then `p` itself followed while it is a symlink; `hops` counts links across the lookup. */
  function resolve(p: string, followLast: boolean, hops: { n: number }, original: string): string {
    const normal = path.posix.normalize(p);
    if (normal === '/') return '/';
    let current = path.posix.join(resolveDir(path.posix.dirname(normal), hops, original), path.posix.basename(normal));
    while (followLast) {
      const st = lstatSync(real(current), { throwIfNoEntry: false });
      if (!st?.isSymbolicLink()) break;
      if (++hops.n > MAX_LINKS) throw loopError(original);
      const target = readlinkSync(real(current), { encoding: 'buffer' }).toString('latin1');
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

  function asText(resolved: string, hostPath: string): string {
    if (ASCII.test(resolved)) return resolved === '/' ? root : path.join(root, resolved);
    const bytes = real(resolved);
    if (!isUtf8(bytes)) throw notTextError(hostPath);
    return bytes.toString('utf8');
  }

  return {
    noFollow: (hostPath) => asText(resolve(binaryOf(hostPath), false, { n: 0 }, hostPath), hostPath),
    follow: (hostPath) => asText(resolve(binaryOf(hostPath), true, { n: 0 }, hostPath), hostPath),
    noFollowBytes: (hostPath) => real(resolve(hostPath.toString('latin1'), false, { n: 0 }, nameFromBytes(hostPath).text)),
    followBytes: (hostPath) => real(resolve(hostPath.toString('latin1'), true, { n: 0 }, nameFromBytes(hostPath).text)),
  };
}
