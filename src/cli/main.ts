// kube-residue command line. Every command is read-only: it reads the host and writes only the report files
// the user names.
import { Command, CommanderError, Option } from 'commander';
import { EXIT, EXIT_CODE_HELP } from '../engine/exit-code.js';
import { describeReporters } from '../report/index.js';
import { toolVersion } from '../version.js';
import { UsageError } from './errors.js';
import { collect, parseProfile, parseReportSpec, parseSeconds, parseSeverity } from './options.js';
import { fixCommand, SCAN_ONLY_OPTIONS, type FixCommandOptions } from './fix-command.js';
import { rulesListCommand, rulesShowCommand, rulesValidateCommand } from './rules-command.js';
import { scanCommand, type ScanCommandOptions } from './scan-command.js';

function ruleSourceOptions(cmd: Command): Command {
  return cmd
    .option('--rules <path>', 'add a rule file or a directory of *.yaml rule files (repeatable)', collect, [])
    .option('--no-builtin', 'leave out the built-in rule packs');
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('kube-residue')
    .description('Read-only audit of what a Kubernetes reset, node removal or uninstall left behind on this node.')
    .version(toolVersion)
    .addHelpText('after', `\n${EXIT_CODE_HELP}`)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  ruleSourceOptions(
    program
      .command('scan')
      .description('evaluate the selected rules against this host and report; changes nothing on the host')
      .addOption(new Option('--profile <name>', 'post-reset, pre-join or all').default('all').argParser(parseProfile))
      .option('--tag <tag>', 'only rules with this tag (repeatable)', collect, [])
      .option('--rule <id>', 'only this rule (repeatable)', collect, [])
      .option('--skip <id>', 'leave out this rule, e.g. a waived finding (repeatable)', collect, [])
      .option('--format <name>', `report format on standard output (default: table on a terminal, json otherwise)\n${describeReporters()}`)
      .option('--output <file>', 'write the --format report to this file instead of standard output')
      .option('--report <format=file>', 'also write a report in another format to a file (repeatable)', parseReportSpec, [])
      .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').default('low').argParser(parseSeverity))
      .option('--allow-unchecked', 'exit 0 instead of 3 when some rules could not be checked', false)
      .option('--root <dir>', 'scan a host filesystem mounted at <dir> (targets are reported as host paths)', '/')
      .option('--quiet', 'print no report on standard output (files named by --output/--report are still written)', false)
      .addOption(new Option('--timeout <seconds>', 'time limit for each probe').default(30).argParser(parseSeconds))
      .option('--cluster', 'also evaluate cluster-scope rules (CRDs, namespaces) with kubectl', false)
      .option('--kubeconfig <file>', 'kubeconfig for --cluster (default: kubectl’s own lookup)')
      .addHelpText('after', `\n${EXIT_CODE_HELP}`),
  ).action(async (opts: ScanCommandOptions) => setExit(await scanCommand(opts)));

  ruleSourceOptions(
    program
      .command('fix')
      .description('write a shell script that removes what a scan found, in an order that works, for you to review and run; runs nothing')
      .option('--from <report.json>', 'plan from a saved JSON report (scan --format json) instead of scanning now; every command is derived again from the rules (built-in, or --rules as for the scan)')
      .option('-o, --output <file>', 'write the script to this file instead of standard output')
      .addOption(new Option('--profile <name>', 'post-reset, pre-join or all').default('all').argParser(parseProfile))
      .option('--tag <tag>', 'only rules with this tag (repeatable)', collect, [])
      .option('--rule <id>', 'only this rule (repeatable)', collect, [])
      .option('--skip <id>', 'leave out this rule, e.g. a waived finding (repeatable)', collect, [])
      .option('--root <dir>', 'scan a host filesystem mounted at <dir> (the script is then for that host)', '/')
      .addOption(new Option('--timeout <seconds>', 'time limit for each probe').default(30).argParser(parseSeconds))
      .addHelpText(
        'after',
        '\nThe script is POSIX sh: preview it with `sh fix.sh --dry-run` (or DRY_RUN=1), run it yourself as root, then scan again.\n' +
          'Exit codes: 0 a script was written (also when there is nothing to fix), 2 usage error, an invalid report, or a report that does not match the rules.',
      ),
  ).action(async (opts: FixCommandOptions, cmd: Command) => {
    const explicit = SCAN_ONLY_OPTIONS.filter((o) => cmd.getOptionValueSource(o) === 'cli');
    setExit(await fixCommand(opts, explicit));
  });

  const rules = program.command('rules').description('list, show and validate rules');
  ruleSourceOptions(
    rules
      .command('list')
      .description('list rules: id, severity, kind, tags, title')
      .option('--format <name>', 'table or json', 'table')
      .option('--tag <tag>', 'only rules with this tag (repeatable)', collect, [])
      .option('--profile <name>', 'only rules of this profile'),
  ).action(async (opts: { rules: string[]; builtin: boolean; format: string; tag: string[]; profile?: string }) => setExit(await rulesListCommand(opts)));
  ruleSourceOptions(
    rules
      .command('show <id>')
      .description('everything about one rule, including its fix and references')
      .option('--format <name>', 'text or json', 'text'),
  ).action(async (id: string, opts: { rules: string[]; builtin: boolean; format: string }) => setExit(await rulesShowCommand(id, opts)));
  rules
    .command('validate <file...>')
    .description('validate rule files (exit 0 when valid, 2 with file, line, rule and field for each problem)')
    .action(async (files: string[]) => setExit(await rulesValidateCommand(files)));
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.clean;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv as string[]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version exit 0; every other parse problem is a usage error (commander would say 1).
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.clean : EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`kube-residue: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`kube-residue: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.usage;
  }
}
