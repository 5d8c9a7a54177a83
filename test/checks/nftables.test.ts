import { describe, expect, it } from 'vitest';
import { nftablesCheck } from '../../src/checks/nftables.js';
import type { NftTable } from '../../src/parsers/nft.js';
import { match, targets } from './facts.js';

const tables: NftTable[] = [
  { family: 'ip', name: 'kube-proxy' },
  { family: 'ip6', name: 'kube-proxy' },
  { family: 'inet', name: 'firewalld' },
  { family: 'ip', name: 'cilium_nat' },
];

describe('nftables check', () => {
  it('matches family and table name, one finding per table', () => {
    const out = match(nftablesCheck, { tables: [{ family: 'ip', name: 'kube-proxy' }] }, tables);
    expect(out.findings).toEqual([{ target: 'ip kube-proxy', evidence: 'native nftables table ip kube-proxy', vars: { target: 'ip kube-proxy', family: 'ip', table: 'kube-proxy' } }]);
  });

  it('names are globs; the family must be the same', () => {
    expect(targets(match(nftablesCheck, { tables: [{ family: 'ip', name: 'cilium*' }, { family: 'ip6', name: 'kube-*' }] }, tables))).toEqual(['ip cilium_nat', 'ip6 kube-proxy']);
    expect(targets(match(nftablesCheck, { tables: [{ family: 'inet', name: 'kube-proxy' }] }, tables))).toEqual([]);
  });
});
