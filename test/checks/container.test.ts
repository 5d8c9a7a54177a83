// The container kind on hand-built facts (what the runtime state probe returned); no runtime is involved.
import { describe, expect, it } from 'vitest';
import { containerCheck } from '../../src/checks/container.js';
import type { ContainerFacts, LiveTask } from '../../src/probes/containers/index.js';
import type { CriTask } from '../../src/probes/containers/state.js';
import { match, targets } from './facts.js';

const id = (c: string): string => c.repeat(64);
const task = (t: Partial<CriTask> & Pick<CriTask, 'id' | 'type' | 'sandboxId' | 'podName'>): CriTask => ({
  runtime: 'containerd',
  stateDir: '/run/containerd',
  namespace: 'k8s.io',
  podNamespace: 'kube-system',
  alive: false,
  ...t,
});
const live = (t: CriTask, pid: number, ports: string[] = []): LiveTask => ({ ...t, alive: true, pid, ports, shim: { pid: 100, comm: 'containerd-shim' }, address: '/run/containerd/containerd.sock' });

const sb = task({ id: id('a'), type: 'sandbox', sandboxId: id('a'), podName: 'etcd-node-1' });
const etcd = task({ id: id('b'), type: 'container', sandboxId: id('a'), podName: 'etcd-node-1', containerName: 'etcd', image: 'registry.k8s.io/etcd:3.5.15-0' });
const dns = task({ id: id('c'), type: 'sandbox', sandboxId: id('c'), podName: 'nodelocaldns-x2' });
const facts = (over: Partial<ContainerFacts> = {}): ContainerFacts => ({
  running: [live(sb, 201), live(etcd, 202, ['tcp/2379', 'tcp/2380']), live(dns, 301)],
  stopped: { label: 'stopped', ok: true, data: [] },
  images: { label: 'images', ok: true, data: [{ runtime: 'containerd', stateDir: '/run/containerd', name: 'registry.k8s.io/pause:3.9' }] },
  otherNamespaces: {},
  ...over,
});

describe('container check', () => {
  it('one finding per pod, selected by container or pod name', () => {
    expect(targets(match(containerCheck, { object: 'pod' }, facts()))).toEqual(['pod/kube-system/etcd-node-1', 'pod/kube-system/nodelocaldns-x2']);
    expect(targets(match(containerCheck, { object: 'pod', containers: ['etcd'] }, facts()))).toEqual(['pod/kube-system/etcd-node-1']);
    expect(targets(match(containerCheck, { object: 'pod', pods: ['nodelocaldns-*'] }, facts()))).toEqual(['pod/kube-system/nodelocaldns-x2']);
    const [f] = match(containerCheck, { object: 'pod', containers: ['etcd'] }, facts()).findings;
    expect(f?.evidence).toMatch(/holding ports tcp\/2379, tcp\/2380$/);
    expect(f?.vars).toMatchObject({ sandboxId: id('a'), ids: [id('b'), id('a')], shimPids: ['100'] });
  });

  it('stopped and image rules: the runtime-client part unread makes them unchecked, with the reason', () => {
    const dead = { label: 'x', ok: false, reason: 'containerd at /run/containerd/containerd.sock did not answer: ctr timed out after 2s' };
    expect(match(containerCheck, { object: 'stopped' }, facts({ stopped: { ...dead, data: [] } }))).toMatchObject({ findings: [], partial: dead.reason });
    expect(match(containerCheck, { object: 'image' }, facts({ images: { ...dead, data: [] } }))).toMatchObject({ findings: [], partial: dead.reason });
    expect(targets(match(containerCheck, { object: 'image', images: ['registry.k8s.io/*'] }, facts()))).toEqual(['image/registry.k8s.io/pause:3.9']);
  });
});
