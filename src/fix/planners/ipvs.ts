import { call, seenLine } from '../builder.js';
import { ipvsProblem } from '../safety.js';
import type { KindFix, Planner } from './planner.js';
import { matches } from '../fits.js';

/** IPVS virtual services: each one deleted by address, never `ipvsadm --clear`. */
export const planIpvs: Planner<'ipvs'> = (entries, b) => {
  for (const e of entries) {
    const { protocolFlag: flag, address: addr } = e.values;
    const problem = ipvsProblem(flag, addr);
    if (problem) {
      b.refuse(e, problem, ['ipvsadm', '-D', flag, addr]);
      continue;
    }
    b.step('ipvs', { phase: 'netfilter', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'Only this virtual service (ipvsadm --clear would also remove services that are not Kubernetes\u2019).'], blocks: [call('run_may_fail', 'ipvsadm', '-D', flag, addr)] });
  }
};

/** The ipvs kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const ipvsFix: KindFix<'ipvs'> = {
  plan: planIpvs,
  refusalPhase: 'netfilter',
  readValues: (r) => ({ target: r.target(), protocolFlag: r.word('protocolFlag'), address: r.word('address') }),
  fits: (c, v) => (matches(c.services, v.target) ? undefined : `${v.target} is not a service the rule looks for`),
};
