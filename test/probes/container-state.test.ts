// The container probe's on-disk half against hand-built runtime state of the real shape (a host root as --root
// sees it): containerd task bundles in k8s.io, moby and default, CRI-O's run and graph roots with a podman
// container beside them, and /proc entries for the live processes (cgroup naming the container, ppid to the
// shim, socket fds and the netns's listening table). The real-containerd test (test/integration) covers the same
// against a running containerd.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerCheck } from '../../src/checks/container.js';
import type { ContainerCheck } from '../../src/model/rule.js';
import { createProbeContext } from '../../src/probes/context.js';
import type { ContainerFacts } from '../../src/probes/containers/index.js';
import { readMetaDbFile } from '../../src/probes/containers/metadata.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'kr-containers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const id = (n: number): string => n.toString(16).padStart(4, '0').repeat(16);
const SANDBOX = id(0xa1);
const APISERVER = id(0xa2);
const DEAD = id(0xa3);
const MOBY = id(0xb1);
const DEFAULT = id(0xb2);
const CALICO_SB = id(0xc1);
const CALICO = id(0xc2);
const CRIO_SB = id(0xd1);
const CRIO_CTR = id(0xd2);
const PODMAN = id(0xd3);
const CRIO_STOPPED = id(0xd4);

function write(rel: string, text: string): void {
  const f = path.join(root, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
}

/** An OCI runtime spec as containerd's CRI plugin writes it (abridged: process, root, linux, annotations). */
function spec(annotations: Record<string, string>, args: string[]): string {
  return JSON.stringify({
    ociVersion: '1.1.0',
    process: { user: { uid: 0, gid: 0 }, args, env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], cwd: '/', capabilities: { bounding: ['CAP_CHOWN'] }, noNewPrivileges: true, oomScoreAdj: -998 },
    root: { path: 'rootfs', readonly: true },
    hostname: 'node-1',
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] }],
    annotations,
    linux: { cgroupsPath: 'kubepods-burstable-pod1b2c.slice:cri-containerd:x', namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }] },
  });
}

function criSandbox(name: string, ns: string, uid: string): Record<string, string> {
  return {
    'io.kubernetes.cri.container-type': 'sandbox',
    'io.kubernetes.cri.sandbox-id': '',
    'io.kubernetes.cri.sandbox-name': name,
    'io.kubernetes.cri.sandbox-namespace': ns,
    'io.kubernetes.cri.sandbox-uid': uid,
    'io.kubernetes.cri.sandbox-log-directory': `/var/log/pods/${ns}_${name}_${uid}`,
    'io.kubernetes.cri.sandbox-cpu-period': '100000',
  };
}

function criContainer(sandbox: string, pod: string, ns: string, name: string, image: string): Record<string, string> {
  return {
    'io.kubernetes.cri.container-type': 'container',
    'io.kubernetes.cri.sandbox-id': sandbox,
    'io.kubernetes.cri.sandbox-name': pod,
    'io.kubernetes.cri.sandbox-namespace': ns,
    'io.kubernetes.cri.sandbox-uid': '1b2c3d4e-0000-4000-8000-000000000001',
    'io.kubernetes.cri.container-name': name,
    'io.kubernetes.cri.image-name': image,
  };
}

function bundle(ns: string, cid: string, annotations: Record<string, string>, pid: number): void {
  const dir = `run/containerd/io.containerd.runtime.v2.task/${ns}/${cid}`;
  if (annotations['io.kubernetes.cri.container-type'] === 'sandbox') annotations['io.kubernetes.cri.sandbox-id'] = cid;
  write(`${dir}/config.json`, spec(annotations, ['/pause']));
  write(`${dir}/init.pid`, String(pid));
  write(`${dir}/address`, `unix:///run/containerd/s/${cid.slice(0, 64)}`);
}

/** A live process: its cgroup names the container, its parent is the shim. */
function proc(pid: number, ppid: number, comm: string, cgroupLeaf: string, sockets: number[] = []): void {
  write(`proc/${pid}/comm`, `${comm}\n`);
  write(`proc/${pid}/stat`, `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n`);
  write(`proc/${pid}/cgroup`, `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c.slice/${cgroupLeaf}\n`);
  mkdirSync(path.join(root, `proc/${pid}/fd`), { recursive: true });
  mkdirSync(path.join(root, `proc/${pid}/ns`), { recursive: true });
  symlinkSync('pid:[4026531836]', path.join(root, `proc/${pid}/ns/pid`));
  sockets.forEach((inode, i) => symlinkSync(`socket:[${inode}]`, path.join(root, `proc/${pid}/fd/${i + 3}`)));
}

