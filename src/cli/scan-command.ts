// `kube-residue scan`: select rules, run the scan, write every requested report, exit by the result.
import { writeFileSync } from 'node:fs';
import type { ProfileSelector, Severity } from '../model/rule.js';
import type { ScanResult } from '../model/result.js';
import { runScan } from '../engine/scan.js';
import { exitCodeFor } from '../engine/exit-code.js';
import { loadReporter, reporterNames } from '../report/index.js';
import { selectRules } from '../rules/select.js';
import { toolVersion } from '../version.js';
import { UsageError } from './errors.js';
import { loadRuleSet } from './rule-set.js';

export interface ScanCommandOptions {
  rules: string[];
  builtin: boolean;
  profile: ProfileSelector;
  tag: string[];
  rule: string[];
  skip: string[];
  format?: string;
  output?: string;
  report: Array<{ format: string; file?: string }>;
  failOn: Severity;
  allowUnchecked: boolean;
  root: string;
  quiet: boolean;
  timeout: number;
  cluster: boolean;
  kubeconfig?: string;
}

export function colorWanted(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

export async function scanCommand(opts: ScanCommandOptions): Promise<number> {
  // Outputs: --format (to --output or stdout) plus every --report. Checked first, so a typo costs nothing.
  const stdoutFormat = opts.format ?? (process.stdout.isTTY ? 'table' : 'json');
  const outputs: Array<{ format: string; file?: string }> = [];
  if (!opts.quiet || opts.output) outputs.push({ format: stdoutFormat, file: opts.output });
  outputs.push(...opts.report);
  for (const o of outputs) {
    if (!reporterNames().includes(o.format)) throw new UsageError(`unknown format "${o.format}" (known: ${reporterNames().join(', ')})`);
  }

  const ruleSet = await loadRuleSet({ builtin: opts.builtin, extra: opts.rules });
  const { selected, errors } = selectRules(ruleSet.rules, { profile: opts.profile, tags: opts.tag, rules: opts.rule, skip: opts.skip, cluster: opts.cluster });
  if (errors.length > 0) throw new UsageError(errors.join('\n'));

  const result: ScanResult = await runScan({
    rules: selected,
    root: opts.root,
    timeoutMs: opts.timeout * 1000,
    kubeconfig: opts.kubeconfig,
    selection: { profile: opts.profile, failOn: opts.failOn, allowUnchecked: opts.allowUnchecked, tags: opts.tag, rules: opts.rule, skip: opts.skip },
    ruleFiles: ruleSet.files,
    tool: { name: 'kube-residue', version: toolVersion, rulesVersion: ruleSet.rulesVersion },
  });

  for (const o of outputs) {
    const reporter = await loadReporter(o.format);
    if (!reporter) continue;
    if (o.file) {
      writeFileSync(o.file, reporter.render(result, { color: false }));
    } else {
      process.stdout.write(reporter.render(result, { color: colorWanted(process.stdout) }));
    }
  }
  return exitCodeFor(result);
}
