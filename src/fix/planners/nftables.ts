import { call, seenLine } from '../builder.js';
import { nftNameProblem } from '../safety.js';
import type { KindFix, Planner } from './planner.js';

/** nftables tables of Kubernetes software: each deleted by family and name. */
export const planNftables: Planner<'nftables'> = (entries, b) => {
  const seen = new Set<string>();
  for (const e of entries) {
    const { family, table } = e.values;
    const problem = nftNameProblem(family, table);
    if (problem) {
      b.refuse(e, problem, ['nft', 'delete', 'table', family, table]);
      continue;
    }
    if (seen.has(`${family} ${table}`)) continue;
    seen.add(`${family} ${table}`);
    b.step('nftables', { phase: 'netfilter', ruleIds: [e.rule.ruleId], comment: [seenLine(e)], blocks: [call('kr_nft_delete', family, table)] });
  }
};

/** The nftables kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const nftablesFix: KindFix<'nftables'> = {
  plan: planNftables,
  refusalPhase: 'netfilter',
  readValues: (r) => ({ target: r.target(), family: r.word('family'), table: r.word('table') }),
  fits: (c, v) => (c.tables.some((t) => t.family === v.family && t.name === v.table) ? undefined : `${v.family} ${v.table} is not a table the rule looks for`),
};
