import { call, seenLine } from '../builder.js';
import { ipsetNameProblem } from '../safety.js';
import type { KindFix, Planner } from './planner.js';
import { nameFits } from '../fits.js';

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

/** The ipset kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const ipsetFix: KindFix<'ipset'> = {
  plan: planIpsets,
  refusalPhase: 'netfilter',
  readValues: (r) => ({ target: r.target() }),
  fits: (c, v) => (nameFits(c.names, c.nameRegex, v.target) ? undefined : `${v.target} is not a set the rule looks for`),
};
