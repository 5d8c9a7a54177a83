// A finding's stable identity across runs: its rule id and its target with what changes from run to run taken
// out (a process's pid, /var/run vs /run, doubled or trailing slashes). Never a position in a list. Used by
// baselines and by `diff`.
import type { RuleResult } from '../model/result.js';

export function normaliseTarget(kind: RuleResult['kind'], target: string): string {
  let t = target;
  // `<comm>[<pid>]`: a restarted process is the same leftover.
  if (kind === 'process') t = t.replace(/\[\d+\]$/, '');
  if (t.startsWith('/')) {
    t = t.replace(/\/{2,}/g, '/');
    if (t.length > 1) t = t.replace(/\/$/, '');
    if (t === '/var/run' || t.startsWith('/var/run/')) t = t.slice('/var'.length);
  }
  return t;
}

/** `<rule id> <normalised target>`: readable, and unique because rule ids contain no space. */
export function fingerprint(ruleId: string, kind: RuleResult['kind'], target: string): string {
  return `${ruleId} ${normaliseTarget(kind, target)}`;
}