const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const listen = (sl: number, portHex: string, inode: number): string =>
  `   ${sl}: 00000000:${portHex} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;

beforeAll(() => {
  proc(1, 0, 'systemd', 'init.scope');
  // kube-apiserver static pod (host network): sandbox 4100, container 4200 listening on 6443, shim 4000.
  proc(4000, 1, 'containerd-shim', 'system.slice/containerd.service');
  bundle('k8s.io', SANDBOX, criSandbox('kube-apiserver-node-1', 'kube-system', '1b2c3d4e-0000-4000-8000-000000000001'), 4100);
  proc(4100, 4000, 'pause', `cri-containerd-${SANDBOX}.scope`);
  bundle('k8s.io', APISERVER, criContainer(SANDBOX, 'kube-apiserver-node-1', 'kube-system', 'kube-apiserver', 'registry.k8s.io/kube-apiserver:v1.30.4'), 4200);
  proc(4200, 4000, 'kube-apiserver', `cri-containerd-${APISERVER}.scope`, [777, 778]);
  // A child of the apiserver holding another port: its ports count for the pod too.
  proc(4201, 4200, 'helper', `cri-containerd-${APISERVER}.scope`, [779]);
  write('proc/4200/net/tcp', TCP_HEADER + listen(0, '192B', 777) + listen(1, '0050', 12345) + listen(2, '2710', 779));
  write('proc/4200/net/udp', TCP_HEADER);
  // A container whose process is gone (init.pid names a pid that no longer exists).
  bundle('k8s.io', DEAD, criContainer(SANDBOX, 'kube-apiserver-node-1', 'kube-system', 'old-sidecar', 'busybox:1.36'), 4300);
  // calico-node: the pid file names a pid that now belongs to something else (cgroup does not name it): not alive.
  bundle('k8s.io', CALICO_SB, criSandbox('calico-node-x7k2p', 'kube-system', '2c3d'), 4400);
  proc(4400, 1, 'bash', 'user.slice/session-1.scope');
  bundle('k8s.io', CALICO, criContainer(CALICO_SB, 'calico-node-x7k2p', 'kube-system', 'calico-node', 'docker.io/calico/node:v3.28.0'), 4500);
  // Docker's and ctr's containers on the same containerd: never Kubernetes, even with CRI-looking annotations.
  bundle('moby', MOBY, {}, 5000);
  proc(5000, 1, 'nginx', `docker-${MOBY}.scope`);
  bundle('default', DEFAULT, criContainer(DEFAULT, 'fake-pod', 'kube-system', 'fake', 'busybox'), 5100);
  proc(5100, 1, 'sh', `default-${DEFAULT}.scope`);
  // CRI-O: a sandbox and a container of kube-proxy running, a podman container, and a stored stopped one.
  const crio = (cid: string, a: Record<string, string>, pid?: number, under = 'run/containers/storage'): void => {
    write(`${under}/overlay-containers/${cid}/userdata/config.json`, spec(a, ['/usr/local/bin/kube-proxy']));
    if (pid) write(`${under}/overlay-containers/${cid}/userdata/pidfile`, String(pid));
  };
  const labels = (container?: string): string =>
    JSON.stringify({ 'io.kubernetes.pod.name': 'kube-proxy-9q8w7', 'io.kubernetes.pod.namespace': 'kube-system', 'io.kubernetes.pod.uid': '3d4e', ...(container ? { 'io.kubernetes.container.name': container } : {}) });
  crio(CRIO_SB, { 'io.kubernetes.cri-o.ContainerType': 'sandbox', 'io.kubernetes.cri-o.SandboxID': CRIO_SB, 'io.kubernetes.cri-o.KubeName': 'kube-proxy-9q8w7', 'io.kubernetes.cri-o.Namespace': 'kube-system', 'io.kubernetes.cri-o.Labels': labels(), 'io.container.manager': 'cri-o' }, 6100);
  proc(6100, 6000, 'pause', `crio-${CRIO_SB}.scope`);
  crio(CRIO_CTR, { 'io.kubernetes.cri-o.ContainerType': 'container', 'io.kubernetes.cri-o.SandboxID': CRIO_SB, 'io.kubernetes.cri-o.Labels': labels('kube-proxy'), 'io.kubernetes.cri-o.ImageName': 'registry.k8s.io/kube-proxy:v1.30.4', 'io.container.manager': 'cri-o' }, 6200);
  proc(6000, 1, 'conmon', 'system.slice/crio.service');
  proc(6200, 6000, 'kube-proxy', `crio-${CRIO_CTR}.scope`);
  crio(PODMAN, { 'io.container.manager': 'libpod', 'io.kubernetes.cri-o.ContainerType': 'container', 'io.kubernetes.cri-o.SandboxID': PODMAN, 'io.kubernetes.cri-o.Labels': labels('x') }, 6300);
  proc(6300, 1, 'httpd', `libpod-${PODMAN}.scope`);
  crio(CRIO_STOPPED, { 'io.kubernetes.cri-o.ContainerType': 'container', 'io.kubernetes.cri-o.SandboxID': id(0xd5), 'io.kubernetes.cri-o.Labels': JSON.stringify({ 'io.kubernetes.pod.name': 'etcd-node-1', 'io.kubernetes.pod.namespace': 'kube-system', 'io.kubernetes.container.name': 'etcd' }), 'io.container.manager': 'cri-o' }, undefined, 'var/lib/containers/storage');
});

async function facts(requests: ContainerCheck[]): Promise<ContainerFacts> {
  const ctx = createProbeContext({ root, timeoutMs: 5000 });
  return containerCheck.probe.gather(ctx, requests);
}

function match(check: ContainerCheck, f: ContainerFacts): ReturnType<typeof containerCheck.match> {
  return containerCheck.match(check, f, createProbeContext({ root, timeoutMs: 5000 }));
}

describe('container probe: runtime state on disk', () => {
  it('finds each running pod by name, with its containers, shim and the ports they hold', async () => {
    const check: ContainerCheck = { kind: 'container', object: 'pod' };
    const out = match(check, await facts([check]));
    expect(out.findings.map((x) => x.target)).toEqual(['pod/kube-system/kube-apiserver-node-1', 'pod/kube-system/kube-proxy-9q8w7']);
    const api = out.findings[0];
    expect(api?.evidence).toBe(
      `running under containerd /run/containerd namespace k8s.io; containers kube-apiserver (${APISERVER.slice(0, 12)}, pid 4200, registry.k8s.io/kube-apiserver:v1.30.4); sandbox ${SANDBOX.slice(0, 12)} (pid 4100); shim containerd-shim[4000]; holding ports tcp/6443, tcp/10000; not running: old-sidecar ${DEAD.slice(0, 12)}`,
    );
    expect(api?.vars).toMatchObject({ runtime: 'containerd', pod: 'kube-apiserver-node-1', podNamespace: 'kube-system', sandboxId: SANDBOX, ids: [APISERVER, SANDBOX], address: '/run/containerd/containerd.sock', shimPids: ['4000'] });
    expect(out.findings[1]?.evidence).toMatch(/^running under CRI-O \/run\/containers\/storage; containers kube-proxy .*shim conmon\[6000\]/);
  });

  it('never reports Docker (moby), ctr (default) or podman containers', async () => {
    const check: ContainerCheck = { kind: 'container', object: 'pod' };
    const out = match(check, await facts([check]));
    expect(JSON.stringify(out.findings)).not.toMatch(new RegExp(`${MOBY}|${DEFAULT}|${PODMAN}|fake-pod`));
    expect(out.note).toBe('containerd tasks of other namespaces left alone (not Kubernetes): 1 in default, 1 in moby');
  });

  it('static-pod and DaemonSet selections by container or pod name', async () => {
    const statics: ContainerCheck = { kind: 'container', object: 'pod', containers: ['kube-apiserver', 'etcd'] };
    const ds: ContainerCheck = { kind: 'container', object: 'pod', pods: ['kube-proxy-*', 'calico-node-*'] };
    const f = await facts([statics, ds]);
    expect(match(statics, f).findings.map((x) => x.target)).toEqual(['pod/kube-system/kube-apiserver-node-1']);
    expect(match(ds, f).findings.map((x) => x.target)).toEqual(['pod/kube-system/kube-proxy-9q8w7']);
  });

  it('without containerd to ask, its metadata database is read from the file; one that is not bbolt is unchecked with the reason', async () => {
    // Real databases (k8s.io content reported, a moby-only one clean): test/probes/containerd-metadb.test.ts.
    const check: ContainerCheck = { kind: 'container', object: 'image' };
    const db = 'var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db';
    // bbolt keeps bucket names as plain bytes: a file that merely mentions k8s.io is not read as holding it.
    write(db, `\0\0v1\0moby\0`.repeat(200_000) + '\0k8s.io\0images\0registry.k8s.io/pause:3.9');
    const out = match(check, await facts([check]));
    expect(out.findings).toEqual([]);
    expect(out.partial).toBe(
      "another host's disk, under --root; its metadata database /var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db could not be read: not a readable bbolt database: meta page 0: no bbolt magic; meta page 1: no valid meta page at any page size from 1 KiB to 16 MiB",
    );
    rmSync(path.join(root, db));
  });

  it('under --root a real database with k8s.io content is reported (stopped pods, images); a Docker-only one is not', async () => {
    const db = 'var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db';
    const stopped: ContainerCheck = { kind: 'container', object: 'stopped' };
    const images: ContainerCheck = { kind: 'container', object: 'image' };
    const fromBundles = match(stopped, await facts([stopped])).findings.map((x) => x.target);
    const copy = (name: string): void => {
      mkdirSync(path.join(root, path.dirname(db)), { recursive: true });
      writeFileSync(path.join(root, db), gunzipSync(readFileSync(new URL(`../../fixtures/containerd-meta/${name}`, import.meta.url))));
    };
    copy('k8s-meta.db.gz');
    let f = await facts([stopped, images]);
    const s = match(stopped, f);
    expect(s.findings.map((x) => x.target)).toEqual([...fromBundles, 'pod/batch/job-y', 'pod/default/web-0', 'pod/kube-system/kube-apiserver-kr-sandbox'].sort());
    expect(s.note).toMatch(/^containerd's metadata read from \/var\/lib\/containerd\/io\.containerd\.metadata\.v1\.bolt\/meta\.db \(another host's disk, under --root\)/);
    expect(match(images, f).findings.map((x) => x.target).sort()).toEqual(['image/docker.io/library/busybox:1.35', 'image/registry.k8s.io/pause:3.9']);
    copy('moby-meta.db.gz');
    f = await facts([stopped, images]);
    expect(match(stopped, f).findings.map((x) => x.target)).toEqual(fromBundles);
    expect(match(images, f)).toMatchObject({ findings: [], partial: undefined });
    rmSync(path.join(root, db));
  });

  it('a damaged database or a FIFO in its place is a reason, at once, not a crash or a wait', () => {
    const real = gunzipSync(readFileSync(new URL('../../fixtures/containerd-meta/k8s-meta.db.gz', import.meta.url)));
    const f = path.join(root, 'truncated.db');
    writeFileSync(f, real.subarray(0, Math.floor(real.length / 2)));
    const r = readMetaDbFile(f, '/run/containerd', new Set(), Date.now() + 5000);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/truncated\.db could not be read: the database is truncated: \d+ pages of 4096 bytes/) as unknown });
    writeFileSync(f, real);
    expect(readMetaDbFile(f, '/run/containerd', new Set(), Date.now() + 5000).containers.length).toBe(6);
    const fifo = path.join(root, 'fifo.db');
    execFileSync('mkfifo', [fifo]);
    expect(readMetaDbFile(fifo, '/run/containerd', new Set(), Date.now() + 5000)).toMatchObject({ ok: false, reason: `${fifo} is not a regular file` });
  });

  it('reports containers present but not running (dead pid, a pid reused by another process, CRI-O stored)', async () => {
    const check: ContainerCheck = { kind: 'container', object: 'stopped' };
    const out = match(check, await facts([check]));
    expect(out.findings.map((x) => x.target)).toEqual(['pod/kube-system/calico-node-x7k2p', 'pod/kube-system/etcd-node-1', 'pod/kube-system/kube-apiserver-node-1']);
    expect(out.findings[2]?.evidence).toBe(`present but not running under containerd /run/containerd namespace k8s.io: old-sidecar ${DEAD.slice(0, 12)} (process 4300 gone)`);
    expect(out.partial).toBeUndefined();
  });
});
