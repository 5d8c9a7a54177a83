import { describe, expect, it } from 'vitest';
import { ipvsCheck } from '../../src/checks/ipvs.js';
import type { IpvsService } from '../../src/parsers/ipvs.js';
import { match, targets } from './facts.js';

const services: IpvsService[] = [
  { protocol: 'TCP', address: '10.96.0.1:443', scheduler: 'rr', realServers: 1 },
  { protocol: 'UDP', address: '10.96.0.10:53', scheduler: 'rr', realServers: 2 },
  { protocol: 'SCTP', address: '[fd00::1]:9000', scheduler: 'wlc', realServers: 0 },
  { protocol: 'FWM', address: '1', scheduler: 'rr', realServers: 0 },
];

describe('ipvs check', () => {
  it('without services, every virtual service is a finding, with ipvsadm flag per protocol', () => {
    const out = match(ipvsCheck, {}, services);
    expect(out.findings.map((f) => f.vars)).toEqual([
      { target: 'TCP 10.96.0.1:443', protocolFlag: '-t', address: '10.96.0.1:443' },
      { target: 'UDP 10.96.0.10:53', protocolFlag: '-u', address: '10.96.0.10:53' },
      { target: 'SCTP [fd00::1]:9000', protocolFlag: '--sctp-service', address: '[fd00::1]:9000' },
      { target: 'FWM 1', protocolFlag: '-f', address: '1' },
    ]);
    expect(out.findings[1]?.evidence).toBe('IPVS virtual service (rr, 2 real servers)');
    expect(out.findings[0]?.evidence).toBe('IPVS virtual service (rr, 1 real server)');
  });

  it('matches `PROTO address:port` globs', () => {
    expect(targets(match(ipvsCheck, { services: ['TCP 10.96.*'] }, services))).toEqual(['TCP 10.96.0.1:443']);
    expect(targets(match(ipvsCheck, { services: ['* 10.96.0.10:53'] }, services))).toEqual(['UDP 10.96.0.10:53']);
  });

  it('finds nothing when there are no services', () => {
    expect(match(ipvsCheck, {}, [])).toEqual({ findings: [] });
  });
});
