import { describe, expect, it } from 'vitest';
import { interfaceCheck } from '../../src/checks/interface.js';
import type { LinkInfo } from '../../src/parsers/ip-link.js';
import { match, targets } from './facts.js';

let ifindex = 1;
const link = (name: string, kind: string | undefined, operstate = 'DOWN', master?: string): LinkInfo => ({ name, ifindex: ifindex++, kind, master, operstate, flags: [] });

const links = [
  link('lo', undefined, 'UNKNOWN'),
  link('eth0', undefined, 'UP'),
  link('cni0', 'bridge'),
  link('veth1a2b', 'veth', 'UP', 'cni0'),
  link('vethother', 'veth', 'UP', 'docker0'),
  link('flannel.1', 'vxlan'),
  link('cali12345', 'veth'),
];

describe('interface check', () => {
  it('matches names by glob, DOWN links included, with the link kind', () => {
    const out = match(interfaceCheck, { names: ['cni0', 'flannel.*'] }, links);
    expect(out.findings).toEqual([
      { target: 'cni0', evidence: 'bridge, DOWN', vars: { target: 'cni0', linkKind: 'bridge' } },
      { target: 'flannel.1', evidence: 'vxlan, DOWN', vars: { target: 'flannel.1', linkKind: 'vxlan' } },
    ]);
  });

  it('matches by regex, link kind and master', () => {
    expect(targets(match(interfaceCheck, { nameRegex: '^cali[0-9a-f]+$' }, links))).toEqual(['cali12345']);
    expect(targets(match(interfaceCheck, { linkKinds: ['veth'], master: 'cni0' }, links))).toEqual(['veth1a2b']);
    expect(match(interfaceCheck, { linkKinds: ['veth'], master: 'cni0' }, links).findings[0]?.evidence).toBe('veth, UP, master cni0');
  });

  it('a plain device has an empty linkKind', () => {
    expect(match(interfaceCheck, { names: ['eth0'] }, links).findings[0]?.vars).toEqual({ target: 'eth0', linkKind: '' });
  });
});
