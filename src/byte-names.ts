// Names as the kernel gives them: bytes. A file, link or chain name need not be valid UTF-8, and decoding it
// lossily (every bad byte becomes U+FFFD) makes it both invisible and dangerous: the decoded name is another
// object's name (a directory really called "etcd-bad\uFFFD\uFFFD"). A name that is valid UTF-8 is its text; any
// other is reported with each invalid byte written `\xHH` (and a backslash as `\\`, so the escape is
// unambiguous) and keeps its real bytes, which is what a fix addresses.

import { isUtf8 } from 'node:buffer';

export interface ByteName {
  /** The name as text: itself when valid UTF-8, else with `\xHH` escapes. */
  text: string;
  /** The real bytes, only for a name that is not valid UTF-8. */
  bytes?: Buffer;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** Node's own check (native, no exception per invalid name): every directory entry a glob reads goes through it. */
function isValidUtf8(buf: Uint8Array): boolean {
  return isUtf8(buf);
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

/**
 * Text of tool output that may hold names as raw bytes (iptables-save): valid UTF-8 as it is (fast path), and
 * each byte of an invalid sequence as one character of U+F780..U+F7FF, so the parser keeps the text's own
 * backslashes and quotes, and a name with such characters can be told apart from its U+FFFD look-alike.
 */
export function decodeToolOutput(buf: Buffer): string {
  if (isValidUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let i = 0;
  let start = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = seqLength(b);
    const seq = buf.subarray(i, i + n);
    if (seq.length === n && b >= 0xc2 && isValidUtf8(seq)) {
      i += n;
      continue;
    }
    out += buf.subarray(start, i).toString('utf8') + String.fromCharCode(0xf700 + b);
    i += 1;
    start = i;
  }
  return out + buf.subarray(start).toString('utf8');
}

const BYTE_MARK = /[\uf780-\uf7ff]/;

/** Does text from decodeToolOutput hold raw bytes (a name that is not valid UTF-8)? */
export function hasRawBytes(text: string): boolean {
  return BYTE_MARK.test(text);
}

/** decodeToolOutput's byte marks as `\xHH` for showing a name (and `\` as `\\` in such a name). */
export function showRawBytes(text: string): string {
  if (!hasRawBytes(text)) return text;
  return text.replace(/[\\\uf780-\uf7ff]/g, (c) => (c === '\\' ? '\\\\' : `\\x${(c.charCodeAt(0) - 0xf700).toString(16).padStart(2, '0')}`));
}

/** One key per object: a name and its escaped look-alike (`a\xff` spelled with a real backslash) stay two. */
export function byteNameKey(n: ByteName): string {
  return n.bytes ? `bytes:${n.bytes.toString('hex')}` : `text:${n.text}`;
}
