import { describe, expect, it } from 'vitest';
import { ipsetCheck } from '../../src/checks/ipset.js';
import { match, targets } from './facts.js';

const sets = ['KUBE-CLUSTER-IP', 'KUBE-LOOP-BACK', 'cali40all-ipam-pools', 'f2b-sshd'];

describe('ipset check', () => {
  it('matches set names by glob or regex', () => {
    expect(targets(match(ipsetCheck, { names: ['KUBE-*'] }, sets))).toEqual(['KUBE-CLUSTER-IP', 'KUBE-LOOP-BACK']);
    expect(targets(match(ipsetCheck, { nameRegex: '^cali4[06]' }, sets))).toEqual(['cali40all-ipam-pools']);
  });

  it('carries the set name as target', () => {
    expect(match(ipsetCheck, { names: ['KUBE-LOOP-BACK'] }, sets).findings).toEqual([{ target: 'KUBE-LOOP-BACK', evidence: 'ipset', vars: { target: 'KUBE-LOOP-BACK' } }]);
  });

  it("another program's sets are not matched", () => {
    expect(targets(match(ipsetCheck, { names: ['KUBE-*'], nameRegex: '^cali' }, ['f2b-sshd']))).toEqual([]);
  });
});
