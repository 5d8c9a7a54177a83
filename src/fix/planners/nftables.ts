import { call, seenLine } from '../builder.js';
import { nftNameProblem } from '../safety.js';
import type { Planner } from './planner.js';

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
