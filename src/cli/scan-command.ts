// `kube-residue scan`: select rules, run the scan, write every requested report, exit by the result.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
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
  /** Exit 0 whenever the report was written (a Kubernetes Job or DaemonSet pod must not fail on a verdict). */
  exitZero?: boolean;
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
    const options = { color: o.file ? false : colorWanted(process.stdout) };
    if (reporter.renderChunks) {
      writeChunks(o.file, reporter.renderChunks(result, options));
    } else if (o.file) {
      writeFileSync(o.file, reporter.render(result, options));
    } else {
      process.stdout.write(reporter.render(result, options));
    }
  }
  return opts.exitZero ? 0 : exitCodeFor(result);
}

/** A report written piece by piece, so a report of tens of MB is never one string (nor one buffer). */
function writeChunks(file: string | undefined, chunks: Iterable<string>): void {
  if (!file) {
    for (const chunk of chunks) process.stdout.write(chunk);
    return;
  }
  const fd = openSync(file, 'w');
  try {
    for (const chunk of chunks) {
      const bytes = Buffer.from(chunk, 'utf8');
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    }
  } finally {
    closeSync(fd);
  }
}
