// Process matching: processes of another PID namespace are not host residue, except the processes of this
// host's Kubernetes pods (pause and containers, found by pod cgroup or by a k8s.io shim among their ancestors).
import { describe, expect, it } from 'vitest';
import { podMembers, processCheck } from '../../src/checks/process.js';
import type { ProcessCheck } from '../../src/model/rule.js';
import { createProbeContext } from '../../src/probes/context.js';
import { cgroupPaths, nsPidDepth, statusParentPid, type ProcessInfo } from '../../src/probes/processes.js';

const ctx = createProbeContext({ root: '/', timeoutMs: 1000 });
const proc = (p: Partial<ProcessInfo> & Pick<ProcessInfo, 'pid' | 'comm'>): ProcessInfo => ({ cmdline: p.comm, exe: '', ppid: 1, cgroups: ['/'], pidNamespace: 'host', ...p });

const shim = proc({ pid: 100, comm: 'containerd-shim', cmdline: '/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id abc -address /run/containerd/containerd.sock' });
const mobyShim = proc({ pid: 200, comm: 'containerd-shim', cmdline: '/usr/bin/containerd-shim-runc-v2 -namespace moby -id def -address /run/containerd/containerd.sock' });
const procs: ProcessInfo[] = [
  proc({ pid: 1, comm: 'systemd', ppid: 0 }),
  shim,
  proc({ pid: 101, comm: 'pause', cmdline: '/pause', ppid: 100, pidNamespace: 'other' }),
  proc({ pid: 102, comm: 'kube-apiserver', ppid: 100, pidNamespace: 'other' }),
  // The shim was killed: a container left behind, reparented to PID 1, still in its pod cgroup.
  proc({ pid: 103, comm: 'coredns', ppid: 1, pidNamespace: 'other', cgroups: ['/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-x.scope'] }),
  proc({ pid: 104, comm: 'sleep', ppid: 1, pidNamespace: 'other', cgroups: ['/k8s.io/0a1b'] }),
  mobyShim,
  proc({ pid: 201, comm: 'nginx', ppid: 200, pidNamespace: 'other', cgroups: ['/system.slice/docker-def.scope'] }),
  // A kind node: its kubelet and pods live inside a Docker container's PID namespace and cgroup.
  proc({ pid: 300, comm: 'kubelet', ppid: 200, pidNamespace: 'other', cgroups: ['/system.slice/docker-kind.scope/kubelet.slice/kubelet-kubepods.slice'] }),
  proc({ pid: 400, comm: 'kubelet', ppid: 1 }),
];

const match = (check: Omit<ProcessCheck, 'kind'>): string[] => processCheck.match({ kind: 'process', ...check }, procs, ctx).findings.map((f) => f.target);

describe('process check', () => {
  it('pod members: below a k8s.io shim or in a pod cgroup, not the shim itself, not Docker or kind', () => {
    expect([...podMembers(procs).keys()].sort()).toEqual([101, 102, 103, 104]);
    expect(match({ podMember: true })).toEqual(['pause[101]', 'kube-apiserver[102]', 'coredns[103]', 'sleep[104]']);
  });

  it("a kubelet in another PID namespace (a kind node) is not the host's; the host's is", () => {
    expect(match({ comm: ['kubelet'] })).toEqual(['kubelet[400]']);
  });

  it("a pod's process in its own PID namespace matches other rules too, marked as a pod's", () => {
    const f = processCheck.match({ kind: 'process', comm: ['kube-apiserver'] }, procs, ctx).findings;
    expect(f.map((x) => x.vars)).toEqual([{ target: 'kube-apiserver[102]', pid: '102', comm: 'kube-apiserver', pidNamespace: 'pod' }]);
    expect(f[0]?.evidence).toContain('below shim containerd-shim[100]');
  });

  it('reads the parent and the PID-namespace depth from /proc/PID/status, and the paths of /proc/PID/cgroup', () => {
    const status = 'Name:\tpause\nTgid:\t954677\nPid:\t954677\nPPid:\t954662\nNSpid:\t954677\t12\t1\n';
    expect(statusParentPid(status)).toBe(954662);
    expect(nsPidDepth(status)).toBe(3);
    expect(nsPidDepth('Name:\tinit\nNSpid:\t1\n')).toBe(1);
    expect(nsPidDepth('Name:\told kernel\n')).toBeUndefined();
    expect(cgroupPaths('12:pids:/kubepods/pod1/x\n1:name=systemd:/kubepods/pod1/x\n0::/\n')).toEqual(['/kubepods/pod1/x', '/']);
  });
});
