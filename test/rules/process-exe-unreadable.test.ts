// As non-root, the exe link of other users' processes cannot be read: a rule that matches on `exe` cannot tell
// whether those processes are the ones it looks for, so it is partly unchecked, never clean.
import { describe, expect, it } from 'vitest';
import { processCheck } from '../../src/checks/process.js';
import { createProbeContext } from '../../src/probes/context.js';

const ctx = createProbeContext({ root: '/', timeoutMs: 1000 });

describe('process check with unreadable exe links', () => {
  it('is partial when an exe rule meets a process whose exe could not be read', () => {
    const out = processCheck.match({ kind: 'process', exe: ['rancher-system-agent'] }, [{ pid: 10, comm: 'rancher-system-', cmdline: '/usr/local/bin/rancher-system-agent', exe: '', exeUnreadable: true, pidNamespace: 'host' }], ctx);
    expect(out.findings).toEqual([]);
    expect(out.partial).toMatch(/executable of 1 process could not be read \(permission denied; run as root\)/);
  });

  it('is not partial when the rule does not look at exe, or every exe was read', () => {
    expect(processCheck.match({ kind: 'process', comm: ['kubelet'] }, [{ pid: 10, comm: 'x', cmdline: 'x', exe: '', exeUnreadable: true, pidNamespace: 'host' }], ctx).partial).toBeUndefined();
    expect(processCheck.match({ kind: 'process', exe: ['kubelet'] }, [{ pid: 10, comm: 'x', cmdline: 'x', exe: 'bash', pidNamespace: 'host' }], ctx).partial).toBeUndefined();
  });
});
