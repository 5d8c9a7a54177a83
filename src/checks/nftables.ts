import picomatch from 'picomatch';
import type { NftTable } from '../parsers/nft.js';
import { nftablesProbe } from '../probes/nftables.js';
import type { CheckDefinition } from './check.js';

export const nftablesCheck: CheckDefinition<'nftables', NftTable[]> = {
  kind: 'nftables',
  probe: nftablesProbe,
  match(check, tables) {
    const findings = tables
      .filter((t) => check.tables.some((w) => w.family === t.family && picomatch.isMatch(t.name, w.name)))
      .map((t) => ({
        target: `${t.family} ${t.name}`,
        evidence: `native nftables table ${t.family} ${t.name}`,
        vars: { target: `${t.family} ${t.name}`, family: t.family, table: t.name },
      }));
    return { findings };
  },
};
