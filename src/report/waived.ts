// Waived findings in the reports: every format shows them, marked and apart from the findings that count, with
// the waiver's reason, owner and end date (a waiver never hides a finding). Reporters render `openView(result)`
// as before and add the rows of `waivedRows(result)` in a section of their own.
import type { AuditTrail, ScanResult } from '../model/result.js';
import type { Severity } from '../model/rule.js';

export interface WaivedRow {
  rule: string;
  title: string;
  severity: Severity;
  target: string;
  justification: string;
  expires: string;
  approver?: string;
  ticket?: string;
  source: string;
}

/** The result without its waived findings: what counts, as every reporter already renders it. */
export function openView(result: ScanResult): ScanResult {
  if (!result.results.some((r) => r.findings.some((f) => f.waiver))) return result;
  return { ...result, results: result.results.map((r) => (r.findings.some((f) => f.waiver) ? { ...r, findings: r.findings.filter((f) => !f.waiver) } : r)) };
}

export function waivedRows(result: ScanResult): WaivedRow[] {
  const rows: WaivedRow[] = [];
  for (const r of result.results) {
    for (const f of r.findings) {
      if (!f.waiver) continue;
      const w = f.waiver;
      rows.push({
        rule: r.ruleId,
        title: r.title,
        severity: r.severity,
        target: f.target,
        justification: w.justification,
        expires: w.expires,
        ...(w.approver ? { approver: w.approver } : {}),
        ...(w.ticket ? { ticket: w.ticket } : {}),
        source: w.source,
      });
    }
  }
  return rows;
}

/** `approved by X, ticket Y, until D`: the owner part of a waived row. */
export function waiverOwnerText(row: Pick<WaivedRow, 'approver' | 'ticket' | 'expires'>): string {
  return [row.approver ? `approved by ${row.approver}` : 'no approver', row.ticket ? `ticket ${row.ticket}` : undefined, `until ${row.expires}`].filter(Boolean).join(', ');
}

/** Flat `name=value` pairs of the audit trail, for formats with flat properties (JUnit). */
export function auditPairs(audit: AuditTrail | undefined): Array<[string, string]> {
  if (!audit) return [];
  const pairs: Array<[string, string]> = [
    ['audit.tool.build.node', audit.tool.build.node],
    ...(audit.tool.build.commit ? ([['audit.tool.build.commit', audit.tool.build.commit]] as Array<[string, string]>) : []),
    ['audit.ranAsRoot', String(audit.ranAsRoot)],
    ...(audit.host.bootId ? ([['audit.host.bootId', audit.host.bootId]] as Array<[string, string]>) : []),
    ...audit.rulePacks.map((p): [string, string] => [`audit.rulePack.${p.pack}.sha256`, p.sha256]),
    ...Object.entries(audit.labels).map(([k, v]): [string, string] => [`audit.label.${k}`, v]),
    ...audit.waivers.map((w, i): [string, string] => [`audit.waiver.${i}`, `${w.rule}${w.target ? ` ${w.target}` : ''}: ${waiverOwnerText(w)}, ${w.matched} matched`]),
  ];
  if (audit.hardware) {
    const h = audit.hardware;
    pairs.push(['audit.hardware', `${h.manufacturer} ${h.model}, serial ${h.serial}, uuid ${h.uuid}, ${h.virtual ? `virtual${h.virtualHost ? ` (${h.virtualHost})` : ''}` : 'physical'}`]);
  }
  return pairs;
}
