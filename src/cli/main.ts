// kube-residue command line. Every command is read-only: it reads the host and writes only the report files
// the user names.
import { Command, CommanderError, Option } from 'commander';
import { EXIT, EXIT_CODE_HELP } from '../engine/exit-code.js';
import { describeReporters } from '../report/index.js';
import { toolVersion } from '../version.js';
import { UsageError } from './errors.js';
import { debugWanted, internalErrorMessage } from './fatal.js';
import { collect, parseProfile, parseReportSpec, parseSeconds, parseSeverity } from './options.js';
import { fixCommand, SCAN_ONLY_OPTIONS, type FixCommandOptions } from './fix-command.js';
import { mergeCommand, type MergeCommandOptions } from './merge-command.js';
import { snapshotCommand, type SnapshotCommandOptions } from './snapshot-command.js';
import { describeFleetReporters } from '../fleet/index.js';
import { rulesListCommand, rulesShowCommand, rulesValidateCommand } from './rules-command.js';
import { scanCommand, type ScanCommandOptions } from './scan-command.js';
import { registerAuditCommands } from './audit-commands.js';

function ruleSourceOptions(cmd: Command): Command {
  return cmd
    .option('--rules <path>', 'add a rule file or a directory of *.yaml rule files (repeatable)', collect, [])
    .option('--no-builtin', 'leave out the built-in rule packs');
}

