// A read-only reader of bbolt (go.etcd.io/bbolt) database files, the format of containerd's metadata database.
// No npm package reads bbolt (npm view bbolt, boltdb, bolt-db, boltdb-reader, node-bbolt: all 404), so the file
// format is decoded here from bbolt's own source (internal/common/{page,meta,bucket}.go, db.go), little-endian:
//
//   page      id u64 · flags u16 (branch 0x01, leaf 0x02, meta 0x04, freelist 0x10) · count u16 · overflow u32,
//             then `count` elements; a page spans 1 + overflow pages of pageSize bytes.
//   meta      (pages 0 and 1, after the page header) magic u32 0xED0CDAED · version u32 2 · pageSize u32 ·
//             flags u32 · root bucket (root pgid u64, sequence u64) · freelist u64 · pgid u64 (high-water mark) ·
//             txid u64 · checksum u64 = FNV-64a of the 56 bytes before it. The valid one with the higher txid wins.
//   branch    element pos u32 · ksize u32 · pgid u64; the key at element + pos.
//   leaf      element flags u32 (0x01: the value is a bucket) · pos u32 · ksize u32 · vsize u32; key then value at
//             element + pos.
//   bucket    value: root pgid u64 · sequence u64; when root is 0 the bucket's one leaf page follows inline.
//
// Nothing here touches a file: the caller hands in a ByteSource. Every loop is bounded (page ids inside the file
// and below the high-water mark, a depth limit, no page visited twice in one walk, a page budget, a deadline), so a
// corrupt or hostile file gives a BoltError, never a hang or a crash.

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Buffer;
}

export class BoltError extends Error {
  override name = 'BoltError';
}

const MAGIC = 0xed0cdaed;
const VERSION = 2;
const PAGE_HEADER = 16;
const ELEMENT = 16;
const META_SIZE = 64;
const CHECKSUM_AT = 56;
const BRANCH = 0x01;
const LEAF = 0x02;
const BUCKET_LEAF = 0x01;
const BUCKET_HEADER = 16;
/** bbolt's B+trees are a few levels deep; nested buckets add a few more. */
const MAX_DEPTH = 32;

export interface Meta {
  pageSize: number;
  root: number;
  /** Pages below this id are the database; anything at or above it is not. */
  highWater: number;
  txid: bigint;
}

export interface Entry {
  key: Buffer;
  /** The value bytes, or for a nested bucket its 16-byte header (plus its inline page). */
  value: Buffer;
  isBucket: boolean;
}

