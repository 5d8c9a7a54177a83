import { ipsetProbe } from '../probes/ipsets.js';
import type { CheckDefinition } from './check.js';
import { nameMatcher } from './check.js';

export type IpsetFixVars = { target: string };

export const ipsetCheck: CheckDefinition<'ipset', string[], IpsetFixVars> = {
  kind: 'ipset',
  doc: { fields: '`names`, `nameRegex`', findingPer: 'set' },
  params: { names: 'optional', nameRegex: 'optional' },
  regexFields: ['nameRegex'],
  fixVars: { target: 'the set name' },
  sarifPrecision: 'very-high',
  startOrder: 4,
  probe: ipsetProbe,
  match(check, names) {
    const matches = nameMatcher(check.names, check.nameRegex);
    return { findings: names.filter(matches).map((n) => ({ target: n, evidence: 'ipset', vars: { target: n } })) };
  },
};