/** Which rules run against which root within what time: declared once, for `scan` and `fix` alike. */
function selectionOptions(cmd: Command): Command {
  return ruleSourceOptions(cmd)
    .addOption(new Option('--profile <name>', 'post-reset, pre-join, decommission or all').default('all').argParser(parseProfile))
    .option('--tag <tag>', 'only rules with this tag (repeatable)', collect, [])
    .option('--rule <id>', 'only this rule (repeatable)', collect, [])
    .option('--skip <id>', 'leave out this rule, e.g. a waived finding (repeatable)', collect, [])
    .option('--root <dir>', 'scan a host filesystem mounted at <dir> (targets are reported as host paths)', '/')
    .addOption(new Option('--timeout <seconds>', 'time limit for each probe, and for comparing each rule to what it read').default(30).argParser(parseSeconds));
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('kube-residue')
    .description('Read-only audit of what a Kubernetes reset, node removal or uninstall left behind on this node.')
    .version(toolVersion)
    .addHelpText('after', `\n${EXIT_CODE_HELP}`)
    .option('--debug', 'print the stack trace of an internal error (exit code 4)')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  selectionOptions(
    program
      .command('scan')
      .description('evaluate the selected rules against this host and report; changes nothing on the host')
      .option(
        '--format <name>',
        `report format (default: table on a terminal, json otherwise; for --output, from the file's extension, else json)\n${describeReporters()}`,
      )
      .option('--output <file>', 'write the --format report to this file instead of standard output')
      .option('--report <format=file>', 'also write a report in another format to a file (repeatable)', parseReportSpec, [])
      .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').default('low').argParser(parseSeverity))
      .option('--allow-unchecked', 'exit 0 instead of 3 when some rules could not be checked', false)
      .option('--quiet', 'print no report on standard output (files named by --output/--report are still written)', false)
      .option('--cluster', 'also evaluate cluster-scope rules (CRDs, namespaces, webhooks, this node’s objects) through the API server', false)
      .option('--kubeconfig <file>', 'kubeconfig for --cluster (default as kubectl: KUBECONFIG, ~/.kube/config, in-cluster service account)')
      .option('--context <name>', 'kubeconfig context for --cluster (default: its current context)')
      .option('--cluster-dump <file...>', 'evaluate the cluster rules against `kubectl get ... -A -o json` output instead of an API server')
      .option('--node-name <name>', 'this host’s Node name in the cluster (default: the host name)')
      .option('--exit-zero', 'exit 0 whenever the report was written; the verdict is in the report (for Kubernetes Jobs)', false)
      .option('--from <snapshot>', 'evaluate the rules against a snapshot (kube-residue snapshot) instead of this host')
      .addHelpText('after', `\n${EXIT_CODE_HELP}`),
  ).action(async (opts: ScanCommandOptions) => setExit(await scanCommand(opts)));

  ruleSourceOptions(
    program
      .command('snapshot')
      .description('record every probe’s raw facts (all built-in rules plus --rules) in one gzip file for scan --from; evaluates nothing')
      .requiredOption('-o, --output <file>', 'the snapshot file to write (e.g. node.json.gz)')
      .option('--root <dir>', 'a host filesystem mounted at <dir>', '/')
      .addOption(new Option('--timeout <seconds>', 'time limit for each probe').default(30).argParser(parseSeconds))
      .option('--cluster', 'also record cluster-scope facts through the API server', false)
      .option('--kubeconfig <file>', 'kubeconfig for --cluster')
      .option('--context <name>', 'kubeconfig context for --cluster')
      .option('--node-name <name>', 'this host’s Node name in the cluster (default: the host name)'),
  ).action(async (opts: SnapshotCommandOptions) => setExit(await snapshotCommand(opts)));

  selectionOptions(
    program
      .command('fix')
      .description('write a shell script that removes what a scan found, in an order that works, for you to review and run; runs nothing')
      .option('--from <report.json>', 'plan from a saved JSON report (scan --format json) instead of scanning now; every command is derived again from the rules (built-in, or --rules as for the scan)')
      .option('-o, --output <file>', 'write the script to this file instead of standard output')
      .addHelpText(
        'after',
        '\nThe script is POSIX sh: preview it with `sh fix.sh --dry-run` (or DRY_RUN=1), run it yourself as root, then scan again.\n' +
          'Exit codes: 0 a script was written (also when there is nothing to fix), 2 usage error, invalid report, a report that does not match the rules, or unwritable output, 4 internal error.',
      ),
  ).action(async (opts: FixCommandOptions, cmd: Command) => {
    const explicit = SCAN_ONLY_OPTIONS.filter((o) => cmd.getOptionValueSource(o) === 'cli');
    setExit(await fixCommand(opts, explicit));
  });

  program
    .command('merge <report.json...>')
    .description('merge nodes’ JSON reports (scan --format json) into one fleet report: verdicts, common leftovers, totals')
    .option('--format <name>', `fleet report format\n${describeFleetReporters()}`, 'table')
    .option('-o, --output <file>', 'write the report to this file (SARIF for more than 20 nodes: <file>, <stem>-2<ext>, ...)')
    .addOption(new Option('--name-from <source>', 'name nodes by their report’s hostname or by the report file name').choices(['hostname', 'file']).default('hostname'))
    .option('--missing <node>', 'a node that has no report (unreachable, scan failed): listed as not checked (repeatable)', collect, [])
    .addHelpText('after', '\nExit codes: 0 every node clean, 1 residue on some node, 3 no residue but some node not fully checked or missing, 2 usage error or invalid report.')
    .action((files: string[], opts: MergeCommandOptions) => setExit(mergeCommand(files, opts)));

  const rules = program.command('rules').description('list, show and validate rules');
  ruleSourceOptions(
    rules
      .command('list')
      .description('list rules: id, severity, kind, tags, title')
      .option('--format <name>', 'table or json', 'table')
      .option('--tag <tag>', 'only rules with this tag (repeatable)', collect, [])
      .addOption(new Option('--profile <name>', 'only rules of this profile (post-reset, pre-join, decommission)').argParser(parseProfile)),
  ).action(async (opts: { rules: string[]; builtin: boolean; format: string; tag: string[]; profile?: string }) => setExit(await rulesListCommand(opts)));
  ruleSourceOptions(
    rules
      .command('show <id>')
      .description('everything about one rule, including its fix and references')
      .option('--format <name>', 'text or json', 'text'),
  ).action(async (id: string, opts: { rules: string[]; builtin: boolean; format: string }) => setExit(await rulesShowCommand(id, opts)));
  rules
    .command('validate <file...>')
    .description('validate rule files as a scan would load them, beside the built-in packs (exit 0 when valid, 2 with file, line, rule and field for each problem)')
    .option('--no-builtin', 'check without the built-in packs (their ids may then be reused)')
    .action(async (files: string[], opts: { builtin: boolean }) => setExit(await rulesValidateCommand(files, opts)));
  registerAuditCommands(program, setExit, ruleSourceOptions);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.clean;
  const program = buildProgram((c) => {
    code = c;
  });
  if (argv.slice(2).length === 0) {
    // No command is a usage error: the help goes to stderr, so a script that forgot its arguments fails.
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv as string[]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Asked-for help and --version exit 0; every other parse problem is a usage error (commander would say 1).
      return err.exitCode === 0 ? EXIT.clean : EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`kube-residue: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(internalErrorMessage(err, debugWanted(argv)));
    return EXIT.internal;
  }
}
