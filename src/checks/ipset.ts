import { ipsetProbe } from '../probes/ipsets.js';
import type { CheckDefinition } from './check.js';
import { nameMatcher } from './check.js';

export type IpsetFixVars = { target: string };

export const ipsetCheck: CheckDefinition<'ipset', string[], IpsetFixVars> = {
  kind: 'ipset',
  doc: { fields: '`names`, `nameRegex`, `nameRegexExclude`', findingPer: 'set' },
  params: { names: 'optional', nameRegex: 'optional', nameRegexExclude: 'optional' },
  regexFields: ['nameRegex', 'nameRegexExclude'],
  fixVars: { target: 'the set name' },
  sarifPrecision: 'very-high',
  startOrder: 4,
  probe: ipsetProbe,
  match(check, names) {
    const matches = nameMatcher(check.names, check.nameRegex, check.nameRegexExclude);
    return { findings: names.filter(matches).map((n) => ({ target: n, evidence: 'ipset', vars: { target: n } })) };
  },
};
