// The scan engine: runs each probe the selected rules need exactly once (concurrently, each within its time
// limit), gives every rule its probe's facts to compare, and assembles the result. It decides nothing about
// output or exit codes.
import type { CheckKind, Rule, Severity } from '../model/rule.js';
import { SEVERITIES } from '../model/rule.js';
import { REPORT_SCHEMA_VERSION, type Finding, type HostIdentity, type ProbeRun, type RuleFileInfo, type RuleResult, type ScanResult, type Verdict } from '../model/result.js';
import { checkDefinitions, type AnyCheckDefinition } from '../checks/index.js';
import os from 'node:os';
import { createProbeContext, type ProbeContext } from '../probes/context.js';
import type { ClusterOptions } from '../probes/kube-resources.js';
import { ProbeUnavailable } from '../probes/probe.js';
import { hostIdentity } from '../host/identity.js';
import { renderFix } from '../fix/template.js';
import { ComparisonTimeout, withComparisonDeadline } from '../comparison-deadline.js';
import { atOrAbove } from '../model/severity.js';
import type { MatchOutcome } from '../checks/check.js';
import { evaluateConditions } from '../checks/conditions.js';
import type { Condition } from '../model/conditions.js';
import { gatherConditionFacts, type ConditionFacts, type ConditionRequest } from '../probes/conditions.js';

export interface ScanOptions {
  rules: readonly Rule[];
  root: string;
  timeoutMs: number;
  /** Where cluster rules read from (kubeconfig, context, dumps) and this host's Node name. */
  cluster?: ClusterOptions;
  selection: ScanResult['selection'];
  ruleFiles: RuleFileInfo[];
  tool: ScanResult['tool'];
  /** For tests: a fixed clock. */
  now?: () => Date;
  /** For tests: the kinds' definitions (fake probes); default the registry's. */
  checks?: Readonly<Record<CheckKind, AnyCheckDefinition>>;
  /** Instead of the live host (src/snapshot): the probe context, check definitions and identity to use. */
  source?: FactSource;
}

/** Where a scan's facts come from when not from the live probes: a snapshot being taken or replayed. */
export interface FactSource {
  ctx: ProbeContext;
  defs: Readonly<Record<CheckKind, AnyCheckDefinition>>;
  identity?: () => HostIdentity;
  /** The facts behind rules' conditions (package provenance, contents); default: read from the host. */
  conditionFacts?: (ctx: ProbeContext, requests: readonly ConditionRequest[]) => Promise<ConditionFacts>;
}

/** The start rank of kinds without a startOrder: after every tool-spawning probe, in rule order. */
const LAST = Number.MAX_SAFE_INTEGER;

type ProbeOutcome = { ok: true; facts: unknown } | { ok: false; reason: string };

