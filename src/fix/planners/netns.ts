import { call, seenLine } from '../builder.js';
import { netnsNameProblem } from '../safety.js';
import { displayText } from '../shell-text.js';
import type { KindFix, Planner } from './planner.js';
import { globsMatcher } from '../../glob.js';

/** Named network namespaces: `ip netns delete`, after the runtime had its chance to remove its pods. */
export const planNetns: Planner<'netns'> = (entries, b) => {
  const seen = new Set<string>();
  for (const e of entries) {
    const name = e.values.target;
    const problem = netnsNameProblem(name);
    if (problem) {
      b.refuse(e, problem, ['ip', 'netns', 'delete', name]);
      continue;
    }
    if (seen.has(name)) continue;
    seen.add(name);
    b.runtimeRules.add(e.rule.ruleId);
    b.step('netns', { phase: 'netns', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'ip netns delete also unmounts its /run/netns file; a reboot clears it too.'], blocks: [call('kr_netns_delete', name, displayText(name))] });
  }
};

/** The netns kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const netnsFix: KindFix<'netns'> = {
  plan: planNetns,
  refusalPhase: 'netns',
  readValues: (r) => ({ target: r.target() }),
  fits: (c, v) => (globsMatcher(c.names)(v.target) ? undefined : `${v.target} is not a namespace the rule looks for`),
};
