// `kube-residue scan`: select rules, run the scan, write every requested report, exit by the result.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ScanResult } from '../model/result.js';
import { EXIT, exitCodeFor } from '../engine/exit-code.js';
import { loadReporter, reporterNames } from '../report/index.js';
import { UsageError } from './errors.js';
import { scanWithOptions, type ScanRunOptions } from './scan-run.js';
import { finishTrust, planTrust, strictWaiverFailure, type TrustOptions } from './trust.js';
import { reportChunks, signReport } from './report-output.js';

export interface ScanCommandOptions extends ScanRunOptions, TrustOptions {
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

  if (opts.signKey && !outputs.some((o) => o.file)) throw new UsageError('--sign-key signs report files: add --output <file> or --report <format>=<file>');
  const plan = await planTrust(opts, new Date());
  const result: ScanResult = await finishTrust(await scanWithOptions(opts), plan, opts, new Date());

  for (const o of outputs) {
    const reporter = await loadReporter(o.format);
    if (!reporter) continue;
    const options = { color: o.file ? false : colorWanted(process.stdout), sarifWaived: opts.sarifWaived };
    writeChunks(o.file, await reportChunks(reporter, result, options));
    if (o.file && opts.signKey) await signReport(o.file, opts.signKey);
  }
  if (strictWaiverFailure(result, opts)) return EXIT.residue;
  return exitCodeFor(result);
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