/** Milliseconds from a monotonic clock. (performance.now() would load perf_hooks, ~1.3 ms at start-up.) */
function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeUnavailable(`${what} probe timed out after ${Math.round(ms / 1000)}s`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts queued jobs one per event-loop turn, in order. Between two probes the loop polls for I/O, so the output
 * of a tool that has finished is taken in while the next probe reads /proc and /sys, not after all of them.
 */
function turnQueue(): (job: () => void) => void {
  const jobs: Array<() => void> = [];
  const pump = (): void => {
    jobs.shift()?.();
    if (jobs.length > 0) setImmediate(pump);
  };
  return (job) => {
    if (jobs.push(job) === 1) setImmediate(pump);
  };
}

async function runProbe(def: AnyCheckDefinition, ctx: ProbeContext, rules: readonly Rule[], runs: ProbeRun[], enqueue: (job: () => void) => void): Promise<ProbeOutcome> {
  let t0 = nowMs();
  let t1: number | undefined;
  let outcome: ProbeOutcome;
  try {
    // gather() may do its synchronous reads before its first await: start it inside the timer. Each probe
    // starts in an event-loop turn of its own, so its synchronous work and the settling of its promise are
    // over before the next probe begins: durationMs is the probe's own time.
    const facts = await withTimeout(
      new Promise<unknown>((resolve, reject) => {
        enqueue(() => {
          t0 = nowMs();
          Promise.resolve()
            .then(() => def.probe.gather(ctx, rules.map((r) => r.check) as never))
            .then(resolve, reject)
            .finally(() => {
              t1 = nowMs();
            });
        });
      }),
      ctx.timeoutMs,
      def.probe.id,
    );
    outcome = { ok: true, facts };
  } catch (err) {
    const reason = err instanceof ProbeUnavailable ? err.message : `${def.probe.id} probe failed: ${(err as Error).message}`;
    outcome = { ok: false, reason };
  }
  const ms = (t1 ?? nowMs()) - t0;
  runs.push({ probe: def.probe.id, ok: outcome.ok, durationMs: Math.round(ms * 10) / 10, note: outcome.ok ? undefined : outcome.reason });
  return outcome;
}

/** The conditions a rule puts on its matches, if its kind takes any. */
function conditionsOf(rule: Rule): Condition[] | undefined {
  const c = rule.check;
  return (c.kind === 'path' || c.kind === 'systemd-unit') && c.when && c.when.length > 0 ? c.when : undefined;
}

type MatchResult = { ok: true; match: MatchOutcome } | { ok: false; reason: string };

function matchRule(rule: Rule, def: AnyCheckDefinition, outcome: ProbeOutcome, ctx: ProbeContext): MatchResult {
  if (!outcome.ok) return { ok: false, reason: outcome.reason };
  try {
    // Comparing is bounded like probing: a rule whose comparison outlasts --timeout is unchecked, not clean.
    return { ok: true, match: withComparisonDeadline(ctx.timeoutMs, () => def.match(rule.check, outcome.facts, ctx)) };
  } catch (err) {
    if (err instanceof ComparisonTimeout) return { ok: false, reason: err.message };
    return { ok: false, reason: `comparison failed: ${(err as Error).message}` };
  }
}

/**
 * Keeps the matches that meet the rule's conditions (provenance, contents), with why in their evidence. Facts
 * that could not be gathered make the rule partly unchecked, never silently clean.
 */
/** What conditions add to the matches they keep, by target. */
interface Judged {
  provenance: Map<string, Finding['provenance']>;
  /** What a clean-up may remove, where the conditions narrowed it (absent: the whole match). */
  removable: Map<string, string[]>;
}

function applyConditions(match: MatchOutcome, conditions: readonly Condition[], facts: ConditionFacts | undefined): MatchOutcome & Judged {
  const provenance = new Map<string, Finding['provenance']>();
  const removable = new Map<string, string[]>();
  if (match.findings.length === 0) return { ...match, provenance, removable };
  if (!facts || !facts.ok) {
    const why = facts && !facts.ok ? facts.reason : 'conditions not evaluated';
    return { findings: [], partial: [match.partial, `${match.findings.length} match(es) not judged: ${why}`].filter(Boolean).join('; '), note: match.note, provenance, removable };
  }
  const kept: MatchOutcome['findings'] = [];
  const problems: string[] = [];
  for (const f of match.findings) {
    const verdict = evaluateConditions(f.subjects ?? [f.target], conditions, facts.facts);
    if ('missing' in verdict) {
      problems.push(`${f.target}: ${verdict.missing}`);
      continue;
    }
    if (!verdict.holds) continue;
    kept.push({ ...f, evidence: [f.evidence, ...verdict.details].join('; ') });
    if (verdict.provenance && (verdict.provenance.owners.length > 0 || verdict.provenance.unowned.length > 0)) provenance.set(f.target, verdict.provenance);
    if (verdict.removable) removable.set(f.target, verdict.removable);
  }
  const partial = [match.partial, ...problems].filter(Boolean).join('; ') || undefined;
  return { findings: kept, partial, note: match.note, provenance, removable };
}

/**
 * `{{removable}}` of a match judged by conditions: what a clean-up may remove without touching a package's files
 * or another engine's state. A directory: exactly its unowned pieces, or the Kubernetes entries it holds
 * (containerd's k8s.io state, not Docker's moby beside it); a unit: its files and links except the ones a package
 * owns unmodified; where no condition narrowed it, the target (or a unit's paths).
 */
function removablePaths(f: MatchOutcome['findings'][number], narrowed: string[] | undefined): string[] {
  const paths = Array.isArray(f.vars.paths) ? (f.vars.paths as unknown[]).filter((p): p is string => typeof p === 'string') : [f.target];
  if (!narrowed) return paths;
  if (!Array.isArray(f.vars.paths)) return narrowed;
  // Each judged file or drop-in directory stands for its removable pieces (none when a package owns it all);
  // links and anything not judged stay as they are.
  const subjects = new Set(f.subjects ?? []);
  const within = (u: string, p: string): boolean => u === p || u.startsWith(`${p}/`);
  return paths.flatMap((p) => (subjects.has(p) ? narrowed.filter((u) => within(u, p)) : [p]));
}

function evaluate(rule: Rule, matched: MatchResult, facts: ConditionFacts | undefined): RuleResult {
  const base: RuleResult = {
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    pack: rule.pack,
    kind: rule.check.kind,
    tags: rule.tags,
    profiles: rule.profiles,
    description: rule.description,
    rebootClears: rule.rebootClears,
    references: rule.references,
    fixNote: rule.fix.note,
    source: rule.source,
    ...(rule.blocksJoin ? { blocksJoin: rule.blocksJoin } : {}),
    status: 'clean',
    findings: [],
  };
  if (!matched.ok) return { ...base, status: 'unchecked', reason: matched.reason };
  const conditions = conditionsOf(rule);
  const match: MatchOutcome & Judged = conditions ? applyConditions(matched.match, conditions, facts) : { ...matched.match, provenance: new Map(), removable: new Map() };
  const findings: Finding[] = match.findings
    .map((f) => {
      const provenance = match.provenance.get(f.target);
      const vars = conditions ? { ...f.vars, removable: removablePaths(f, match.removable.get(f.target)) } : f.vars;
      return {
        kind: rule.check.kind,
        target: f.target,
        evidence: f.evidence,
        rebootClears: rule.rebootClears,
        fix: renderFix(rule.fix.commands, vars),
        vars,
        ...(provenance ? { provenance } : {}),
      };
    })
    .sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  if (findings.length > 0) {
    const reason = match.partial ? `partly unchecked: ${match.partial}` : match.note;
    return { ...base, status: 'found', findings, reason };
  }
  if (match.partial) return { ...base, status: 'unchecked', reason: match.partial };
  return { ...base, reason: match.note };
}

export function summarize(results: readonly RuleResult[]): ScanResult['summary'] {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let findings = 0;
  let waived = 0;
  for (const r of results) {
    // A waived finding is reported but not counted: it never fails the run (src/waivers).
    const open = r.findings.filter((f) => f.waiver === undefined).length;
    findings += open;
    waived += r.findings.length - open;
    bySeverity[r.severity] += open;
  }
  return {
    rules: results.length,
    found: results.filter((r) => r.status === 'found').length,
    clean: results.filter((r) => r.status === 'clean').length,
    unchecked: results.filter((r) => r.status === 'unchecked').length,
    findings,
    ...(waived > 0 ? { waived } : {}),
    bySeverity,
  };
}

export function verdictOf(results: readonly RuleResult[], failOn: Severity): Verdict {
  if (results.some((r) => r.status === 'found' && atOrAbove(r.severity, failOn))) return 'residue';
  if (results.some((r) => r.status === 'unchecked')) return 'unchecked';
  return 'clean';
}

export async function runScan(opts: ScanOptions): Promise<ScanResult> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const ctx = opts.source?.ctx ?? createProbeContext({ root: opts.root, timeoutMs: opts.timeoutMs });
  const defs = opts.source?.defs ?? opts.checks ?? checkDefinitions({ cluster: opts.cluster ?? { nodeName: os.hostname() } });
  const byKind = new Map<CheckKind, Rule[]>();
  for (const r of opts.rules) byKind.set(r.check.kind, [...(byKind.get(r.check.kind) ?? []), r]);
  // Probes that spawn a tool start first (each kind's startOrder), so their children run while the synchronous
  // /proc and /sys readers work.
  const kinds = [...byKind.keys()].sort((a, b) => (defs[a].startOrder ?? LAST) - (defs[b].startOrder ?? LAST));
  const runs: ProbeRun[] = [];
  const outcomes = new Map<CheckKind, Promise<ProbeOutcome>>();
  const enqueue = turnQueue();
  for (const kind of kinds) outcomes.set(kind, runProbe(defs[kind], ctx, byKind.get(kind) ?? [], runs, enqueue));
  // A few small file reads, queued behind the probes so that the tools are spawned first.
  const identity = new Promise<HostIdentity>((resolve) => enqueue(() => resolve(opts.source?.identity?.() ?? hostIdentity(ctx))));
  // Matches are compared once. Rules with conditions get their facts as soon as their own probes are done,
  // while the slower probes (tools) still run: only what they matched is looked up.
  const matches = new Map<Rule, Promise<MatchResult>>();
  for (const kind of kinds) {
    const outcome = outcomes.get(kind) as Promise<ProbeOutcome>;
    for (const rule of byKind.get(kind) ?? []) matches.set(rule, outcome.then((o) => matchRule(rule, defs[kind], o, ctx)));
  }
  const conditionFacts = gatherConditions(opts.rules, matches, ctx, runs, opts.source?.conditionFacts ?? gatherConditionFacts);
  const results: RuleResult[] = [];
  for (const kind of kinds) {
    for (const rule of byKind.get(kind) ?? []) {
      const matched = await (matches.get(rule) as Promise<MatchResult>);
      results.push(evaluate(rule, matched, conditionsOf(rule) ? await conditionFacts : undefined));
    }
  }
  results.sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  runs.sort((a, b) => (a.probe < b.probe ? -1 : 1));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: opts.tool,
    host: await identity,
    startedAt,
    finishedAt: now().toISOString(),
    selection: opts.selection,
    verdict: verdictOf(results, opts.selection.failOn),
    summary: summarize(results),
    results,
    probes: runs,
    ruleFiles: opts.ruleFiles,
  };
}

