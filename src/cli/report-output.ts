// A report's text as written: JSON reports get their content digest sealed in (src/integrity/digest.ts); any
// report file can then be signed with an OpenSSH key.
import type { ScanResult } from '../model/result.js';
import type { RenderOptions, Reporter } from '../report/reporter.js';
import { UsageError } from './errors.js';

export async function reportChunks(reporter: Reporter, result: ScanResult, options: RenderOptions): Promise<Iterable<string>> {
  if (reporter.name === 'json') {
    // node:crypto only when a JSON report is written.
    const { sealChunks, withIntegrityPlaceholder } = await import('../integrity/digest.js');
    const sealed = withIntegrityPlaceholder(result);
    return sealChunks(reporter.renderChunks ? reporter.renderChunks(sealed, options) : [reporter.render(sealed, options)]);
  }
  return reporter.renderChunks ? reporter.renderChunks(result, options) : [reporter.render(result, options)];
}

export async function signReport(file: string, key: string): Promise<void> {
  const { signFile } = await import('../integrity/ssh-sign.js');
  try {
    const sig = signFile(file, key);
    process.stderr.write(`kube-residue: signed ${file} → ${sig}\n`);
  } catch (err) {
    throw new UsageError(`--sign-key: ${(err as Error).message}`);
  }
}
