// Applies waivers to a scan result: a finding a live waiver matches carries `waiver` and no longer counts
// towards the verdict; a rule whose findings are all waived has status `waived`. Nothing is removed. Expired
// waivers are listed and not applied; waivers that matched nothing on a checked rule are stale. Pure.
import { summarize, verdictOf } from '../engine/scan.js';
import type { AppliedWaiver, Finding, RuleResult, ScanResult, WaiverReport, WaiverUse } from '../model/result.js';
import { isExpired } from './dates.js';
import { waiverSource, type Waiver } from './model.js';
import { compileSelector } from './selector.js';

function use(w: Waiver, matched: number): WaiverUse {
  return {
    rule: w.rule,
    ...(w.target !== undefined ? { target: w.target } : {}),
    justification: w.justification,
    expires: w.expires,
    ...(w.approver !== undefined ? { approver: w.approver } : {}),
    ...(w.ticket !== undefined ? { ticket: w.ticket } : {}),
    source: waiverSource(w),
    matched,
  };
}

function applied(w: Waiver): AppliedWaiver {
  return {
    justification: w.justification,
    expires: w.expires,
    ...(w.approver !== undefined ? { approver: w.approver } : {}),
    ...(w.ticket !== undefined ? { ticket: w.ticket } : {}),
    source: waiverSource(w),
  };
}

export function applyWaivers(result: ScanResult, waivers: readonly Waiver[], file: string, now: Date): ScanResult {
  const live = waivers.filter((w) => !isExpired(w.expires, now));
  const matchedBy = new Map<Waiver, number>(live.map((w) => [w, 0]));
  const selectors = new Map(live.map((w) => [w, w.target === undefined ? () => true : selectorOf(w.target)]));
  const results: RuleResult[] = result.results.map((r) => {
    const mine = live.filter((w) => w.rule === r.ruleId);
    if (mine.length === 0 || r.findings.length === 0) return r;
    const findings: Finding[] = r.findings.map((f) => {
      // The first waiver in file order that matches wins; each is counted once per finding.
      const w = mine.find((x) => (selectors.get(x) as (t: string) => boolean)(f.target));
      if (!w) return f;
      matchedBy.set(w, (matchedBy.get(w) ?? 0) + 1);
      return { ...f, waiver: applied(w) };
    });
    const allWaived = findings.every((f) => f.waiver !== undefined);
    return { ...r, findings, status: allWaived ? 'waived' : r.status };
  });
  const statusOf = new Map(result.results.map((r) => [r.ruleId, r.status]));
  const report: WaiverReport = { file, applied: [], expired: [], stale: [], notEvaluated: [] };
  for (const w of waivers) {
    if (isExpired(w.expires, now)) {
      report.expired.push(use(w, 0));
      continue;
    }
    const n = matchedBy.get(w) ?? 0;
    const status = statusOf.get(w.rule);
    if (n > 0) report.applied.push(use(w, n));
    else if (status === undefined || status === 'unchecked') report.notEvaluated.push(use(w, 0));
    else report.stale.push(use(w, 0));
  }
  return { ...result, results, verdict: verdictOf(results, result.selection.failOn), summary: summarize(results), waivers: report };
}

function selectorOf(target: string): (t: string) => boolean {
  const sel = compileSelector(target);
  // loadWaiverFile refuses waivers whose selector does not compile; should one get here, it matches nothing.
  return sel.ok ? sel.matches : () => false;
}
