// Where a command's reports (or fix script) go, decided and checked before any scanning: a typo in a path costs
// nothing, and a scan never ends in a crash after the table was printed and before the HTML was written.
import { accessSync, closeSync, constants, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

export interface OutputTarget {
  format: string;
  /** undefined: standard output. */
  file?: string;
}

/** The format a report file gets from its extension when --format does not say (r.json → json). */
const FORMAT_BY_EXTENSION: Record<string, string> = {
  '.json': 'json',
  '.sarif': 'sarif',
  '.xml': 'junit',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.txt': 'table',
};

/** A file's format: its extension's, else JSON (the format `fix --from` reads). Never the terminal's table. */
export function formatForFile(file: string): string {
  return FORMAT_BY_EXTENSION[path.extname(file).toLowerCase()] ?? 'json';
}

/** Why `file` cannot be written, or undefined. Checks without creating anything. */
export function destinationProblem(file: string): string | undefined {
  const st = statSync(file, { throwIfNoEntry: false });
  if (st?.isDirectory()) return 'it is a directory';
  if (st) {
    try {
      accessSync(file, constants.W_OK);
    } catch {
      return 'permission denied';
    }
    return undefined;
  }
  const dir = path.dirname(path.resolve(file));
  const parent = statSync(dir, { throwIfNoEntry: false });
  if (!parent) return `directory ${dir} does not exist`;
  if (!parent.isDirectory()) return `${dir} is not a directory`;
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return `cannot create files in ${dir} (permission denied)`;
  }
  return undefined;
}

/** Refuses unknown formats, unwritable files and two outputs to one file, with one usage error. */
export function checkOutputs(targets: readonly OutputTarget[], knownFormats: readonly string[]): void {
  const seen = new Map<string, OutputTarget>();
  for (const t of targets) {
    if (!knownFormats.includes(t.format)) throw new UsageError(`unknown format "${t.format}" (known: ${knownFormats.join(', ')})`);
    if (t.file === undefined) continue;
    const problem = destinationProblem(t.file);
    if (problem) throw new UsageError(`cannot write ${t.format} report to ${t.file}: ${problem}`);
    const key = path.resolve(t.file);
    const prev = seen.get(key);
    if (prev && key !== '/dev/null') throw new UsageError(`${prev.format} and ${t.format} reports would both be written to ${t.file}; give each its own file`);
    seen.set(key, t);
  }
}

/** Writes text to a file piece by piece (a report of tens of MB is never one string); errors are one line. */
export function writeFileChunks(file: string, chunks: Iterable<string>, mode?: number): void {
  let fd: number;
  try {
    fd = openSync(file, 'w', mode);
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
  }
  try {
    for (const chunk of chunks) writeAll(fd, file, Buffer.from(chunk, 'utf8'));
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, file: string, bytes: Buffer): void {
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
  }
}
