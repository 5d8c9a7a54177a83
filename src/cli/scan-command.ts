// `kube-residue scan`: select rules, run the scan, write every requested report, exit by the result.
import type { ScanResult } from '../model/result.js';
import { EXIT, exitCodeFor } from '../engine/exit-code.js';
import { loadReporter, reporterNames } from '../report/index.js';
import { checkOutputs, formatForFile, writeFileChunks, type OutputTarget } from './outputs.js';
import { UsageError } from './errors.js';
import { scanWithOptions, type ScanRunOptions } from './scan-run.js';
import { finishTrust, planTrust, strictWaiverFailure, type TrustOptions } from './trust.js';
import { reportChunks, signReport } from './report-output.js';

export interface ScanCommandOptions extends ScanRunOptions, TrustOptions {
  format?: string;
  output?: string;
  report: OutputTarget[];
  quiet: boolean;
  /** Exit 0 whenever the report was written (a Kubernetes Job or DaemonSet pod must not fail on a verdict). */
  exitZero?: boolean;
}

export function colorWanted(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

export async function scanCommand(opts: ScanCommandOptions): Promise<number> {
  // Outputs: --format (to --output or stdout) plus every --report. Checked first, so a typo costs nothing. A file
  // gets the format its extension names (else JSON), never the terminal's table: `scan --output r.json` on a
  // terminal writes JSON that `fix --from r.json` reads.
  const outputs: OutputTarget[] = [];
  if (opts.output !== undefined) outputs.push({ format: opts.format ?? formatForFile(opts.output), file: opts.output });
  else if (!opts.quiet) outputs.push({ format: opts.format ?? (process.stdout.isTTY ? 'table' : 'json') });
  outputs.push(...opts.report);
  checkOutputs(outputs, reporterNames());

  if (opts.signKey && !outputs.some((o) => o.file)) throw new UsageError('--sign-key signs report files: add --output <file> or --report <format>=<file>');
  const plan = await planTrust(opts, new Date());
  const result: ScanResult = await finishTrust(await scanWithOptions(opts), plan, opts, new Date());

  for (const o of outputs) {
    const reporter = await loadReporter(o.format);
    if (!reporter) continue;
    const options = { color: o.file ? false : colorWanted(process.stdout), sarifWaived: opts.sarifWaived };
    const chunks = await reportChunks(reporter, result, options);
    if (o.file) writeFileChunks(o.file, chunks);
    else for (const chunk of chunks) process.stdout.write(chunk);
    if (o.file && opts.signKey) await signReport(o.file, opts.signKey);
  }
  if (opts.exitZero) return 0;
  if (strictWaiverFailure(result, opts)) return EXIT.residue;
  return exitCodeFor(result);
}
