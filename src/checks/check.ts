// The comparison side (goss's "validate" half): a check kind names the probe that gathers its facts and a pure
// `match` that compares one rule's parameters to them. One file per kind, all behind this interface.
import { globsMatcher } from '../glob.js';
import type { FixVars } from '../model/result.js';
import type { CheckKind, CheckOf } from '../model/rule.js';
import type { ProbeContext } from '../probes/context.js';
import type { Probe } from '../probes/probe.js';

export interface RawFinding {
  target: string;
  evidence: string;
  vars: FixVars;
  /** Host paths a rule's conditions judge for this match (default: the target). */
  subjects?: string[];
}

export interface MatchOutcome {
  findings: RawFinding[];
  /** Part of what the rule asks could not be seen (one iptables backend, say). With no findings: unchecked. */
  partial?: string;
  /** Something worth saying that does not make the rule unchecked (unit state unread where files were read). */
  note?: string;
}

export interface CheckDefinition<K extends CheckKind, Facts> {
  readonly kind: K;
  readonly probe: Probe<CheckOf<K>, Facts>;
  match(check: CheckOf<K>, facts: Facts, ctx: ProbeContext): MatchOutcome;
}

/** A name matcher from globs and/or a regex; with neither it matches everything. */
export function nameMatcher(globs: readonly string[] | undefined, regex: string | undefined): (name: string) => boolean {
  const g = globs && globs.length > 0 ? globsMatcher(globs) : undefined;
  const r = regex ? new RegExp(regex) : undefined;
  if (!g && !r) return () => true;
  return (name) => (g ? g(name) : false) || (r ? r.test(name) : false);
}

export function globMatcher(globs: readonly string[] | undefined): ((s: string) => boolean) | undefined {
  return globs && globs.length > 0 ? globsMatcher(globs) : undefined;
}
