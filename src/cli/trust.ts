// What `scan` does for decisions and audits, around the scan itself: waivers (--waivers), baselines
// (--baseline, --write-baseline), the audit trail (always; hardware facts with --audit), the report's content
// digest (JSON) and an OpenSSH signature (--sign-key). Options are declared here so main.ts stays small.
import { accessSync, constants } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { auditTrail } from '../audit/trail.js';
import { applyBaseline, readBaseline, writeBaseline, type BaselineFile } from '../baseline/baseline.js';
import type { ScanResult } from '../model/result.js';
import { isBundled } from '../package-location.js';
import { buildCommit } from '../version.js';
import { applyWaivers } from '../waivers/apply.js';
import { DEFAULT_MAX_HORIZON_DAYS, formatWaiverProblem, type Waiver } from '../waivers/model.js';
import { UsageError } from './errors.js';
import { collect } from './options.js';
import { loadRuleSet } from './rule-set.js';

export type SarifWaived = 'omit' | 'suppress';

export interface TrustOptions {
  waivers?: string;
  strictWaivers: boolean;
  waiverMaxDays: number;
  sarifWaived: SarifWaived;
  baseline?: string;
  writeBaseline?: string;
  label: string[];
  audit: boolean;
  signKey?: string;
}

export function parseDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new InvalidArgumentError('must be a whole number of days between 1 and 3650');
  return n;
}

export function addTrustOptions(cmd: Command): Command {
  return cmd
    .option('--waivers <file>', 'accept findings listed in this YAML file (rule, target, justification, expires, approver, ticket); waived findings are reported, marked, and never fail the run')
    .option('--strict-waivers', 'exit 1 when a waiver matched nothing (stale)', false)
    .addOption(new Option('--waiver-max-days <days>', 'refuse waivers that expire further ahead than this').default(DEFAULT_MAX_HORIZON_DAYS).argParser(parseDays))
    .addOption(new Option('--sarif-waived <mode>', 'waived findings in SARIF: omit them, or include them with a SARIF suppression').choices(['omit', 'suppress']).default('omit'))
    .option('--baseline <file>', 'report only findings that are not in this baseline (an adoption aid, not a waiver)')
    .option('--write-baseline <file>', 'record the current findings as a baseline')
    .option('--label <key=value>', 'a label for the audit trail, e.g. cluster=prod (repeatable)', collect, [])
    .option('--audit', 'add hardware and virtualisation facts (systeminformation) to the audit trail', false)
    .option('--sign-key <file>', 'sign every report file with this OpenSSH private key (ssh-keygen -Y sign; <report>.sig)');
}

export interface TrustPlan {
  waivers?: { file: string; list: Waiver[] };
  baseline?: { file: string; data: BaselineFile };
  labels: Record<string, string>;
}

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;

export function parseLabels(specs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = eq === -1 ? spec : spec.slice(0, eq);
    if (eq === -1 || !LABEL_KEY.test(key)) throw new UsageError(`--label ${JSON.stringify(spec)}: expected key=value with a key of letters, digits, . _ / -`);
    labels[key] = spec.slice(eq + 1);
  }
  return labels;
}

/** Everything that can be refused before the scan runs is refused here: a typo costs no scan. */
export async function planTrust(opts: TrustOptions & { rules: string[]; builtin: boolean }, now: Date): Promise<TrustPlan> {
  const plan: TrustPlan = { labels: parseLabels(opts.label) };
  if (opts.waivers) {
    const ruleSet = await loadRuleSet({ builtin: opts.builtin, extra: opts.rules });
    // The YAML parser and the schema compiler only for a scan with --waivers.
    const { loadWaiverFile } = await import('../waivers/load.js');
    const loaded = loadWaiverFile(opts.waivers, { now, maxHorizonDays: opts.waiverMaxDays, knownRules: new Set(ruleSet.rules.map((r) => r.id)) });
    if (loaded.errors.length > 0) throw new UsageError(`invalid waiver file:\n${loaded.errors.map((p) => `  ${formatWaiverProblem(p)}`).join('\n')}`);
    for (const w of loaded.warnings) process.stderr.write(`kube-residue: waiver ${formatWaiverProblem(w)}\n`);
    plan.waivers = { file: opts.waivers, list: loaded.waivers };
  }
  if (opts.signKey) {
    try {
      accessSync(opts.signKey, constants.R_OK);
    } catch (err) {
      throw new UsageError(`--sign-key ${opts.signKey}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (opts.baseline) {
    const data = readBaseline(opts.baseline);
    if (typeof data === 'string') throw new UsageError(data);
    plan.baseline = { file: opts.baseline, data };
  }
  return plan;
}

/** Waivers, then the baseline, then the audit trail; writes --write-baseline. */
export async function finishTrust(scanned: ScanResult, plan: TrustPlan, opts: TrustOptions & { cluster: boolean; timeout: number }, now: Date): Promise<ScanResult> {
  let result = scanned;
  if (plan.waivers) {
    result = applyWaivers(result, plan.waivers.list, plan.waivers.file, now);
    const w = result.waivers;
    for (const s of w?.stale ?? []) process.stderr.write(`kube-residue: stale waiver ${s.source}: rule ${s.rule}${s.target ? ` target ${s.target}` : ''} matched nothing; remove it\n`);
  }
  if (opts.writeBaseline) writeBaseline(opts.writeBaseline, result);
  if (plan.baseline) {
    result = applyBaseline(result, plan.baseline.data, plan.baseline.file);
    const b = result.baseline;
    if (b && b.heldBack > 0) process.stderr.write(`kube-residue: the baseline held back ${b.heldBack} known finding${b.heldBack === 1 ? '' : 's'} of ${b.rules} rule${b.rules === 1 ? '' : 's'}\n`);
  }
  // Only --audit pays for systeminformation (a dynamic import inside hardware.ts, never on the plain scan path).
  let hardware;
  let hardwareUnavailable: string | undefined;
  if (opts.audit) {
    if (result.host.root !== '/') hardwareUnavailable = 'hardware facts describe the running machine, not the --root filesystem';
    else {
      try {
        hardware = await withinSeconds((await import('../audit/hardware.js')).hardwareFacts(), opts.timeout);
      } catch (err) {
        hardwareUnavailable = `systeminformation failed: ${(err as Error).message}`;
      }
    }
    if (hardwareUnavailable) process.stderr.write(`kube-residue: --audit: ${hardwareUnavailable}; hardware facts left out\n`);
  }
  const audit = auditTrail(result, {
    labels: plan.labels,
    cluster: opts.cluster,
    bundled: isBundled,
    commit: buildCommit,
    nodeVersion: process.version,
    uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
    hardware,
  });
  return { ...result, audit: hardwareUnavailable ? { ...audit, hardwareUnavailable } : audit };
}

/** Like a probe, bounded in time: systeminformation runs tools that could hang. */
function withinSeconds<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${seconds}s`)), seconds * 1000);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** --strict-waivers turns stale waivers into a failed run. */
export function strictWaiverFailure(result: ScanResult, opts: TrustOptions): boolean {
  return opts.strictWaivers && (result.waivers?.stale.length ?? 0) > 0;
}
