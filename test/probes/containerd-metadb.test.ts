// The bbolt reader (src/parsers/bbolt.ts) and the container probe's file path on REAL containerd metadata
// databases: Debian's containerd started in the namespace sandbox (test/sandbox/lib/runtimes.sh) with Kubernetes
// pods in namespace k8s.io (CRI labels and annotations), a container created and never started, ctr's own
// container in `default` and one in `moby`, images imported; what ctr lists is recorded, then containerd is
// SIGKILLed and its meta.db copied out. What a user checks: the file lists exactly the containers and images ctr
// listed, the probe reports them under --root, a database with only Docker's moby namespace is clean, and a
// damaged file is a reason, not a crash (test/probes/container-state.test.ts). The same files, checked in (fixtures/containerd-meta), are the bbolt
// reader's own tests on any machine (test/parsers/bbolt.test.ts), with hand-damaged copies.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerCheck } from '../../src/checks/container.js';
import type { ContainerCheck } from '../../src/model/rule.js';
import { BoltReader, type ByteSource } from '../../src/parsers/bbolt.js';
import { namespaces, readNamespace } from '../../src/parsers/containerd-metadata.js';
import { createProbeContext } from '../../src/probes/context.js';
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
    // KR_WRITE_FIXTURES=1 refreshes the copies the parser tests read on any machine (fixtures/containerd-meta).
    if (process.env['KR_WRITE_FIXTURES'] === '1') {
      const dir = new URL('../../fixtures/containerd-meta/', import.meta.url);
      mkdirSync(dir, { recursive: true });
      writeFileSync(new URL('k8s-meta.db.gz', dir), gzipSync(k8s, { level: 9 }));
      writeFileSync(new URL('moby-meta.db.gz', dir), gzipSync(moby, { level: 9 }));
      const listing = {
        containers: lines(run.sections.get('CTR_CONTAINERS')),
        images: lines(run.sections.get('CTR_IMAGES')),
        info: lines(run.sections.get('CTR_INFO')).map((l) => {
          const i = JSON.parse(l) as { ID: string; Image: string; Labels?: Record<string, string> };
          return { ID: i.ID, Image: i.Image, Labels: i.Labels ?? {} };
        }),
      };
      writeFileSync(new URL('ctr-k8s.io.json', dir), `${JSON.stringify(listing, null, 2)}\n`);
    }
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

});
