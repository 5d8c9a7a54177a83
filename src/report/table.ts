// The terminal table: findings grouped by severity then rule, one row per finding with its target and the
// first fix command, then the unchecked rules with their reasons, then one summary line with the verdict.
import { styleText } from 'node:util';
import Table from 'cli-table3';
import type { RuleResult, ScanResult } from '../model/result.js';
import { SEVERITIES, type Severity } from '../model/rule.js';
import { oneLine } from '../display-text.js';
import { mostSevereFirst } from '../model/severity.js';
import { partlyCheckedRules } from './report-common.js';
import type { Reporter, RenderOptions } from './reporter.js';
import { openView, waivedRows, waiverOwnerText } from './waived.js';

type Style = Parameters<typeof styleText>[0];
const SEVERITY_STYLE: Record<Severity, Style> = { critical: ['bold', 'red'], high: 'red', medium: 'yellow', low: 'cyan', info: 'gray' };

function paint(opts: RenderOptions, style: Style, text: string): string {
  return opts.color ? styleText(style, text) : text;
}

/** Keeps table cells on one line, invisible characters escaped (display-text.ts), cut at `max` with an ellipsis. */
function cell(text: string, max: number): string {
  const visible = oneLine(text);
  return visible.length > max ? `${visible.slice(0, max - 1)}…` : visible;
}

/**
 * A fix command in a cell: whole, or, when it does not fit, cut and turned into a `#` comment, so that pasting a
 * cut command (which would name another path, or leave a quote open) does nothing.
 */
function commandCell(text: string, max: number): string {
  const visible = oneLine(text);
  return visible.length > max ? `# ${visible.slice(0, max - 3)}…` : visible;
}

/**
 * An unchecked reason on one line: when too long, the middle goes, never the end, where the cause is ("cannot
 * read /proc/net/ip_tables_names: EACCES (permission denied; run as root)").
 */
function reasonLine(text: string, max: number): string {
  const visible = oneLine(text);
  if (visible.length <= max) return visible;
  const head = Math.floor((max - 1) / 3);
  return `${visible.slice(0, head)}…${visible.slice(visible.length - (max - 1 - head))}`;
}

function verdictLine(result: ScanResult, opts: RenderOptions): string {
  const s = result.summary;
  const counts = `${s.rules} rules: ${s.found} found, ${s.clean} clean, ${s.unchecked} unchecked; ${s.findings} finding${s.findings === 1 ? '' : 's'}${s.waived ? ` (+${s.waived} waived)` : ''}`;
  const bySev = SEVERITIES.filter((sev) => s.bySeverity[sev] > 0)
    .map((sev) => `${s.bySeverity[sev]} ${sev}`)
    .join(', ');
  const verdict =
    result.verdict === 'clean'
      ? paint(opts, ['bold', 'green'], 'CLEAN')
      : result.verdict === 'residue'
        ? paint(opts, ['bold', 'red'], 'RESIDUE FOUND')
        : paint(opts, ['bold', 'yellow'], 'NOT FULLY CHECKED');
  return `${verdict} — ${counts}${bySev ? ` (${bySev})` : ''}; fail-on ${result.selection.failOn}, profile ${result.selection.profile}`;
}

function byRuleSeverity(a: RuleResult, b: RuleResult): number {
  const d = mostSevereFirst(a.severity, b.severity);
  return d !== 0 ? d : a.ruleId < b.ruleId ? -1 : 1;
}

export const tableReporter: Reporter = {
  name: 'table',
  description: 'a table for people (default on a terminal)',
  render(full, opts) {
    const result = openView(full);
    const width = Math.max(100, Math.min(process.stdout.columns || 140, 200));
    const h = result.host;
    const out: string[] = [oneLine(`kube-residue ${result.tool.version} — ${h.hostname} (${h.os}, kernel ${h.kernel})${h.root === '/' ? '' : `, root ${h.root}`}`)];
    const found = result.results.filter((r) => r.status === 'found').sort(byRuleSeverity);
    if (found.length > 0) {
      const targetW = Math.floor(width * 0.34);
      const fixW = Math.floor(width * 0.3);
      const table = new Table({
        head: ['Severity', 'Rule', 'Target', 'Fix (first step)'],
        colWidths: [10, Math.floor(width * 0.22), targetW, fixW],
        wordWrap: false,
        // No rule between rows: a dirty node has hundreds of findings.
        chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
        style: { head: opts.color ? ['bold'] : [], border: opts.color ? ['gray'] : [] },
      });
      for (const r of found) {
        for (const f of r.findings) {
          table.push([paint(opts, SEVERITY_STYLE[r.severity], r.severity), cell(r.ruleId, 60), cell(f.target, targetW - 2), f.fix[0] !== undefined ? commandCell(f.fix[0], fixW - 2) : r.rebootClears === true ? 'reboot' : '-']);
        }
      }
      out.push(table.toString());
    }
    const waived = waivedRows(full);
    if (waived.length > 0) {
      out.push(paint(opts, ['bold', 'cyan'], `Waived (${waived.length}, reported but not failing the run):`));
      for (const w of waived) out.push(`  WAIVED ${w.severity} ${cell(w.rule, 60)} ${cell(w.target, 80)} — ${cell(w.justification, 100)} (${cell(waiverOwnerText(w), 80)}; ${cell(w.source, 80)})`);
    }
    for (const e of full.waivers?.expired ?? []) out.push(paint(opts, 'yellow', `expired waiver ${cell(e.source, 80)}: ${e.rule} expired on ${e.expires}, no longer applied`));
    for (const e of full.waivers?.stale ?? []) out.push(paint(opts, 'yellow', `stale waiver ${cell(e.source, 80)}: ${e.rule}${e.target ? ` ${cell(e.target, 80)}` : ''} matched nothing`));
    if (full.baseline && full.baseline.heldBack > 0) out.push(paint(opts, 'gray', `baseline ${cell(full.baseline.file, 80)}: ${full.baseline.heldBack} known finding(s) held back`));
    const unchecked = result.results.filter((r) => r.status === 'unchecked');
    if (unchecked.length > 0) {
      out.push(paint(opts, ['bold', 'yellow'], `Unchecked (${unchecked.length}):`));
      for (const r of unchecked) out.push(`  ${r.ruleId}: ${reasonLine(r.reason ?? 'no reason given', Math.max(80, width - r.ruleId.length - 6))}`);
    }
    const notes = [...new Set(partlyCheckedRules(result).map((r) => r.reason ?? ''))];
    for (const n of notes) out.push(paint(opts, 'gray', `note: ${oneLine(n)}`));
    out.push(verdictLine(result, opts));
    return `${out.join('\n')}\n`;
  },
};