/** The facts for every match of a rule with conditions; undefined when no such rule matched anything. */
async function gatherConditions(
  rules: readonly Rule[],
  matches: ReadonlyMap<Rule, Promise<MatchResult>>,
  ctx: ProbeContext,
  runs: ProbeRun[],
  gather: (ctx: ProbeContext, requests: readonly ConditionRequest[]) => Promise<ConditionFacts>,
): Promise<ConditionFacts | undefined> {
  const requests: ConditionRequest[] = [];
  for (const rule of rules) {
    const conditions = conditionsOf(rule);
    if (!conditions) continue;
    const matched = await (matches.get(rule) as Promise<MatchResult>);
    if (!matched.ok) continue;
    for (const f of matched.match.findings) requests.push({ subjects: f.subjects ?? [f.target], conditions });
  }
  if (requests.length === 0) return undefined;
  const t0 = nowMs();
  let facts: ConditionFacts;
  try {
    facts = await withTimeout(gather(ctx, requests), ctx.timeoutMs, 'provenance');
  } catch (err) {
    facts = { ok: false, reason: err instanceof ProbeUnavailable ? err.message : `provenance probe failed: ${(err as Error).message}` };
  }
  const note = facts.ok ? `${requests.length} match(es) judged; package database: ${facts.database}` : facts.reason;
  runs.push({ probe: 'provenance', ok: facts.ok, durationMs: Math.round((nowMs() - t0) * 10) / 10, note });
  return facts;
}
