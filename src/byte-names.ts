// Names as the kernel gives them: bytes. A file, link or chain name need not be valid UTF-8, and decoding it
// lossily (every bad byte becomes U+FFFD) makes it both invisible and dangerous: the decoded name is another
// object's name (a directory really called "etcd-bad\uFFFD\uFFFD"). A name that is valid UTF-8 is its text; any
// other is reported with each invalid byte written `\xHH` (and a backslash as `\\`, so the escape is
// unambiguous) and keeps its real bytes, which is what a fix addresses.

export interface ByteName {
  /** The name as text: itself when valid UTF-8, else with `\xHH` escapes. */
  text: string;
  /** The real bytes, only for a name that is not valid UTF-8. */
  bytes?: Buffer;
}

const strict = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(buf: Uint8Array): boolean {
  try {
    strict.decode(buf);
    return true;
  } catch {
    return false;
  }
}

/** Length of the UTF-8 sequence a lead byte starts (1 for ASCII and for bytes that cannot lead). */
function seqLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  return 1;
}

/** Text for bytes that are not valid UTF-8: valid sequences decoded, every other byte `\xHH`, `\` as `\\`. */
export function escapeInvalidUtf8(buf: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    const n = seqLength(b);
    const seq = buf.subarray(i, i + n);
    if (seq.length === n && (b < 0x80 || b >= 0xc2) && isValidUtf8(seq)) {
      const s = strict.decode(seq);
      out += s === '\\' ? '\\\\' : s;
      i += n;
    } else {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

export function nameFromBytes(buf: Buffer): ByteName {
  if (isValidUtf8(buf)) return { text: buf.toString('utf8') };
  return { text: escapeInvalidUtf8(buf), bytes: Buffer.from(buf) };
}

/** A host path joined from a parent and one name, in text and (when any part is not UTF-8) in bytes. */
export function joinName(parent: ByteName, name: ByteName): ByteName {
  const sep = parent.text.endsWith('/') ? '' : '/';
  const text = `${parent.text}${sep}${name.text}`;
  if (!parent.bytes && !name.bytes) return { text };
  const pb = parent.bytes ?? Buffer.from(parent.text, 'utf8');
  const nb = name.bytes ?? Buffer.from(name.text, 'utf8');
  return { text, bytes: Buffer.concat([pb, Buffer.from(sep), nb]) };
}
