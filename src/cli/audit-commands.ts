// The decision and audit commands: `gate` (may this node join?), `waivers lint`, `diff` of two reports and
// `verify` of a report's digest and signature, plus scan's trust options. Registered by main.ts in one call.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { diffScans } from '../diff/diff.js';
import { diffMarkdown, diffTable } from '../diff/render.js';
import { EXIT } from '../engine/exit-code.js';
import { knownCniPlugins } from '../gate/cni.js';
import { checkDigest } from '../integrity/digest.js';
import { signatureFile, verifySignature } from '../integrity/ssh-sign.js';
import type { ScanResult } from '../model/result.js';
import { readReport as readValidReport } from '../fix/report-input.js';
import { loadWaiverFile } from '../waivers/load.js';
import { DEFAULT_MAX_HORIZON_DAYS, formatWaiverProblem } from '../waivers/model.js';
import { UsageError } from './errors.js';
import { parseSeconds } from './options.js';
import { GATE_EXIT_HELP, gateCommand, type GateCommandOptions } from './gate-command.js';
import { loadRuleSet } from './rule-set.js';
import { addTrustOptions } from './trust.js';

type SetExit = (code: number) => void;

export function registerAuditCommands(program: Command, setExit: SetExit, ruleSourceOptions: (cmd: Command) => Command): void {
  // scan's options for waivers, baselines, the audit trail and signing (src/cli/trust.ts).
  const scan = program.commands.find((c) => c.name() === 'scan');
  if (!scan) throw new Error('registerAuditCommands: the scan command must be declared first');
  addTrustOptions(scan);

  ruleSourceOptions(
    program
      .command('gate')
      .description('may this node (re-)join a cluster? The pre-join rules with a strict verdict: one line per blocker (what, why it blocks a join, the fix), then READY or BLOCKED')
      .option('--cni <name>', `the CNI plugin about to be installed: its own config in /etc/cni/net.d does not block (${knownCniPlugins().join(', ')})`)
      .option('--allow-unchecked', 'do not block on blocking rules that could not be checked', false)
      .addOption(new Option('--format <name>', 'text, or json: {ready, blockers[], unchecked[], ...} (src/schema/gate.schema.json)').choices(['text', 'json']).default('text'))
      .option('--root <dir>', 'check a host filesystem mounted at <dir>', '/')
      .addOption(new Option('--timeout <seconds>', 'time limit for each probe').default(30).argParser(parseSeconds))
      .addHelpText('after', `\n${GATE_EXIT_HELP}`),
  ).action(async (opts: GateCommandOptions) => setExit(await gateCommand(opts)));

  const waivers = program.command('waivers').description('check waiver files');
  ruleSourceOptions(
    waivers
      .command('lint <file>')
      .description('check a waiver file on its own: malformed entries, expired, beyond the horizon, unknown rule ids, duplicates (exit 0 clean, 1 problems, 2 unreadable)')
      .option('--waiver-max-days <days>', 'the horizon waivers may not exceed', String(DEFAULT_MAX_HORIZON_DAYS)),
  ).action(async (file: string, opts: { rules: string[]; builtin: boolean; waiverMaxDays: string }) => setExit(await waiversLint(file, opts)));

  program
    .command('diff <before.json> <after.json>')
    .description('what appeared, disappeared and stayed between two JSON reports (exit 1 when something appeared)')
    .addOption(new Option('--format <name>', 'table, json or markdown').choices(['table', 'json', 'markdown']).default('table'))
    .action((before: string, after: string, opts: { format: 'table' | 'json' | 'markdown' }) => setExit(diffCommand(before, after, opts.format)));

  program
    .command('verify <report>')
    .description("check that a JSON report is as written (its recorded content digest) and, with --sign-key, its OpenSSH signature (<report>.sig)")
    .option('--sign-key <file>', 'the public key (or the private key) the report was signed with')
    .action((report: string, opts: { signKey?: string }) => setExit(verifyCommand(report, opts)));
}

async function waiversLint(file: string, opts: { rules: string[]; builtin: boolean; waiverMaxDays: string }): Promise<number> {
  const days = Number(opts.waiverMaxDays);
  if (!Number.isInteger(days) || days < 1) throw new UsageError('--waiver-max-days must be a whole number of days');
  const ruleSet = await loadRuleSet({ builtin: opts.builtin, extra: opts.rules });
  const loaded = loadWaiverFile(file, { now: new Date(), maxHorizonDays: days, knownRules: new Set(ruleSet.rules.map((r) => r.id)) });
  const problems = [...loaded.errors, ...loaded.warnings].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  for (const p of problems) process.stdout.write(`${formatWaiverProblem(p)}\n`);
  if (loaded.errors.some((p) => p.line === undefined && p.message.startsWith('cannot read'))) return EXIT.usage;
  process.stdout.write(problems.length === 0 ? `${file}: ${loaded.waivers.length} waiver${loaded.waivers.length === 1 ? '' : 's'}, no problems\n` : `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  return problems.length === 0 ? EXIT.clean : EXIT.residue;
}

function readReport(file: string): ScanResult {
  try {
    return readValidReport(file);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function diffCommand(beforeFile: string, afterFile: string, format: 'table' | 'json' | 'markdown'): number {
  const d = diffScans(readReport(beforeFile), readReport(afterFile));
  process.stdout.write(format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : format === 'markdown' ? diffMarkdown(d) : diffTable(d));
  return d.appeared.length > 0 ? EXIT.residue : EXIT.clean;
}

function verifyCommand(report: string, opts: { signKey?: string }): number {
  let bytes: Buffer;
  try {
    bytes = readFileSync(report);
  } catch (err) {
    throw new UsageError(`cannot read ${report}: ${(err as Error).message}`);
  }
  let ok = true;
  const digest = checkDigest(bytes);
  if (digest.ok) process.stdout.write(`digest OK: sha256 ${digest.digest}\n`);
  else if (report.endsWith('.json') || !opts.signKey) {
    process.stdout.write(`digest FAILED: ${digest.reason}\n`);
    ok = false;
  }
  if (opts.signKey) {
    const sig = verifySignature(report, opts.signKey);
    if (sig.ok) process.stdout.write(`signature OK (${signatureFile(report)}): ${sig.message}\n`);
    else {
      process.stdout.write(`signature FAILED (${signatureFile(report)}): ${sig.reason}\n`);
      ok = false;
    }
  }
  process.stdout.write(ok ? 'VERIFIED\n' : 'NOT VERIFIED\n');
  return ok ? EXIT.clean : EXIT.residue;
}
