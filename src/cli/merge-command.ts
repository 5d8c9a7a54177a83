// `kube-residue merge <report.json...>`: many nodes' JSON reports → one fleet report. Reads only the files named,
// writes only --output (or standard output). Exit: 0 every node clean, 1 residue on some node, 3 some node not
// fully checked or without a report, 2 usage error or a file that is not a kube-residue JSON report.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../engine/exit-code.js';
import { FLEET_REPORTERS } from '../fleet/index.js';
import { mergeReports, type NameFrom } from '../fleet/merge.js';
import type { NodeReport } from '../fleet/model.js';
import { InvalidReport, readReport } from '../fix/report-input.js';
import type { ScanResult } from '../model/result.js';
import { toolVersion } from '../version.js';
import { UsageError } from './errors.js';

export interface MergeCommandOptions {
  format: string;
  output?: string;
  nameFrom: NameFrom;
  missing: string[];
}

/** `fleet.sarif` → fleet.sarif, fleet-2.sarif, fleet-3.sarif, ... */
export function partFile(file: string, index: number): string {
  if (index === 0) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${index + 1}${ext}`;
}

export function mergeCommand(files: readonly string[], opts: MergeCommandOptions): number {
  const reporter = FLEET_REPORTERS[opts.format];
  if (!reporter) throw new UsageError(`unknown format "${opts.format}" (known: ${Object.keys(FLEET_REPORTERS).join(', ')})`);
  if (opts.nameFrom !== 'hostname' && opts.nameFrom !== 'file') throw new UsageError('--name-from must be hostname or file');
  const inputs: NodeReport[] = [];
  for (const file of files) {
    try {
      inputs.push({ file, report: readReport(file) });
    } catch (err) {
      if (err instanceof InvalidReport) throw new UsageError(err.message);
      throw err;
    }
  }
  const fleet = mergeReports(inputs, { nameFrom: opts.nameFrom, missing: opts.missing, toolVersion });
  const reports = new Map<string, ScanResult>();
  // mergeReports names nodes in input order before sorting; match them back by source file.
  for (const n of fleet.nodes) {
    const input = inputs.find((i) => i.file === n.source);
    if (input) reports.set(n.name, input.report);
  }
  const docs = reporter.render({ fleet, reports });
  if (docs.length > 1 && !opts.output) {
    throw new UsageError(`${opts.format} for ${fleet.counts.nodes} nodes is ${docs.length} files: name the first with --output`);
  }
  if (opts.output) {
    docs.forEach((doc, i) => writeFileSync(partFile(opts.output as string, i), doc));
    if (docs.length > 1) process.stderr.write(`kube-residue: wrote ${docs.map((_, i) => partFile(opts.output as string, i)).join(', ')}\n`);
  } else {
    process.stdout.write(docs[0] ?? '');
  }
  if (fleet.verdict === 'residue') return EXIT.residue;
  if (fleet.verdict === 'clean') return EXIT.clean;
  return EXIT.unchecked;
}
