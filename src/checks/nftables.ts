import { nftablesKind, type NftablesFixVars } from './nftables.meta.js';
import { globsMatcher } from '../glob.js';
import type { NftTable } from '../parsers/nft.js';
import { nftablesProbe } from '../probes/nftables.js';
import type { CheckDefinition } from './check.js';

export const nftablesCheck: CheckDefinition<'nftables', NftTable[], NftablesFixVars> = {
  ...nftablesKind,
  probe: nftablesProbe,
  match(check, tables) {
    const wanted = check.tables.map((w) => ({ family: w.family, name: globsMatcher([w.name], { dot: false }) }));
    const findings = tables
      .filter((t) => wanted.some((w) => w.family === t.family && w.name(t.name)))
      .map((t) => ({
        target: `${t.family} ${t.name}`,
        evidence: `native nftables table ${t.family} ${t.name}`,
        vars: { target: `${t.family} ${t.name}`, family: t.family, table: t.name },
      }));
    return { findings };
  },
};
