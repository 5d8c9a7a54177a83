// Published ports of other engines: a port only docker-proxy, Podman's conmon or a process of a container's
// PID namespace holds is not Kubernetes residue; a pod's (pod cgroup) or a host process's is.
import { describe, expect, it } from 'vitest';
import { portCheck } from '../../src/checks/port.js';
import { createProbeContext } from '../../src/probes/context.js';
import type { Listener, SocketOwner } from '../../src/probes/ports.js';

const ctx = createProbeContext({ root: '/', timeoutMs: 1000 });
const owner = (pid: number, comm: string, extra: Partial<SocketOwner> = {}): SocketOwner => ({ pid, comm, pidNamespace: 'host', cgroups: ['/'], ...extra });
const listener = (port: number, owners: SocketOwner[]): Listener => ({ protocol: 'tcp', family: 'ipv4', localAddress: '0.0.0.0', localPort: port, remoteAddress: '0.0.0.0', remotePort: 0, state: 10, listening: true, inode: port, uid: 0, owners });

const listeners = [
  listener(6443, [owner(10, 'docker-proxy')]),
  listener(2379, [owner(11, 'conmon')]),
  listener(10250, [owner(12, 'kubelet', { pidNamespace: 'other', cgroups: ['/system.slice/docker-kind.scope/kubelet.slice'] })]),
  listener(10257, [owner(13, 'kube-controller', { pidNamespace: 'other', cgroups: ['/kubepods.slice/kubepods-burstable.slice/x'] })]),
  listener(10259, [owner(14, 'kube-scheduler')]),
];

describe('port check', () => {
  it('leaves out ports only another engine or a foreign PID namespace holds', () => {
    const found = portCheck.match({ kind: 'port', ports: [6443, 2379, 10250, 10257, 10259] }, listeners, ctx).findings.map((f) => f.target);
    expect(found.sort()).toEqual(['tcp/10257', 'tcp/10259']);
  });
});
