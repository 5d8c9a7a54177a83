// Address formatting shared by the /proc parsers (proc-net, ipvs). Pure: bytes in, text out.

/** `a.b.c.d` from 4 bytes in network order. */
export function formatIPv4(bytes: ArrayLike<number>): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/**
 * RFC 5952 text for 16 bytes in network order: lower case, no leading zeros, the longest run (first on a
 * tie) of two or more zero groups as `::`, and IPv4-mapped addresses as `::ffff:a.b.c.d`.
 */
export function formatIPv6(bytes: ArrayLike<number>): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)) >>> 0);

  let mapped = groups[5] === 0xffff;
  for (let i = 0; i < 5 && mapped; i++) if (groups[i] !== 0) mapped = false;
  if (mapped) return `::ffff:${formatIPv4([bytes[12] ?? 0, bytes[13] ?? 0, bytes[14] ?? 0, bytes[15] ?? 0])}`;

  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number): string => g.toString(16);
  if (bestLen < 2) return groups.map(hex).join(':');
  const head = groups.slice(0, bestStart).map(hex).join(':');
  const tail = groups.slice(bestStart + bestLen).map(hex).join(':');
  return `${head}::${tail}`;
}

/** True when `s` is a non-empty string of hex digits only. */
export function isHex(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const upper = c >= 65 && c <= 70;
    const lower = c >= 97 && c <= 102;
    if (!digit && !upper && !lower) return false;
  }
  return true;
}

/**
 * Parse an uncompressed or compressed IPv6 text (hex groups only, no embedded dotted quad) into 16 bytes;
 * undefined when it is not one. Used for the full `%pI6` form the kernel prints in /proc/net/ip_vs.
 */
export function parseIPv6Groups(text: string): number[] | undefined {
  const dbl = text.indexOf('::');
  if (dbl !== -1 && text.indexOf('::', dbl + 1) !== -1) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.length === 0 || g.length > 4 || !isHex(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl === -1) {
    const all = toGroups(text);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  } else {
    const head = toGroups(text.slice(0, dbl));
    const tail = toGroups(text.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return bytes;
}
