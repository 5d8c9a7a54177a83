import { describe, expect, it } from 'vitest';
import { parseIpsetNames } from '../../src/parsers/ipset.js';
import { fixture } from './fixture.js';

describe('parseIpsetNames', () => {
  it('reads the real `ipset list -n` capture', () => {
    expect(parseIpsetNames(fixture('ipset/ipset-list-n.txt'))).toEqual([
      'KUBE-CLUSTER-IP',
      'KUBE-LOOP-BACK',
      'KUBE-NODE-PORT-TCP',
      'KUBE-6-CLUSTER-IP',
      'cali40all-ipam-pools',
      'cali40masq-ipam-pools',
      'cali40this-host',
      'cali60all-ipam-pools',
      'ufw-blocklist',
      'KUBE-SETS',
    ]);
  });

  it('no sets: empty output (real capture) gives no names', () => {
    expect(fixture('ipset/ipset-list-n-empty.txt')).toBe('');
    expect(parseIpsetNames(fixture('ipset/ipset-list-n-empty.txt'))).toEqual([]);
  });

  it('trims whitespace and CR, skips blank lines', () => {
    expect(parseIpsetNames('  KUBE-CLUSTER-IP \r\n\n\tcali40this-host\n\n')).toEqual(['KUBE-CLUSTER-IP', 'cali40this-host']);
  });
});
