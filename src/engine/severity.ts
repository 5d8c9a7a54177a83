import { SEVERITIES, type Severity } from '../model/rule.js';

/** info 0 … critical 4, so "at or above --fail-on" is a plain comparison. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}
