import { call, seenLine } from '../builder.js';
import { ipsetNameProblem } from '../safety.js';
import type { Planner } from './planner.js';

/** ipsets: destroyed after the iptables rules that use them. */
export const planIpsets: Planner<'ipset'> = (entries, b) => {
  const seen = new Set<string>();
  for (const e of entries) {
    const name = e.values.target;
    const problem = ipsetNameProblem(name);
    if (problem) {
      b.refuse(e, problem, ['ipset', 'destroy', name]);
      continue;
    }
    if (seen.has(name)) continue;
    seen.add(name);
    b.step('ipset', { phase: 'netfilter', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'Fails while an iptables rule still uses the set (tolerated; a rescan then shows it).'], blocks: [call('run_may_fail', 'ipset', 'destroy', name)] });
  }
};
