// The scan engine: runs each probe the selected rules need exactly once (concurrently, each within its time
// limit), gives every rule its probe's facts to compare, and assembles the result. It decides nothing about
// output or exit codes.
import type { CheckKind, Rule, Severity } from '../model/rule.js';
import { SEVERITIES } from '../model/rule.js';
import { REPORT_SCHEMA_VERSION, type Finding, type HostIdentity, type ProbeRun, type RuleFileInfo, type RuleResult, type ScanResult, type Verdict } from '../model/result.js';
import { checkDefinitions, type AnyCheckDefinition } from '../checks/index.js';
import { createProbeContext, type ProbeContext } from '../probes/context.js';
import { ProbeUnavailable } from '../probes/probe.js';
import { hostIdentity } from '../host/identity.js';
import { renderFix } from './fix-template.js';
import { ComparisonTimeout, withComparisonDeadline } from '../comparison-deadline.js';
import { atOrAbove } from '../model/severity.js';

export interface ScanOptions {
  rules: readonly Rule[];
  root: string;
  timeoutMs: number;
  kubeconfig?: string;
  selection: ScanResult['selection'];
  ruleFiles: RuleFileInfo[];
  tool: ScanResult['tool'];
  /** For tests: a fixed clock. */
  now?: () => Date;
  /** For tests: the kinds' definitions (fake probes); default the registry's. */
  checks?: Readonly<Record<CheckKind, AnyCheckDefinition>>;
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

function evaluate(rule: Rule, def: AnyCheckDefinition, outcome: ProbeOutcome, ctx: ProbeContext): RuleResult {
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
  if (!outcome.ok) return { ...base, status: 'unchecked', reason: outcome.reason };
  let match;
  try {
    // Comparing is bounded like probing: a rule whose comparison outlasts --timeout is unchecked, not clean.
    match = withComparisonDeadline(ctx.timeoutMs, () => def.match(rule.check as never, outcome.facts, ctx));
  } catch (err) {
    if (err instanceof ComparisonTimeout) return { ...base, status: 'unchecked', reason: err.message };
    return { ...base, status: 'unchecked', reason: `comparison failed: ${(err as Error).message}` };
  }
  const findings: Finding[] = match.findings
    .map((f) => ({
      kind: rule.check.kind,
      target: f.target,
      evidence: f.evidence,
      rebootClears: rule.rebootClears,
      fix: renderFix(rule.fix.commands, f.vars),
      vars: f.vars,
    }))
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
  const ctx = createProbeContext({ root: opts.root, timeoutMs: opts.timeoutMs });
  const defs = opts.checks ?? checkDefinitions({ kubeconfig: opts.kubeconfig });
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
  const identity = new Promise<HostIdentity>((resolve) => enqueue(() => resolve(hostIdentity(ctx))));
  const results: RuleResult[] = [];
  for (const kind of kinds) {
    const outcome = await (outcomes.get(kind) as Promise<ProbeOutcome>);
    for (const rule of byKind.get(kind) ?? []) results.push(evaluate(rule, defs[kind], outcome, ctx));
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
