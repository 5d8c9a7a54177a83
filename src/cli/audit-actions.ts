// What `waivers lint`, `diff` and `verify` do: loaded by their command's action only, so the schema compiler,
// the YAML parser and node:crypto are not part of every command's start-up.
import { readFileSync } from 'node:fs';
import { diffScans } from '../diff/diff.js';
import { diffMarkdown, diffTable } from '../diff/render.js';
import { EXIT } from '../engine/exit-code.js';
import { readReport as readValidReport } from '../fix/report-input.js';
import { checkDigest } from '../integrity/digest.js';
import { signatureFile, verifySignature } from '../integrity/ssh-sign.js';
import type { ScanResult } from '../model/result.js';
import { loadWaiverFile } from '../waivers/load.js';
import { formatWaiverProblem } from '../waivers/model.js';
import { UsageError } from './errors.js';
import { loadRuleSet } from './rule-set.js';

export async function waiversLint(file: string, opts: { rules: string[]; builtin: boolean; waiverMaxDays: number }): Promise<number> {
  const days = opts.waiverMaxDays;
  const ruleSet = await loadRuleSet({ builtin: opts.builtin, extra: opts.rules });
  const loaded = loadWaiverFile(file, { now: new Date(), maxHorizonDays: days, knownRules: new Set(ruleSet.rules.map((r) => r.id)) });
  const problems = [...loaded.errors, ...loaded.warnings].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  for (const p of problems) process.stdout.write(`${formatWaiverProblem(p)}\n`);
  if (loaded.unreadable) return EXIT.usage;
  process.stdout.write(problems.length === 0 ? `${file}: ${loaded.waivers.length} waiver${loaded.waivers.length === 1 ? '' : 's'}, no problems\n` : `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  return problems.length === 0 ? EXIT.clean : EXIT.residue;
}

function readReport(file: string): ScanResult {
  try {
    return readValidReport(file);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function diffCommand(beforeFile: string, afterFile: string, format: 'table' | 'json' | 'markdown'): number {
  const d = diffScans(readReport(beforeFile), readReport(afterFile));
  process.stdout.write(format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : format === 'markdown' ? diffMarkdown(d) : diffTable(d));
  return d.appeared.length > 0 ? EXIT.residue : EXIT.clean;
}

export function verifyCommand(report: string, opts: { signKey?: string }): number {
  let bytes: Buffer;
  try {
    bytes = readFileSync(report);
  } catch (err) {
    throw new UsageError(`cannot read ${report}: ${(err as Error).message}`);
  }
  let ok = true;
  const digest = checkDigest(bytes);
  if (digest.ok) process.stdout.write(`digest OK: sha256 ${digest.digest}\n`);
  else if (report.endsWith('.json') || !opts.signKey) {
    process.stdout.write(`digest FAILED: ${digest.reason}\n`);
    ok = false;
  }
  if (opts.signKey) {
    const sig = verifySignature(report, opts.signKey);
    if (sig.ok) process.stdout.write(`signature OK (${signatureFile(report)}): ${sig.message}\n`);
    else {
      process.stdout.write(`signature FAILED (${signatureFile(report)}): ${sig.reason}\n`);
      ok = false;
    }
  }
  process.stdout.write(ok ? 'VERIFIED\n' : 'NOT VERIFIED\n');
  return ok ? EXIT.clean : EXIT.residue;
}
