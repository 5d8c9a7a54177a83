import { describe, expect, it } from 'vitest';
import { processCheck } from '../../src/checks/process.js';
import type { ProcessInfo } from '../../src/probes/processes.js';
import { match, targets } from './facts.js';

const host: Pick<ProcessInfo, 'ppid' | 'cgroups' | 'pidNamespace'> = { ppid: 1, cgroups: ['/'], pidNamespace: 'host' };
const procs: ProcessInfo[] = [
  { pid: 1, comm: 'systemd', cmdline: '/sbin/init', exe: 'systemd', ...host, cgroups: ['/init.scope'] },
  { pid: 812, comm: 'containerd-shim', cmdline: '/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id abc', exe: 'containerd-shim-runc-v2', ...host, cgroups: ['/system.slice/containerd.service'] },
  { pid: 813, comm: 'containerd-shim', cmdline: '/usr/bin/containerd-shim-runc-v2 -namespace moby -id def', exe: 'containerd-shim-runc-v2', ...host, cgroups: ['/system.slice/containerd.service'] },
  { pid: 900, comm: 'kubelet', cmdline: `/usr/bin/kubelet ${'--flag=x '.repeat(40)}`, exe: '', ...host },
];

describe('process check', () => {
  it('every given field must match', () => {
    expect(targets(match(processCheck, { comm: ['containerd-shim*'] }, procs))).toEqual(['containerd-shim[812]', 'containerd-shim[813]']);
    expect(targets(match(processCheck, { comm: ['containerd-shim*'], cmdline: '-namespace k8s\\.io( |$)' }, procs))).toEqual(['containerd-shim[812]']);
  });

  it('an unreadable exe never matches an exe glob; the host\'s init (PID 1) is never a finding', () => {
    expect(targets(match(processCheck, { exe: ['*'] }, procs))).toEqual(['containerd-shim[812]', 'containerd-shim[813]']);
    expect(targets(match(processCheck, { comm: ['systemd'] }, procs))).toEqual([]);
  });

  it('an unreadable exe makes an exe rule partly unchecked, except for the host\'s init, which some VMs make unreadable even to root', () => {
    const init: ProcessInfo = { pid: 1, comm: 'process_api', cmdline: '/process_api --firecracker-init', exe: '', exeUnreadable: true, ...host };
    expect(match(processCheck, { exe: ['rancher-system-agent'] }, [init, ...procs.slice(1)]).partial).toBeUndefined();
    const other: ProcessInfo = { ...init, pid: 4242 };
    expect(match(processCheck, { exe: ['rancher-system-agent'] }, [other, ...procs.slice(1)]).partial).toMatch(/executable of 1 process could not be read/);
  });

  it('carries pid and comm; a long command line is cut to 200 characters', () => {
    const [f] = match(processCheck, { comm: ['kubelet'] }, procs).findings;
    expect(f?.vars).toEqual({ target: 'kubelet[900]', pid: '900', comm: 'kubelet', pidNamespace: 'host' });
    expect(f?.evidence).toHaveLength(201);
    expect(f?.evidence.endsWith('…')).toBe(true);
  });
});
