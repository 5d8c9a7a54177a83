// `kube-residue fix`: turn a scan (run now, or a saved JSON report) into a shell script that removes what was
// found, in an order that works, for a person to review and run. kube-residue runs none of it: it writes the
// script to a file or to standard output, and that is all it changes.
import type { ScanResult } from '../model/result.js';
import { EXIT } from '../engine/exit-code.js';
import { planFix, templatesOf } from '../fix/plan.js';
import { renderScript } from '../fix/script.js';
import { toolVersion } from '../version.js';
import { UsageError } from './errors.js';
import { destinationProblem, writeFileChunks } from './outputs.js';
import { loadRuleSet } from './rule-set.js';
import { scanWithOptions, type RuleSelectionOptions } from './scan-run.js';

export interface FixCommandOptions extends RuleSelectionOptions {
  from?: string;
  output?: string;
}

/**
 * Scan options that make no sense with --from (the report already says what was scanned). --rules and
 * --no-builtin do: they name the rules the report's commands are derived from again.
 */
export const SCAN_ONLY_OPTIONS = ['profile', 'tag', 'rule', 'skip', 'root', 'timeout'] as const;

export async function fixCommand(opts: FixCommandOptions, explicit: readonly string[]): Promise<number> {
  // The script's destination is checked before scanning, like a scan's reports.
  if (opts.output !== undefined) {
    const problem = destinationProblem(opts.output);
    if (problem) throw new UsageError(`cannot write the fix script to ${opts.output}: ${problem}`);
  }
  let result: ScanResult;
  let source: string;
  const clash = opts.from === undefined ? [] : SCAN_ONLY_OPTIONS.filter((o) => explicit.includes(o));
  if (clash.length > 0) throw new UsageError(`--from uses a saved report; ${clash.map((o) => `--${o}`).join(', ')} only apply to a live scan`);
  // The plan takes each finding's commands from its rule's templates (never from a report's displayed text).
  const ruleSet = await loadRuleSet({ builtin: opts.builtin, extra: opts.rules });
  if (opts.from !== undefined) {
    const { readReport, InvalidReport } = await import('../fix/report-input.js');
    const { rederive, ReportMismatch } = await import('../fix/rederive.js');
    const ruleSource = [...(opts.builtin ? ['the built-in rules'] : []), ...opts.rules.map((r) => `--rules ${r}`)].join(' and ') || 'no rules (--no-builtin without --rules)';
    try {
      // Nothing of the report's own fix commands is used: they are derived again from the rules.
      result = rederive(readReport(opts.from), ruleSet.rules, ruleSource);
    } catch (err) {
      if (err instanceof InvalidReport) throw new UsageError(err.message);
      if (err instanceof ReportMismatch) throw new UsageError(`${opts.from}: ${err.message}`);
      throw err;
    }
    source = `report ${opts.from}`;
  } else {
    result = await scanWithOptions({ ...opts, failOn: 'low', allowUnchecked: false, cluster: false }, ruleSet);
    source = `live scan${opts.root !== '/' ? ` of --root ${opts.root}` : ''}`;
  }

  const plan = planFix(result, templatesOf(ruleSet.rules));
  const script = renderScript(plan, { generatedAt: new Date().toISOString(), generatorVersion: toolVersion, source });
  const commands = plan.steps.reduce((n, s) => n + s.blocks.length, 0);
  const summary = `${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} for ${plan.counts.findings} finding${plan.counts.findings === 1 ? '' : 's'}, ${plan.refused.length} refused, ${plan.manual.length} left for you`;
  if (opts.output !== undefined) {
    writeFileChunks(opts.output, [script], 0o755);
    process.stderr.write(
      `kube-residue: wrote the fix plan to ${opts.output} (${summary}).\n` +
        (commands > 0 ? `Review it, preview it with: sh ${opts.output} --dry-run\nthen run it yourself as root: sudo sh ${opts.output}\nand scan again.\n` : 'Nothing to fix.\n'),
    );
  } else {
    process.stdout.write(script);
    process.stderr.write(`kube-residue: fix plan written to standard output (${summary}); kube-residue ran none of it.\n`);
  }
  return EXIT.clean;
}
