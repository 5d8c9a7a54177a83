// The content digest of a JSON report: sha256 over the exact bytes of the file as written, with the digest's own
// value replaced by 64 zeros. `integrity` is the report's last field, so the digest is computed while the report
// streams out and written at its end; `kube-residue verify` reads the file, puts the zeros back and recomputes.
// Any edit, even of one byte of whitespace, changes the digest. (It proves the file is as written; that it was
// written by us needs a signature: ssh-sign.ts.)
import { createHash } from 'node:crypto';
import type { ScanResult } from '../model/result.js';

export const DIGEST_PLACEHOLDER = '0'.repeat(64);
const COVERS = 'sha256 of this file as written, with this digest value replaced by 64 zeros (kube-residue verify)';

/** The result with `integrity` (placeholder digest) as its last field. */
export function withIntegrityPlaceholder(result: ScanResult): ScanResult {
  const { integrity: _old, ...rest } = result;
  return { ...rest, integrity: { algorithm: 'sha256', digest: DIGEST_PLACEHOLDER, covers: COVERS } };
}

function digestField(hex: string): string {
  return `"digest": "${hex}"`;
}

/** How much of the end of the report is held back: the digest field and the few closing brackets after it. */
const TAIL_CHARS = 1024;

/**
 * Passes the report's text through, hashing it, and writes the digest into the placeholder at the end. Only the
 * last TAIL_CHARS characters wait (the placeholder may straddle two chunks, so a count of chunks would not do).
 */
export function* sealChunks(chunks: Iterable<string>): Generator<string> {
  const hash = createHash('sha256');
  const held: string[] = [];
  let heldChars = 0;
  for (const chunk of chunks) {
    hash.update(chunk, 'utf8');
    held.push(chunk);
    heldChars += chunk.length;
    while (held.length > 1 && heldChars - (held[0] as string).length >= TAIL_CHARS) {
      const first = held.shift() as string;
      heldChars -= first.length;
      yield first;
    }
  }
  const tail = held.join('');
  const at = tail.lastIndexOf(digestField(DIGEST_PLACEHOLDER));
  if (at === -1) throw new Error('report has no integrity placeholder to seal');
  const digest = hash.digest('hex');
  yield tail.slice(0, at) + digestField(digest) + tail.slice(at + digestField(DIGEST_PLACEHOLDER).length);
}

export type DigestCheck = { ok: true; digest: string } | { ok: false; reason: string };

export function checkDigest(bytes: Buffer): DigestCheck {
  let recorded: unknown;
  try {
    recorded = (JSON.parse(bytes.toString('utf8')) as { integrity?: { digest?: unknown } }).integrity?.digest;
  } catch (err) {
    return { ok: false, reason: `not a JSON report: ${(err as Error).message}` };
  }
  if (typeof recorded !== 'string' || !/^[0-9a-f]{64}$/.test(recorded)) return { ok: false, reason: 'the report records no content digest (integrity.digest)' };
  const field = Buffer.from(digestField(recorded), 'utf8');
  const at = bytes.lastIndexOf(field);
  if (at === -1) return { ok: false, reason: 'the recorded digest is not where it was written' };
  const copy = Buffer.from(bytes);
  Buffer.from(digestField(DIGEST_PLACEHOLDER), 'utf8').copy(copy, at);
  const actual = createHash('sha256').update(copy).digest('hex');
  return actual === recorded ? { ok: true, digest: recorded } : { ok: false, reason: `content digest mismatch: the file was changed after it was written (recorded ${recorded.slice(0, 12)}…, now ${actual.slice(0, 12)}…)` };
}
