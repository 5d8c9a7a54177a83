// The bbolt reader (src/parsers/bbolt.ts) and containerd's metadata layout (src/parsers/containerd-metadata.ts) on
// real databases made by Debian's containerd 1.6.20 in the namespace sandbox (fixtures/containerd-meta, written by
// test/probes/containerd-metadb.test.ts with KR_WRITE_FIXTURES=1, which also checks the live files): k8s.io pods
// with CRI labels and annotations, a never-started container, ctr's default namespace; and a Docker-only (moby)
// database. What ctr listed is beside them. Then hand-damaged copies: every one gives a clear BoltError at once,
// never a hang or a crash; a commit while reading is noticed.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BoltError, BoltReader, fnv64a, type ByteSource } from '../../src/parsers/bbolt.js';
import { namespaces, protoBytesField, readNamespace } from '../../src/parsers/containerd-metadata.js';

const dir = new URL('../../fixtures/containerd-meta/', import.meta.url);
const k8s = gunzipSync(readFileSync(new URL('k8s-meta.db.gz', dir)));
const moby = gunzipSync(readFileSync(new URL('moby-meta.db.gz', dir)));
const ctr = JSON.parse(readFileSync(new URL('ctr-k8s.io.json', dir), 'utf8')) as {
  containers: string[];
  images: string[];
  info: Array<{ ID: string; Image: string; Labels?: Record<string, string> }>;
};

function source(buf: Buffer): ByteSource {
  return { size: buf.length, read: (offset, length) => buf.subarray(Math.min(offset, buf.length), Math.min(offset + length, buf.length)) };
}

const PAGE_HEADER = 16;

/** Inverts one byte (a checksum byte: the meta no longer validates). */
function flip(buf: Buffer, at: number): void {
  buf.writeUInt8(buf.readUInt8(at) ^ 0xff, at);
}

/** The meta page (0 or 1) with the higher txid, and the page size. */
function metaPages(db: Buffer): { pageSize: number; newer: number; older: number } {
  const pageSize = db.readUInt32LE(PAGE_HEADER + 8);
  const txid = (p: number): bigint => db.readBigUInt64LE(p * pageSize + PAGE_HEADER + 48);
  return txid(1) > txid(0) ? { pageSize, newer: 1, older: 0 } : { pageSize, newer: 0, older: 1 };
}

/** Rewrites a u64 field of both meta pages and their checksums: a consistent-looking but wrong meta. */
function patchMeta(db: Buffer, fieldAt: number, value: bigint): Buffer {
  const out = Buffer.from(db);
  const { pageSize } = metaPages(db);
  for (const p of [0, 1]) {
    const m = p * pageSize + PAGE_HEADER;
    out.writeBigUInt64LE(value, m + fieldAt);
    out.writeBigUInt64LE(fnv64a(out.subarray(m, m + 56)), m + 56);
  }
  return out;
}

