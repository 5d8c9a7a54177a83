// The comparison side (goss's "validate" half). A check kind is one module (src/checks/<kind>.ts) holding
// everything about the kind: the probe that gathers its facts, a pure `match` comparing one rule's parameters to
// them, the fix variables its findings carry (typed), and its metadata (schema fields, regex fields, SARIF
// precision, start order, README line). The registry (./index.ts) is typed so a missing kind fails `tsc`.
import { globsMatcher } from '../glob.js';
import { includeExcludeMatcher } from '../rule-regex.js';
import type { CheckKind, CheckOf } from '../model/rule.js';
import type { ProbeContext } from '../probes/context.js';
import type { Probe } from '../probes/probe.js';

/** One fix variable's value: one shell word, several words, or a list of word lists (for `{{name[]}}`). */
export type FixVarValue = string | string[] | string[][];

/** A kind's fix variables as a type: every finding has a `target`; the rest is the kind's own (optional ones too). */
export type FixVarsShape = { target: string } & { [name: string]: FixVarValue };

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

/** Each parameter of a check, as the TypeScript type declares it: required or optional. */
export type ParamSpec<C> = { readonly [P in Exclude<keyof C, 'kind'>]-?: {} extends Pick<C, P> ? 'optional' : 'required' };

/** The parameters of a check that hold one string (candidates for a regex field). */
export type StringParam<C> = { [P in Exclude<keyof C, 'kind'>]-?: NonNullable<C[P]> extends string ? P : never }[Exclude<keyof C, 'kind'>];

/** How sure a match is that the object is residue of the cluster (SARIF `precision`). */
export type SarifPrecision = 'very-high' | 'high' | 'medium';

export interface CheckDefinition<K extends CheckKind, Facts, V extends FixVarsShape> {
  readonly kind: K;
  /** The README "Check kinds" row: what the fields mean, and what one finding is. */
  readonly doc: { readonly fields: string; readonly findingPer: string };
  /** The check's parameters, required or not; a test proves src/schema/rule.schema.json says the same. */
  readonly params: ParamSpec<CheckOf<K>>;
  /** Parameters that are regular expressions: compiled at rule load, so a bad one fails validation (exit 2). */
  readonly regexFields: readonly StringParam<CheckOf<K>>[];
  /** Every fix variable a finding may carry, with what it holds: the names a fix template may use. */
  readonly fixVars: { readonly [P in keyof V & string]-?: string };
  readonly sarifPrecision: SarifPrecision;
  /**
   * Probes that spawn a tool start first (lowest first), so their children run while the synchronous /proc and
   * /sys readers work; kinds without one start after them.
   */
  readonly startOrder?: number;
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
