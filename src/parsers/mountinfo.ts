// /proc/<pid>/mountinfo (proc(5)):
//
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//   (1)(2) (3)  (4)   (5)      (6)       (7)   (8) (9)    (10)         (11)
//
// (7) is zero or more optional fields (shared:N, master:N, propagate_from:N, unbindable) ended by the
// single `-` of (8). Fields are separated by exactly one space, so an empty source is an empty field.
// The kernel writes space, tab, newline and backslash in paths as \040, \011, \012 and \134.

export interface MountEntry {
  id: number;
  parentId: number;
  /** `major:minor` of st_dev, e.g. `0:4` for nsfs. */
  majorMinor: string;
  /** The root of the mount within its filesystem (decoded); `net:[4026532247]` for an nsfs bind of a netns. */
  root: string;
  /** Decoded. A path that is not valid UTF-8 has `\xHH` for each raw byte (and `notText` is set). */
  mountPoint: string;
  /** The mount point (or root) is not valid UTF-8: it cannot be named as text, so nothing may act on it by text. */
  notText?: true;
  /** Per-mount options (rw,nosuid,relatime...). */
  options: string;
  /** Optional fields as printed, e.g. `['shared:3']` or `['master:1']`. */
  optionalFields: string[];
  fstype: string;
  /** Decoded; `none` or an empty string when the filesystem has no source. */
  source: string;
  /** Per-superblock options. */
  superOptions: string;
}

/**
 * Replace every backslash followed by three octal digits with the character of that code; anything else is
 * kept as it is. Codes above 0x7f become the Latin-1 character of that value (the kernel never writes them).
 */
export function decodeOctalEscapes(s: string): string {
  let i = s.indexOf('\\');
  if (i === -1) return s;
  let out = '';
  let from = 0;
  while (i !== -1) {
    // charCodeAt past the end is NaN, which fails every range test below.
    const a = s.charCodeAt(i + 1) - 48;
    const b = s.charCodeAt(i + 2) - 48;
    const c = s.charCodeAt(i + 3) - 48;
    if (a >= 0 && a <= 3 && b >= 0 && b <= 7 && c >= 0 && c <= 7) {
      out += s.slice(from, i) + String.fromCharCode(a * 64 + b * 8 + c);
      from = i + 4;
      i = s.indexOf('\\', from);
    } else {
      i = s.indexOf('\\', i + 1);
    }
  }
  return out + s.slice(from);
}

function toInt(s: string | undefined): number | undefined {
  if (s === undefined || s.length === 0) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(s);
}

/** Parse mountinfo text; lines that do not have the shape above are skipped. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (let line of text.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length === 0) continue;
    const f = line.split(' ');
    // 6 fixed fields, the separator, then fstype, source, super options.
    if (f.length < 10) continue;
    const sep = f.indexOf('-', 6);
    if (sep === -1 || f.length - sep - 1 < 3) continue;
    const id = toInt(f[0]);
    const parentId = toInt(f[1]);
    const majorMinor = f[2] ?? '';
    if (id === undefined || parentId === undefined || majorMinor.indexOf(':') === -1) continue;
    out.push({
      id,
      parentId,
      majorMinor,
      root: decodeOctalEscapes(f[3] ?? ''),
      mountPoint: decodeOctalEscapes(f[4] ?? ''),
      options: f[5] ?? '',
      optionalFields: f.slice(6, sep),
      fstype: f[sep + 1] ?? '',
      source: decodeOctalEscapes(f[sep + 2] ?? ''),
      // Super options never contain a space (they would be escaped); join defensively anyway.
      superOptions: f.slice(sep + 3).join(' '),
    });
  }
  return out;
}
