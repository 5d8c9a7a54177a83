import { describe, expect, it } from 'vitest';
import { processCheck } from '../../src/checks/process.js';
import type { ProcessInfo } from '../../src/probes/processes.js';
import { match, targets } from './facts.js';

const procs: ProcessInfo[] = [
  { pid: 1, comm: 'systemd', cmdline: '/sbin/init', exe: 'systemd', pidNamespace: 'host' },
  { pid: 812, comm: 'containerd-shim', cmdline: '/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id abc', exe: 'containerd-shim-runc-v2', pidNamespace: 'host' },
  { pid: 813, comm: 'containerd-shim', cmdline: '/usr/bin/containerd-shim-runc-v2 -namespace moby -id def', exe: 'containerd-shim-runc-v2', pidNamespace: 'host' },
  { pid: 900, comm: 'kubelet', cmdline: `/usr/bin/kubelet ${'--flag=x '.repeat(40)}`, exe: '', pidNamespace: 'other' },
];

describe('process check', () => {
  it('every given field must match', () => {
    expect(targets(match(processCheck, { comm: ['containerd-shim*'] }, procs))).toEqual(['containerd-shim[812]', 'containerd-shim[813]']);
    expect(targets(match(processCheck, { comm: ['containerd-shim*'], cmdline: '-namespace k8s\\.io( |$)' }, procs))).toEqual(['containerd-shim[812]']);
  });

  it('an unreadable exe never matches an exe glob', () => {
    expect(targets(match(processCheck, { exe: ['*'] }, procs))).toEqual(['containerd-shim[812]', 'containerd-shim[813]', 'systemd[1]']);
  });

  it('carries pid, comm and PID namespace; a long command line is cut to 200 characters', () => {
    const [f] = match(processCheck, { comm: ['kubelet'] }, procs).findings;
    expect(f?.vars).toEqual({ target: 'kubelet[900]', pid: '900', comm: 'kubelet', pidNamespace: 'other' });
    expect(f?.evidence).toHaveLength(201);
    expect(f?.evidence.endsWith('…')).toBe(true);
  });
});