/** A bucket: its root page id, or (root 0) its inline leaf page. */
export interface BucketRef {
  root: number;
  inline?: Buffer;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** FNV-1a, 64 bit (Go's hash/fnv New64a). */
export function fnv64a(bytes: Buffer): bigint {
  let h = FNV_OFFSET;
  for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK64;
  return h;
}

function u64(buf: Buffer, at: number, what: string): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new BoltError(`${what} ${v} is out of range`);
  return Number(v);
}

/** The meta at `offset`, or why it is not valid. */
function readMeta(src: ByteSource, offset: number): Meta | string {
  const page = src.read(offset, PAGE_HEADER + META_SIZE);
  if (page.length < PAGE_HEADER + META_SIZE) return 'truncated';
  const m = page.subarray(PAGE_HEADER);
  if (m.readUInt32LE(0) !== MAGIC) return 'no bbolt magic';
  if (m.readUInt32LE(4) !== VERSION) return `format version ${m.readUInt32LE(4)}, not ${VERSION}`;
  if (fnv64a(m.subarray(0, CHECKSUM_AT)) !== m.readBigUInt64LE(CHECKSUM_AT)) return 'checksum mismatch';
  const pageSize = m.readUInt32LE(8);
  // bbolt itself probes page sizes from 1 KiB to 16 MiB.
  if (pageSize < 1024 || pageSize > 1 << 24 || (pageSize & (pageSize - 1)) !== 0) return `page size ${pageSize} is not a power of two from 1 KiB to 16 MiB`;
  try {
    return { pageSize, root: u64(m, 16, 'root page'), highWater: u64(m, 40, 'high-water mark'), txid: m.readBigUInt64LE(48) };
  } catch (err) {
    return (err as Error).message;
  }
}

/** The current meta: the valid one of pages 0 and 1 with the higher txid (as bbolt's DB.meta()). */
export function currentMeta(src: ByteSource): Meta {
  const first = readMeta(src, 0);
  let pageSize = typeof first === 'string' ? undefined : first.pageSize;
  let second: Meta | string = 'no valid meta page at any page size from 1 KiB to 16 MiB';
  if (pageSize !== undefined) second = readMeta(src, pageSize);
  else {
    // Page 0 is damaged: find page 1 the way bbolt does, trying each possible page size.
    for (let i = 0; i <= 14; i++) {
      const at = 1024 << i;
      if (at >= src.size) break;
      const m = readMeta(src, at);
      if (typeof m !== 'string' && m.pageSize === at) {
        second = m;
        pageSize = at;
        break;
      }
    }
  }
  const valid = [first, second].filter((m): m is Meta => typeof m !== 'string');
  if (valid.length === 0) throw new BoltError(`not a readable bbolt database: meta page 0: ${first as string}; meta page 1: ${second as string}`);
  const best = valid.reduce((a, b) => (b.txid > a.txid ? b : a));
  if (best.highWater * best.pageSize > src.size) throw new BoltError(`the database is truncated: ${best.highWater} pages of ${best.pageSize} bytes, file ${src.size} bytes`);
  if (best.root < 2 || best.root >= best.highWater) throw new BoltError(`root page ${best.root} is outside the database (pages 2..${best.highWater - 1})`);
  return best;
}

export interface ReadLimits {
  /** Stop with an error after this many page reads (a loop through a damaged tree ends here). */
  maxPages?: number;
  /** Stop with an error after this time (ms since the epoch). */
  deadline?: number;
}

/** A consistent read of one bbolt file: every walk starts from the meta chosen when it was opened. */
export class BoltReader {
  readonly meta: Meta;
  private pagesRead = 0;
  private readonly maxPages: number;
  private readonly deadline: number;

  constructor(
    private readonly src: ByteSource,
    limits: ReadLimits = {},
  ) {
    this.meta = currentMeta(src);
    this.maxPages = limits.maxPages ?? 100_000;
    this.deadline = limits.deadline ?? Number.POSITIVE_INFINITY;
  }

  /** The root bucket (the top-level bucket names). */
  get root(): BucketRef {
    return { root: this.meta.root };
  }

  /**
   * True when the file's current meta is still the one this reader started from: no transaction committed while
   * it read, so no page it read can have been reused by a writer (bbolt reuses a page only after a later commit
   * freed it).
   */
  unchanged(): boolean {
    try {
      return currentMeta(this.src).txid === this.meta.txid;
    } catch {
      return false;
    }
  }

  private page(id: number, seen: Set<number>): Buffer {
    if (Date.now() > this.deadline) throw new BoltError('reading the database took too long');
    if (++this.pagesRead > this.maxPages) throw new BoltError(`more than ${this.maxPages} page reads: the database is damaged or too large`);
    if (id < 2 || id >= this.meta.highWater) throw new BoltError(`page ${id} is outside the database (pages 2..${this.meta.highWater - 1})`);
    if (seen.has(id)) throw new BoltError(`page ${id} is reached twice: the tree has a cycle`);
    seen.add(id);
    const ps = this.meta.pageSize;
    const head = this.src.read(id * ps, PAGE_HEADER);
    if (head.length < PAGE_HEADER) throw new BoltError(`page ${id} is beyond the end of the file`);
    const selfId = head.readBigUInt64LE(0);
    if (selfId !== BigInt(id)) throw new BoltError(`page ${id} says it is page ${selfId}`);
    const overflow = head.readUInt32LE(12);
    if (id + overflow >= this.meta.highWater) throw new BoltError(`page ${id} runs past the database (${overflow} overflow pages)`);
    const buf = this.src.read(id * ps, (overflow + 1) * ps);
    if (buf.length < (overflow + 1) * ps) throw new BoltError(`page ${id} is beyond the end of the file`);
    return buf;
  }

