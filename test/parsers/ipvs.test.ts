import { describe, expect, it } from 'vitest';
import { decodeIpvsEndpoint, parseProcIpvs } from '../../src/parsers/ipvs.js';
import { fixture } from './fixture.js';

describe('parseProcIpvs: fixture (hand-written: this kernel has no IPVS)', () => {
  const services = parseProcIpvs(fixture('ipvs/proc-net-ip_vs.txt'));

  it('reads every virtual service with its real-server count', () => {
    expect(services).toEqual([
      { protocol: 'TCP', address: '10.96.0.1:443', scheduler: 'rr', realServers: 1 },
      { protocol: 'UDP', address: '10.96.0.10:53', scheduler: 'rr', realServers: 2 },
      { protocol: 'TCP', address: '10.96.0.10:53', scheduler: 'rr', realServers: 2 },
      { protocol: 'TCP', address: '[fd00:10:96::1]:443', scheduler: 'rr', realServers: 1 },
      { protocol: 'UDP', address: '10.96.5.5:8125', scheduler: 'rr', realServers: 0 },
      { protocol: 'FWM', address: '1', scheduler: 'rr', realServers: 0 },
      { protocol: 'TCP', address: '10.107.44.5:80', scheduler: 'sh', realServers: 1 },
      { protocol: 'SCTP', address: '10.96.7.7:9999', scheduler: 'rr', realServers: 0 },
    ]);
  });
});

describe('parseProcIpvs: edge cases', () => {
  it('empty input and a header with no services', () => {
    expect(parseProcIpvs('')).toEqual([]);
    const header = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n';
    expect(parseProcIpvs(header)).toEqual([]);
  });

  it('destinations under an unparsable service are not counted elsewhere', () => {
    const text = [
      'TCP  0A600001:01BB rr  ',
      '  -> C0A87A0A:192B      Masq    1      0          0         ',
      'TCP  nonsense rr',
      '  -> C0A87A0A:192B      Masq    1      0          0         ',
      'ICMP  0A600001:0000 rr',
      '  -> C0A87A0A:0000      Masq    1      0          0         ',
      'FWM  zz rr',
      '  -> orphan',
    ].join('\n');
    expect(parseProcIpvs(text)).toEqual([{ protocol: 'TCP', address: '10.96.0.1:443', scheduler: 'rr', realServers: 1 }]);
  });

  it('FWM marks are hex in the file, decimal in the result', () => {
    expect(parseProcIpvs('FWM  0000004D wrr \n')).toEqual([{ protocol: 'FWM', address: '77', scheduler: 'wrr', realServers: 0 }]);
  });
});

describe('decodeIpvsEndpoint', () => {
  it('big-endian IPv4 and bracketed IPv6 (full or compressed)', () => {
    expect(decodeIpvsEndpoint('0A600001:01BB')).toBe('10.96.0.1:443');
    expect(decodeIpvsEndpoint('[fd00:0000:0000:0000:0000:0000:0000:0001]:01BB')).toBe('[fd00::1]:443');
    expect(decodeIpvsEndpoint('[fd00::1]:01BB')).toBe('[fd00::1]:443');
  });

  it('undefined for anything else', () => {
    for (const bad of ['', '0A600001', '0A6000:01BB', '0A60000G:01BB', '0A600001:1BBBB', '[fd00::1:01BB', '[fd00:::1]:01BB', '[1:2:3:4:5:6:7:8:9]:0050', '[g::1]:0050']) {
      expect(decodeIpvsEndpoint(bad)).toBeUndefined();
    }
  });
});
