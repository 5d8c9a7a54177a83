import { ipsetKind, type IpsetFixVars } from './ipset.meta.js';
import { ipsetProbe } from '../probes/ipsets.js';
import type { CheckDefinition } from './check.js';
import { nameMatcher } from './check.js';

export const ipsetCheck: CheckDefinition<'ipset', string[], IpsetFixVars> = {
  ...ipsetKind,
  probe: ipsetProbe,
  match(check, names) {
    const matches = nameMatcher(check.names, check.nameRegex, check.nameRegexExclude);
    return { findings: names.filter(matches).map((n) => ({ target: n, evidence: 'ipset', vars: { target: n } })) };
  },
};
