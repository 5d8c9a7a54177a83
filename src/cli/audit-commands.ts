// The decision and audit commands: `gate` (may this node join?), `waivers lint`, `diff` of two reports and
// `verify` of a report's digest and signature, plus scan's trust options. Registered by main.ts in one call.
import { Command, Option } from 'commander';
import { knownCniPlugins } from '../gate/cni.js';
import { DEFAULT_MAX_HORIZON_DAYS } from '../waivers/model.js';
import { parseSeconds } from './options.js';
import { GATE_EXIT_HELP, gateCommand, type GateCommandOptions } from './gate-command.js';
import { addTrustOptions, parseDays } from './trust.js';

/** The actions' implementations, loaded when one of them runs (see audit-actions.ts). */
const actions = (): Promise<typeof import('./audit-actions.js')> => import('./audit-actions.js');

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
      .addOption(new Option('--waiver-max-days <days>', 'the horizon waivers may not exceed').default(DEFAULT_MAX_HORIZON_DAYS).argParser(parseDays)),
  ).action(async (file: string, opts: { rules: string[]; builtin: boolean; waiverMaxDays: number }) => setExit(await (await actions()).waiversLint(file, opts)));

  program
    .command('diff <before.json> <after.json>')
    .description('what appeared, disappeared and stayed between two JSON reports (exit 1 when something appeared)')
    .addOption(new Option('--format <name>', 'table, json or markdown').choices(['table', 'json', 'markdown']).default('table'))
    .action(async (before: string, after: string, opts: { format: 'table' | 'json' | 'markdown' }) => setExit((await actions()).diffCommand(before, after, opts.format)));

  program
    .command('verify <report>')
    .description("check that a JSON report is as written (its recorded content digest) and, with --sign-key, its OpenSSH signature (<report>.sig)")
    .option('--sign-key <file>', 'the public key (or the private key) the report was signed with')
    .action(async (report: string, opts: { signKey?: string }) => setExit((await actions()).verifyCommand(report, opts)));
}
