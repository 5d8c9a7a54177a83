// Small pieces shared by the SARIF, JUnit, Markdown and HTML reporters: severity mappings, counts derived from the
// result, and time formatting that never consults the clock or the locale.
import type { RebootClears, Severity } from '../model/rule.js';
import { SEVERITIES } from '../model/rule.js';
import { CHECK_KINDS } from '../checks/kinds.js';
import type { CheckKind } from '../model/rule.js';
import type { RuleResult, ScanResult } from '../model/result.js';
import { mostSevereFirst } from '../model/severity.js';

/** SARIF `level`: critical/high fail a build, medium warns, low/info are notes. */
export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'medium') return 'warning';
  return 'note';
}

/** GitHub's `security-severity` (a CVSS-like score as a string): critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low < 4. */
export function securitySeverity(severity: Severity): string {
  const scores: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.1' };
  return scores[severity];
}

export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  critical: '#9b1c31',
  high: '#d1453b',
  medium: '#e08a00',
  low: '#2f7ec1',
  info: '#6b7785',
};

export function severityCounts(result: ScanResult): Array<{ severity: Severity; count: number }> {
  return SEVERITIES.map((severity) => ({ severity, count: result.summary.bySeverity[severity] ?? 0 }));
}

/** Findings per check kind, in the catalogue order, kinds without findings left out. */
export function kindCounts(result: ScanResult): Array<{ kind: CheckKind; count: number }> {
  const counts = new Map<CheckKind, number>();
  for (const rule of result.results) {
    for (const finding of rule.findings) counts.set(finding.kind, (counts.get(finding.kind) ?? 0) + 1);
  }
  const out: Array<{ kind: CheckKind; count: number }> = [];
  for (const kind of CHECK_KINDS) {
    const count = counts.get(kind);
    if (count) out.push({ kind, count });
  }
  // A kind outside the catalogue (a newer engine) still counts, after the known ones, by name.
  const extra = [...counts.entries()].filter(([kind]) => !CHECK_KINDS.includes(kind)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [kind, count] of extra) out.push({ kind, count });
  return out;
}

export function foundRules(result: ScanResult): RuleResult[] {
  return result.results.filter((r) => r.status === 'found');
}

/** Most severe first; rules of equal severity keep the engine's order. */
export function bySeverity(rules: RuleResult[]): RuleResult[] {
  return rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => mostSevereFirst(a.rule.severity, b.rule.severity) || a.index - b.index)
    .map((x) => x.rule);
}

export function uncheckedRules(result: ScanResult): RuleResult[] {
  return result.results.filter((r) => r.status === 'unchecked');
}

/** Rules that found residue but could not look everywhere: their `reason` says what was not checked. */
export function partlyCheckedRules(result: ScanResult): RuleResult[] {
  return result.results.filter((r) => r.status !== 'unchecked' && typeof r.reason === 'string' && r.reason.length > 0);
}

/** What a found (or clean) rule could not check, without the engine's own "partly unchecked:" prefix. */
export function partialReason(rule: RuleResult): string {
  return (rule.reason ?? '').replace(/^partly unchecked:\s*/i, '');
}

export function rebootClearsText(value: RebootClears): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  return 'yes, but recreated at boot while its unit or config is still enabled';
}

/** The same, short enough for a table cell. */
export function rebootClearsShort(value: RebootClears): string {
  return value === 'recreated-if-enabled' ? 'yes, recreated if enabled' : rebootClearsText(value);
}

/**
 * The verdict as a short label. The engine's verdict weighs findings against `--fail-on`, so a `clean` or
 * `unchecked` verdict can still come with findings below that severity; the label says so instead of "no residue".
 */
export function verdictText(result: ScanResult): string {
  const below = result.summary.findings > 0;
  switch (result.verdict) {
    case 'residue':
      return 'Residue found';
    case 'clean':
      return below ? `Passed: only residue below the fail-on severity (${result.selection.failOn})` : 'Clean: no residue found';
    default:
      return below
        ? `Incomplete: some rules could not be checked; only residue below the fail-on severity (${result.selection.failOn})`
        : 'Incomplete: no residue found, but some rules could not be checked';
  }
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `2026-03-14 09:26:53 UTC` from an ISO timestamp, without the locale or the clock; the input as is if unparseable. */
export function utcText(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)} UTC`;
}

/** A SARIF/JSON UTC timestamp (`...Z`) or undefined if the input is not a date. */
export function isoUtc(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Seconds between two ISO timestamps, never negative; 0 when either is unparseable. */
export function durationSeconds(startIso: string, endIso: string): number {
  const start = Date.parse(startIso);
  const end = Date.parse(endIso);
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return 0;
  return (end - start) / 1000;
}

export function durationText(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** The rule's definition as `file:line`. */
export function sourceText(rule: RuleResult): string {
  return `${rule.source.file}:${rule.source.line}`;
}

/** Probes that failed or saw only part of the host, for the "what could not be seen" sections. */
export function probeNotes(result: ScanResult): Array<{ probe: string; ok: boolean; note: string }> {
  return result.probes
    .filter((p) => !p.ok || (typeof p.note === 'string' && p.note.length > 0))
    .map((p) => ({ probe: p.probe, ok: p.ok, note: p.note ?? (p.ok ? '' : 'failed') }));
}
