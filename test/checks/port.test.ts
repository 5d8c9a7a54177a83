import { describe, expect, it } from 'vitest';
import { portCheck } from '../../src/checks/port.js';
import type { Listener } from '../../src/probes/ports.js';
import { match, targets } from './facts.js';

const listener = (protocol: 'tcp' | 'udp', family: 'ipv4' | 'ipv6', localAddress: string, localPort: number, owners: Listener['owners']): Listener => ({
  protocol,
  family,
  localAddress,
  localPort,
  remoteAddress: family === 'ipv4' ? '0.0.0.0' : '::',
  remotePort: 0,
  state: protocol === 'tcp' ? 10 : 7,
  listening: true,
  inode: 1234,
  uid: 0,
  owners,
});

const listeners = [
  listener('tcp', 'ipv4', '0.0.0.0', 10250, [{ pid: 900, comm: 'kubelet' }]),
  listener('tcp', 'ipv6', '::', 10250, [{ pid: 900, comm: 'kubelet' }]),
  listener('udp', 'ipv4', '169.254.25.10', 53, [{ pid: 700, comm: 'node-cache' }]),
  listener('udp', 'ipv4', '0.0.0.0', 8472, []),
  listener('tcp', 'ipv4', '127.0.0.1', 22, [{ pid: 50, comm: 'sshd' }]),
];

describe('port check', () => {
  it('one finding per protocol and port, IPv4 and IPv6 listeners together, owners de-duplicated', () => {
    const out = match(portCheck, { ports: [10250] }, listeners);
    expect(out.findings).toEqual([
      { target: 'tcp/10250', evidence: 'listening on 0.0.0.0, [::]; held by kubelet[900]', vars: { target: 'tcp/10250', port: '10250', protocol: 'tcp', pids: ['900'] } },
    ]);
  });

  it('filters by protocol and bound address', () => {
    expect(targets(match(portCheck, { ports: [53], addresses: ['169.254.25.10'] }, listeners))).toEqual(['udp/53']);
    expect(targets(match(portCheck, { ports: [53], addresses: ['169.254.25.101'] }, listeners))).toEqual([]);
    expect(targets(match(portCheck, { ports: [10250], protocols: ['udp'] }, listeners))).toEqual([]);
  });

  it('a kernel socket has no owner and no pids', () => {
    const [f] = match(portCheck, { ports: [8472], protocols: ['udp'] }, listeners).findings;
    expect(f?.evidence).toBe('listening on 0.0.0.0; no owning process visible (kernel socket or another user)');
    expect(f?.vars.pids).toEqual([]);
  });
});