function expectBoltError(db: Buffer, pattern: RegExp): void {
  const t0 = Date.now();
  let err: unknown;
  try {
    const r = new BoltReader(source(db), { deadline: Date.now() + 5000 });
    readNamespace(r, 'k8s.io');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(BoltError);
  expect((err as Error).message).toMatch(pattern);
  // A damaged file is refused at once (generous bound: this is not a benchmark, a hang would be minutes).
  expect(Date.now() - t0).toBeLessThan(2000);
}

describe('bbolt reader on containerd 1.6 metadata databases', () => {
  it('lists exactly the k8s.io containers and images ctr listed, with labels, images and CRI annotations', () => {
    const r = new BoltReader(source(k8s));
    expect(r.meta.pageSize).toBe(4096);
    const ns = readNamespace(r, 'k8s.io');
    expect(ns.containers.map((c) => c.id).sort()).toEqual([...ctr.containers].sort());
    for (const info of ctr.info) {
      const c = ns.containers.find((x) => x.id === info.ID);
      expect(c?.labels, info.ID).toEqual(info.Labels ?? {});
      expect(c?.image, info.ID).toBe(info.Image);
    }
    expect(ns.containers.filter((c) => c.annotations['io.kubernetes.cri.container-type'] === 'container').length).toBe(3);
    expect(ns.images.sort()).toEqual([...ctr.images].sort());
    expect(namespaces(r).sort()).toEqual(['default', 'k8s.io']);
  });

  it('a Docker-only database has the moby namespace and no k8s.io', () => {
    const r = new BoltReader(source(moby));
    expect(namespaces(r)).toEqual(['moby']);
    expect(readNamespace(r, 'k8s.io')).toEqual({ present: false, containers: [], images: [] });
    expect(readNamespace(r, 'moby').containers.length).toBe(1);
  });

  it('a commit while reading is noticed (the meta txid moved on)', () => {
    const live = Buffer.from(k8s);
    const r = new BoltReader(source(live));
    expect(r.unchanged()).toBe(true);
    const { pageSize, older } = metaPages(live);
    // The writer's next commit lands on the older meta page with txid + 1.
    const m = older * pageSize + PAGE_HEADER;
    live.writeBigUInt64LE(r.meta.txid + 1n, m + 48);
    live.writeBigUInt64LE(fnv64a(live.subarray(m, m + 56)), m + 56);
    expect(r.unchanged()).toBe(false);
  });

  it('a protobuf field reader that stops at malformed input', () => {
    expect(protoBytesField(Buffer.from([0x0a, 0x01, 0x41, 0x12, 0x02, 0x7b, 0x7d]), 2)?.toString()).toBe('{}');
    expect(protoBytesField(Buffer.from([0x12, 0x7f, 0x00]), 2)).toBeUndefined();
    expect(protoBytesField(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 2)).toBeUndefined();
  });

  it('a bad checksum on the newer meta page: the older one is used', () => {
    const { pageSize, newer, older } = metaPages(k8s);
    const bad = Buffer.from(k8s);
    flip(bad, newer * pageSize + PAGE_HEADER + 56);
    const r = new BoltReader(source(bad));
    expect(r.meta.txid).toBe(k8s.readBigUInt64LE(older * pageSize + PAGE_HEADER + 48));
    expect(r.meta.txid).toBeLessThan(new BoltReader(source(k8s)).meta.txid);
  });

  it('damaged copies give a clear error at once: both metas bad, truncated, a page beyond the file, a cycle, garbage', () => {
    const { pageSize, newer, older } = metaPages(k8s);
    const both = Buffer.from(k8s);
    flip(both, newer * pageSize + PAGE_HEADER + 56);
    flip(both, older * pageSize + PAGE_HEADER + 56);
    expectBoltError(both, /^not a readable bbolt database: meta page 0: checksum mismatch; meta page 1: no valid meta page at any page size/);
    expectBoltError(k8s.subarray(0, Math.floor(k8s.length / 2)), /truncated/);
    // Only meta page 0 left: it is valid, and says the file should be much longer.
    expectBoltError(k8s.subarray(0, 100), /^the database is truncated: \d+ pages of \d+ bytes, file 100 bytes$/);
    // The root bucket on a page past the end (meta fields: root at 16, high-water mark at 40).
    const highWater = k8s.readBigUInt64LE(newer * pageSize + PAGE_HEADER + 40);
    expectBoltError(patchMeta(k8s, 16, highWater + 1000n), /^root page \d+ is outside the database/);
    expectBoltError(patchMeta(k8s, 40, highWater + 1000n), /truncated/);
    // The root page turned into a branch page whose only child is itself.
    const root = Number(k8s.readBigUInt64LE(newer * pageSize + PAGE_HEADER + 16));
    const cyc = Buffer.from(k8s);
    const at = root * pageSize;
    cyc.writeUInt16LE(0x01, at + 8);
    cyc.writeUInt16LE(1, at + 10);
    cyc.writeBigUInt64LE(BigInt(root), at + PAGE_HEADER + 8);
    expectBoltError(cyc, /cycle/);
    // The root page points at a page that says it is another one.
    const wrong = Buffer.from(cyc);
    wrong.writeBigUInt64LE(3n, at + PAGE_HEADER + 8);
    wrong.writeBigUInt64LE(999n, 3 * pageSize);
    expectBoltError(wrong, /page 3 says it is page 999/);
    expectBoltError(Buffer.alloc(64 * 1024, 0xab), /not a readable bbolt database/);
  });
});
