// The one severity order: SEVERITIES lists them most severe first; everything that compares severities
// (the verdict's --fail-on, the reporters' sorting and counts) goes through these.
import { SEVERITIES, type Severity } from './rule.js';

/** info 0 … critical 4, so "at or above --fail-on" is a plain comparison. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}

export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

/** A sort comparator: most severe first. */
export function mostSevereFirst(a: Severity, b: Severity): number {
  return severityRank(b) - severityRank(a);
}
