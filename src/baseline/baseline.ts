// Baselines, an adoption aid for an existing fleet: `--write-baseline` records the findings of today by their
// fingerprint, `--baseline` then reports only what is new. Unlike a waiver a baseline entry has no reason,
// owner or expiry, so it is not an audit record: it only keeps known noise out of a pipeline while it is fixed.
import { readFileSync, writeFileSync } from 'node:fs';
import { summarize, verdictOf } from '../engine/scan.js';
import type { RuleResult, ScanResult } from '../model/result.js';
import { fingerprint } from './fingerprint.js';

export const BASELINE_FORMAT = 'kube-residue-baseline/1';

export interface BaselineFile {
  format: typeof BASELINE_FORMAT;
  createdAt: string;
  host: string;
  /** Sorted fingerprints: `<rule id> <normalised target>`. */
  fingerprints: string[];
}

export function baselineOf(result: ScanResult): BaselineFile {
  const fps = new Set<string>();
  for (const r of result.results) for (const f of r.findings) fps.add(fingerprint(r.ruleId, r.kind, f.target));
  return { format: BASELINE_FORMAT, createdAt: result.finishedAt, host: result.host.hostname, fingerprints: [...fps].sort() };
}

export function writeBaseline(file: string, result: ScanResult): void {
  writeFileSync(file, `${JSON.stringify(baselineOf(result), null, 2)}\n`);
}

/** Reads a baseline file; a message (for a usage error) when it is not one. */
export function readBaseline(file: string): BaselineFile | string {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return `cannot read baseline ${file}: ${(err as Error).message}`;
  }
  const b = data as Partial<BaselineFile>;
  if (b.format !== BASELINE_FORMAT || !Array.isArray(b.fingerprints) || !b.fingerprints.every((x) => typeof x === 'string')) {
    return `${file} is not a kube-residue baseline (expected "format": "${BASELINE_FORMAT}" and a list of fingerprints)`;
  }
  return b as BaselineFile;
}

/** Holds back every finding the baseline knows; a rule left without findings is clean, with a note. */
export function applyBaseline(result: ScanResult, baseline: BaselineFile, file: string): ScanResult {
  const known = new Set(baseline.fingerprints);
  let heldBack = 0;
  let rules = 0;
  const results: RuleResult[] = result.results.map((r) => {
    const findings = r.findings.filter((f) => !known.has(fingerprint(r.ruleId, r.kind, f.target)));
    const held = r.findings.length - findings.length;
    if (held === 0) return r;
    heldBack += held;
    rules++;
    const note = `${held} known finding${held === 1 ? '' : 's'} held back by the baseline`;
    if (findings.length > 0) return { ...r, findings };
    // As the engine decides: no findings left but part of the rule could not be looked at = unchecked.
    const partly = r.reason?.startsWith('partly unchecked') === true;
    return { ...r, findings, status: partly ? 'unchecked' : 'clean', reason: r.reason ? `${r.reason}; ${note}` : note };
  });
  return { ...result, results, verdict: verdictOf(results, result.selection.failOn), summary: summarize(results), baseline: { file, heldBack, rules } };
}
