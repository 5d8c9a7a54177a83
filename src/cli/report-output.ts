// A report's text as written: JSON reports get their content digest sealed in (src/integrity/digest.ts); any
// report file can then be signed with an OpenSSH key.
import type { ScanResult } from '../model/result.js';
import type { RenderOptions, Reporter } from '../report/reporter.js';
import { sealChunks, withIntegrityPlaceholder } from '../integrity/digest.js';
import { signFile } from '../integrity/ssh-sign.js';
import { UsageError } from './errors.js';

export function reportChunks(reporter: Reporter, result: ScanResult, options: RenderOptions): Iterable<string> {
  if (reporter.name === 'json') {
    const sealed = withIntegrityPlaceholder(result);
    return sealChunks(reporter.renderChunks ? reporter.renderChunks(sealed, options) : [reporter.render(sealed, options)]);
  }
  return reporter.renderChunks ? reporter.renderChunks(result, options) : [reporter.render(result, options)];
}

export function signReport(file: string, key: string): void {
  try {
    const sig = signFile(file, key);
    process.stderr.write(`kube-residue: signed ${file} → ${sig}\n`);
  } catch (err) {
    throw new UsageError(`--sign-key: ${(err as Error).message}`);
  }
}