  /** Every key of a bucket in key order, with its value (bounded: see ReadLimits). */
  entries(bucket: BucketRef): Entry[] {
    const out: Entry[] = [];
    const seen = new Set<number>();
    if (bucket.root === 0) {
      if (!bucket.inline) throw new BoltError('inline bucket without its page');
      this.walk(bucket.inline, 'inline', seen, out, 0);
    } else this.walk(this.page(bucket.root, seen), bucket.root, seen, out, 0);
    return out;
  }

  /** The nested bucket stored under `key`, if there is one. */
  bucket(parent: BucketRef, key: string): BucketRef | undefined {
    const want = Buffer.from(key);
    const e = this.entries(parent).find((x) => x.isBucket && x.key.equals(want));
    return e ? bucketOf(e) : undefined;
  }

  /** The bucket at a path of nested bucket names from the root. */
  path(names: readonly string[]): BucketRef | undefined {
    let b: BucketRef | undefined = this.root;
    for (const n of names) {
      if (!b) return undefined;
      b = this.bucket(b, n);
    }
    return b;
  }

  private walk(page: Buffer, id: number | 'inline', seen: Set<number>, out: Entry[], depth: number): void {
    if (depth > MAX_DEPTH) throw new BoltError(`the tree is deeper than ${MAX_DEPTH} levels`);
    if (page.length < PAGE_HEADER) throw new BoltError(`page ${id} is shorter than its header`);
    const flags = page.readUInt16LE(8);
    const count = page.readUInt16LE(10);
    if (PAGE_HEADER + count * ELEMENT > page.length) throw new BoltError(`page ${id}: ${count} elements do not fit in it`);
    const slice = (at: number, length: number, what: string): Buffer => {
      if (at < 0 || length < 0 || at + length > page.length) throw new BoltError(`page ${id}: ${what} lies outside the page`);
      return page.subarray(at, at + length);
    };
    if (flags === BRANCH) {
      if (id === 'inline') throw new BoltError('an inline bucket holds a branch page');
      for (let i = 0; i < count; i++) {
        const el = PAGE_HEADER + i * ELEMENT;
        const child = u64(page, el + 8, `page ${id}: child page`);
        this.walk(this.page(child, seen), child, seen, out, depth + 1);
      }
      return;
    }
    if (flags !== LEAF) throw new BoltError(`page ${id} is neither a branch nor a leaf page (flags 0x${flags.toString(16)})`);
    for (let i = 0; i < count; i++) {
      const el = PAGE_HEADER + i * ELEMENT;
      const eflags = page.readUInt32LE(el);
      const pos = page.readUInt32LE(el + 4);
      const ksize = page.readUInt32LE(el + 8);
      const vsize = page.readUInt32LE(el + 12);
      const key = slice(el + pos, ksize, `key ${i}`);
      const value = slice(el + pos + ksize, vsize, `value ${i}`);
      const isBucket = (eflags & BUCKET_LEAF) !== 0;
      if (isBucket && value.length < BUCKET_HEADER) throw new BoltError(`page ${id}: bucket ${JSON.stringify(key.toString('latin1'))} has a short header`);
      out.push({ key, value, isBucket });
    }
  }
}

/** The bucket a bucket entry's value describes. */
export function bucketOf(e: Entry): BucketRef {
  const root = u64(e.value, 0, 'bucket root page');
  return root === 0 ? { root, inline: e.value.subarray(BUCKET_HEADER) } : { root };
}

/** A bucket's plain key/value pairs as strings (labels, annotations), nested buckets left out. */
export function stringMap(reader: BoltReader, bucket: BucketRef | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!bucket) return out;
  for (const e of reader.entries(bucket)) if (!e.isBucket) out[e.key.toString('utf8')] = e.value.toString('utf8');
  return out;
}
