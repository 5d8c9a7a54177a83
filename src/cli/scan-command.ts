// `kube-residue scan`: select rules, run the scan, write every requested report, exit by the result.
import { writeFileSync } from 'node:fs';
import type { ScanResult } from '../model/result.js';
import { exitCodeFor } from '../engine/exit-code.js';
import { loadReporter, reporterNames } from '../report/index.js';
import { UsageError } from './errors.js';
import { scanWithOptions, type ScanRunOptions } from './scan-run.js';

export interface ScanCommandOptions extends ScanRunOptions {
  format?: string;
  output?: string;
  report: Array<{ format: string; file?: string }>;
  quiet: boolean;
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

  const result: ScanResult = await scanWithOptions(opts);

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
