// What changed between two scans of a node (before and after a reset is the evidence an auditor asks for):
// findings that appeared, disappeared and stayed, matched by fingerprint (rule id + normalised target), and
// rules whose check status changed to or from unchecked (nothing can be said about those). Pure.
import { fingerprint } from '../baseline/fingerprint.js';
import type { ScanResult } from '../model/result.js';
import type { Severity } from '../model/rule.js';

export interface DiffEntry {
  rule: string;
  title: string;
  severity: Severity;
  target: string;
  waived: boolean;
}

export interface ScanDiff {
  before: { host: string; finishedAt: string };
  after: { host: string; finishedAt: string };
  appeared: DiffEntry[];
  disappeared: DiffEntry[];
  stayed: DiffEntry[];
  /** Rules unchecked in either scan: a disappearance there is not a fix. */
  unchecked: Array<{ rule: string; before: string; after: string }>;
}

function entries(result: ScanResult): Map<string, DiffEntry> {
  const out = new Map<string, DiffEntry>();
  for (const r of result.results) {
    for (const f of r.findings) {
      out.set(fingerprint(r.ruleId, r.kind, f.target), { rule: r.ruleId, title: r.title, severity: r.severity, target: f.target, waived: f.waiver !== undefined });
    }
  }
  return out;
}

export function diffScans(before: ScanResult, after: ScanResult): ScanDiff {
  const a = entries(before);
  const b = entries(after);
  const byKey = (m: Map<string, DiffEntry>, keys: string[]): DiffEntry[] => keys.sort().map((k) => m.get(k) as DiffEntry);
  const statusBefore = new Map(before.results.map((r) => [r.ruleId, r.status]));
  const statusAfter = new Map(after.results.map((r) => [r.ruleId, r.status]));
  const unchecked = [...new Set([...statusBefore.keys(), ...statusAfter.keys()])]
    .filter((id) => statusBefore.get(id) === 'unchecked' || statusAfter.get(id) === 'unchecked')
    .sort()
    .map((id) => ({ rule: id, before: statusBefore.get(id) ?? 'not run', after: statusAfter.get(id) ?? 'not run' }));
  return {
    before: { host: before.host.hostname, finishedAt: before.finishedAt },
    after: { host: after.host.hostname, finishedAt: after.finishedAt },
    appeared: byKey(b, [...b.keys()].filter((k) => !a.has(k))),
    disappeared: byKey(a, [...a.keys()].filter((k) => !b.has(k))),
    stayed: byKey(b, [...b.keys()].filter((k) => a.has(k))),
    unchecked,
  };
}
