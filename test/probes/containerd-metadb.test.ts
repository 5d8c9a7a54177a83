// The bbolt reader (src/parsers/bbolt.ts) and the container probe's file path on REAL containerd metadata
// databases: Debian's containerd started in the namespace sandbox (test/sandbox/lib/runtimes.sh) with Kubernetes
// pods in namespace k8s.io (CRI labels and annotations), a container created and never started, ctr's own
// container in `default` and one in `moby`, images imported; what ctr lists is recorded, then containerd is
// SIGKILLed and its meta.db copied out. What a user checks: the file lists exactly the containers and images ctr
// listed, the probe reports them under --root, a database with only moby/default is clean, and a damaged copy
// (bad checksum, truncated, page beyond the file, a cycle) gives a clear error at once, never a hang.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerCheck } from '../../src/checks/container.js';
import type { ContainerCheck } from '../../src/model/rule.js';
import { BoltError, BoltReader, fnv64a, type ByteSource } from '../../src/parsers/bbolt.js';
import { namespaces, readNamespace } from '../../src/parsers/containerd-metadata.js';
import { createProbeContext } from '../../src/probes/context.js';
import { readMetaDbFile } from '../../src/probes/containers/metadata.js';
import { describeRun, requireRuntimesOrSkip, runWithRuntimes, type RuntimeRun } from '../sandbox/runtimes.js';

const skip = requireRuntimesOrSkip(['containerd', 'cni']);
const DB = 'var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db';

const SCRIPT = `
kr_rt_start_containerd
kr_rt_import_busybox_ctr k8s.io
kr_rt_import_busybox_ctr default docker.io/library/busybox:1.35
kr_rt_k8s_pod --name kube-apiserver-kr-sandbox --namespace kube-system --host-network \\
  --container kube-apiserver='exec sleep 2147483647' >/dev/null
kr_rt_k8s_pod --name web-0 --namespace default --port 8090:80 \\
  --container web='exec sleep 2147483647' --container sidecar='exec sleep 2147483647' >/dev/null
# Created and never started, with only kubelet's labels (no spec annotations): known from the labels alone.
kr_rt_ctr -n k8s.io containers create --snapshotter "$KR_RT_SNAPSHOTTER" --label io.cri-containerd.kind=container \\
  --label io.kubernetes.pod.name=job-y --label io.kubernetes.pod.namespace=batch --label io.kubernetes.pod.uid=0f0e \\
  --label io.kubernetes.container.name=never-started "$KR_RT_IMAGE" "$(kr_rt_hex 64)" sh >/dev/null
# ctr's and Docker's namespaces on the same containerd: never Kubernetes, even with Kubernetes-looking labels.
kr_rt_ctr -n default containers create --snapshotter "$KR_RT_SNAPSHOTTER" --label io.cri-containerd.kind=container \\
  --label io.kubernetes.pod.name=fake --label io.kubernetes.pod.namespace=kube-system docker.io/library/busybox:1.35 "$(kr_rt_hex 64)" sh >/dev/null
kr_rt_section CTR_CONTAINERS; kr_rt_ctr -n k8s.io containers list -q
kr_rt_section CTR_IMAGES; kr_rt_ctr -n k8s.io images list -q
kr_rt_section CTR_INFO
for id in $(kr_rt_ctr -n k8s.io containers list -q); do kr_rt_ctr -n k8s.io containers info "$id" | tr -d '\\n'; echo; done
kr_rt_kill_containerd
kr_rt_section K8S_SIZE; stat -c %s /var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db
kr_rt_section META_K8S; base64 -w0 /var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db; echo
# A containerd that never ran Kubernetes (no CRI plugin), as Docker uses it: only the moby namespace.
mv /var/lib/containerd /tmp/containerd-k8s
kr_rt_start_containerd --no-cri
kr_rt_import_busybox_ctr moby docker.io/library/nginx:1.27
kr_rt_ctr -n moby containers create --snapshotter "$KR_RT_SNAPSHOTTER" docker.io/library/nginx:1.27 "$(kr_rt_hex 64)" sh >/dev/null
kr_rt_kill_containerd
kr_rt_section META_MOBY; base64 -w0 /var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db; echo
`;

