// The comparison side (goss's "validate" half). A check kind is one module, src/checks/<kind>.ts: the probe that
// gathers its facts and a pure `match` comparing one rule's parameters to them, spread over the kind's
// declaration in its sibling src/checks/<kind>.meta.ts (parameters, schema, typed fix variables, SARIF
// precision, start order, README row). Both registries (./kinds.ts, ./index.ts) are typed: a missing kind fails `tsc`.
import { globsMatcher } from '../glob.js';
import { includeExcludeMatcher } from '../rule-regex.js';
import type { CheckKind, CheckOf } from '../model/rule.js';
import type { ProbeContext } from '../probes/context.js';
import type { Probe } from '../probes/probe.js';
import type { FixVarsShape, KindMeta } from './kind.js';

export type { FixVarValue, FixVarsShape, SarifPrecision } from './kind.js';

export interface RawFinding<V extends FixVarsShape = FixVarsShape> {
  target: string;
  evidence: string;
  vars: V;
  /** Host paths a rule's conditions judge for this match (default: the target). */
  subjects?: string[];
}

export interface MatchOutcome<V extends FixVarsShape = FixVarsShape> {
  findings: RawFinding<V>[];
  /** Part of what the rule asks could not be seen (one iptables backend, say). With no findings: unchecked. */
  partial?: string;
  /** Something worth saying that does not make the rule unchecked (unit state unread where files were read). */
  note?: string;
}

/** A kind in full: its declaration (./<kind>.meta.ts), the probe gathering its facts and the pure matcher. */
export interface CheckDefinition<K extends CheckKind, Facts, V extends FixVarsShape> extends KindMeta<K, CheckOf<K>, V> {
  readonly probe: Probe<CheckOf<K>, Facts>;
  match(check: CheckOf<K>, facts: Facts, ctx: ProbeContext): MatchOutcome<V>;
}

/**
 * A name matcher from globs and/or a regex (RE2 syntax), minus the names `exclude` matches; with neither globs
 * nor regex it matches every name `exclude` does not.
 */
export function nameMatcher(globs: readonly string[] | undefined, regex: string | undefined, exclude?: string): (name: string) => boolean {
  const g = globs && globs.length > 0 ? globsMatcher(globs) : undefined;
  const r = regex ? includeExcludeMatcher(regex, undefined) : undefined;
  const x = exclude ? includeExcludeMatcher(exclude, undefined) : undefined;
  const included = !g && !r ? () => true : (name: string) => (g ? g(name) : false) || (r ? r(name) : false);
  return x ? (name) => included(name) && !x(name) : included;
}

export function globMatcher(globs: readonly string[] | undefined): ((s: string) => boolean) | undefined {
  return globs && globs.length > 0 ? globsMatcher(globs) : undefined;
}
