import { describe, expect, it } from 'vitest';
import { parseIpLinkJson, type LinkInfo } from '../../src/parsers/ip-link.js';
import { fixture } from './fixture.js';

describe('parseIpLinkJson: real capture (ip -d -j link show)', () => {
  const links = parseIpLinkJson(fixture('ip-link/ip-d-j-link-show.json'));
  const byName = (name: string): LinkInfo => {
    const l = links.find((x) => x.name === name);
    if (!l) throw new Error(`no link ${name}`);
    return l;
  };

  it('lists every link, DOWN ones included', () => {
    expect(links.map((l) => l.name)).toEqual(['lo', 'cni0', 'docker0', 'veth3f2a1b4c', 'cali1234567890a', 'vethdead02', 'vethdead01', 'flannel.1', 'vxlan.calico']);
    expect(links.filter((l) => l.operstate === 'DOWN').map((l) => l.name).sort()).toEqual(['cali1234567890a', 'docker0', 'vethdead01', 'vethdead02', 'vxlan.calico']);
  });

  it('reads link kinds', () => {
    const kinds = Object.fromEntries(links.map((l) => [l.name, l.kind]));
    expect(kinds).toEqual({
      lo: undefined,
      cni0: 'bridge',
      docker0: 'bridge',
      veth3f2a1b4c: 'veth',
      cali1234567890a: 'veth',
      vethdead02: 'veth',
      vethdead01: 'veth',
      'flannel.1': 'vxlan',
      'vxlan.calico': 'vxlan',
    });
  });

  it('a veth enslaved to cni0 with its peer in another netns', () => {
    expect(byName('veth3f2a1b4c')).toMatchObject({ kind: 'veth', slaveKind: 'bridge', master: 'cni0', operstate: 'UP', linkIndex: 2, linkNetnsId: 0, mtu: 1500 });
    expect(byName('veth3f2a1b4c').flags).toEqual(['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']);
    const cali = byName('cali1234567890a');
    expect(cali.master).toBeUndefined();
    expect(cali.linkNetnsId).toBe(1);
    expect(cali.flags).toContain('NO-CARRIER');
  });

  it('a veth pair inside one namespace names its peer', () => {
    expect(byName('vethdead01').link).toBe('vethdead02');
    expect(byName('vethdead02').link).toBe('vethdead01');
    expect(byName('vethdead01').linkIndex).toBeUndefined();
  });

  it('plain fields', () => {
    expect(byName('lo')).toMatchObject({ ifindex: 1, operstate: 'UNKNOWN', mtu: 65536, address: '00:00:00:00:00:00', linkType: 'loopback' });
    expect(byName('docker0').flags).toEqual(['BROADCAST', 'MULTICAST']);
    expect(byName('flannel.1').address).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
  });
});

describe('parseIpLinkJson: hand-written dummy / ipip / wireguard (kinds this kernel lacks)', () => {
  const links = parseIpLinkJson(fixture('ip-link/handwritten-dummy-ipip-wireguard.json'));

  it('reads kube-ipvs0 (dummy), tunl0 (ipip) and wg0 (wireguard)', () => {
    expect(links.map((l) => [l.name, l.kind, l.operstate])).toEqual([
      ['kube-ipvs0', 'dummy', 'DOWN'],
      ['tunl0', 'ipip', 'UNKNOWN'],
      ['wg0', 'wireguard', 'UNKNOWN'],
    ]);
    expect(links[2]?.address).toBeUndefined();
    expect(links[2]?.linkType).toBe('none');
  });
});

describe('parseIpLinkJson: defensive parsing', () => {
  it('skips entries of the wrong shape and ignores fields of the wrong type', () => {
    const text = JSON.stringify([
      { ifindex: 14, flags: [], operstate: 'DOWN' },
      'not an object',
      null,
      [1, 2],
      { ifindex: '15', ifname: 'string-index' },
      { ifindex: 1.5, ifname: 'fractional-index' },
      { ifindex: 16, ifname: '' },
      { ifindex: 17, ifname: 'odd-types', flags: ['UP', 7, null], mtu: '1500', master: 42, linkinfo: [], link_index: 'x' },
      { ifindex: 18, ifname: 'no-flags', linkinfo: { info_kind: 'macvlan', info_slave_kind: 3 } },
    ]);
    expect(parseIpLinkJson(text)).toEqual([
      { name: 'odd-types', ifindex: 17, operstate: 'UNKNOWN', flags: ['UP'] },
      { name: 'no-flags', ifindex: 18, operstate: 'UNKNOWN', flags: [], kind: 'macvlan' },
    ]);
  });

  it('an empty array is no links', () => {
    expect(parseIpLinkJson('[]')).toEqual([]);
    expect(parseIpLinkJson(' [ ]\n')).toEqual([]);
  });

  it('throws a clear error on text that is not JSON, or not an array', () => {
    expect(() => parseIpLinkJson('')).toThrow(/ip -j link show: output is not valid JSON/);
    expect(() => parseIpLinkJson('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536')).toThrow(/not valid JSON/);
    expect(() => parseIpLinkJson('[{"ifindex":1,')).toThrow(/not valid JSON/);
    expect(() => parseIpLinkJson('{"ifindex":1}')).toThrow(/expected a JSON array of links, got object/);
    expect(() => parseIpLinkJson('null')).toThrow(/got null/);
  });
});