function lines(s: string | undefined): string[] {
  return (s ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

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

describe.skipIf(skip !== undefined)('containerd metadata read from real meta.db files (issue 8)', () => {
  let run: RuntimeRun;
  let k8s: Buffer;
  let moby: Buffer;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kr-metadb-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  beforeAll(() => {
    run = runWithRuntimes({ script: SCRIPT, timeoutMs: 150_000 });
    if (!run.completed || run.status !== 0) throw new Error(describeRun(run));
    k8s = Buffer.from((run.sections.get('META_K8S') ?? '').trim(), 'base64');
    moby = Buffer.from((run.sections.get('META_MOBY') ?? '').trim(), 'base64');
  }, 180_000);

  it('lists exactly the k8s.io containers ctr listed, with their labels and images, and the same image names', () => {
    const r = new BoltReader(source(k8s));
    const ns = readNamespace(r, 'k8s.io');
    const ctrIds = lines(run.sections.get('CTR_CONTAINERS'));
    expect(ctrIds.length).toBe(6); // 2 sandboxes, 3 containers, the never-started one
    expect(ns.containers.map((c) => c.id).sort()).toEqual([...ctrIds].sort());
    const infos = lines(run.sections.get('CTR_INFO')).map((l) => JSON.parse(l) as { ID: string; Image: string; Labels?: Record<string, string> });
    for (const info of infos) {
      const c = ns.containers.find((x) => x.id === info.ID);
      expect(c?.labels, info.ID).toEqual(info.Labels ?? {});
      expect(c?.image, info.ID).toBe(info.Image);
    }
    // The spec's CRI annotations are decoded too (protobuf Any holding JSON).
    expect(ns.containers.filter((c) => c.annotations['io.kubernetes.cri.container-type'] === 'container').length).toBe(3);
    expect(ns.images.sort()).toEqual(lines(run.sections.get('CTR_IMAGES')).sort());
    expect(namespaces(r).sort()).toEqual(['default', 'k8s.io']);
    expect(r.unchanged()).toBe(true);
  });

  it('the probe reads the file under --root: the stopped pods and the images, never ctr’s default namespace', async () => {
    const root = path.join(tmp, 'k8s-root');
    mkdirSync(path.join(root, path.dirname(DB)), { recursive: true });
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    writeFileSync(path.join(root, DB), k8s);
    const ctx = createProbeContext({ root, timeoutMs: 5000 });
    const stopped: ContainerCheck = { kind: 'container', object: 'stopped' };
    const images: ContainerCheck = { kind: 'container', object: 'image' };
    const facts = await containerCheck.probe.gather(ctx, [stopped, images]);
    const s = containerCheck.match(stopped, facts, ctx);
    expect(s.partial).toBeUndefined();
    expect(s.findings.map((f) => f.target)).toEqual(['pod/batch/job-y', 'pod/default/web-0', 'pod/kube-system/kube-apiserver-kr-sandbox']);
    expect(s.findings[1]?.evidence).toMatch(/^present but not running under containerd \/run\/containerd namespace k8s\.io: sidecar [0-9a-f]{12}, web [0-9a-f]{12}, sandbox [0-9a-f]{12}$/);
    expect(s.findings[1]?.vars).toMatchObject({ state: 'stopped', runtime: 'containerd', address: '/run/containerd/containerd.sock' });
    expect(s.note).toMatch(/^containerd's metadata read from \/var\/lib\/containerd\/io\.containerd\.metadata\.v1\.bolt\/meta\.db \(another host's disk, under --root\)/);
    expect(JSON.stringify(s.findings)).not.toContain('fake');
    const i = containerCheck.match(images, facts, ctx);
    expect(i.findings.map((f) => f.target).sort()).toEqual(['image/docker.io/library/busybox:1.35', 'image/registry.k8s.io/pause:3.9']);
  });

  it('a database with only Docker\'s moby namespace has nothing of Kubernetes: clean, not unchecked', async () => {
    expect(namespaces(new BoltReader(source(moby)))).toEqual(['moby']);
    const root = path.join(tmp, 'moby-root');
    mkdirSync(path.join(root, path.dirname(DB)), { recursive: true });
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    writeFileSync(path.join(root, DB), moby);
    const ctx = createProbeContext({ root, timeoutMs: 5000 });
    const checks: ContainerCheck[] = [
      { kind: 'container', object: 'stopped' },
      { kind: 'container', object: 'image' },
    ];
    const facts = await containerCheck.probe.gather(ctx, checks);
    for (const c of checks) {
      const m = containerCheck.match(c, facts, ctx);
      expect(m.findings).toEqual([]);
      expect(m.partial).toBeUndefined();
    }
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

  it('the probe turns a damaged file into a reason (unchecked), not a crash', () => {
    const f = path.join(tmp, 'truncated.db');
    writeFileSync(f, k8s.subarray(0, Math.floor(k8s.length / 2)));
    const r = readMetaDbFile(f, '/run/containerd', new Set(), Date.now() + 5000);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/truncated\.db could not be read: the database is truncated/);
  });
});
