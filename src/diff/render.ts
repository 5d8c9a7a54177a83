// `kube-residue diff` output: a table for people, JSON (the ScanDiff as is) and Markdown for a ticket.
import Table from 'cli-table3';
import { mdCode, mdText, oneLine } from '../report/escape.js';
import type { DiffEntry, ScanDiff } from './diff.js';

const SECTIONS = ['appeared', 'disappeared', 'stayed'] as const;

function headline(d: ScanDiff): string {
  return `${d.appeared.length} appeared, ${d.disappeared.length} disappeared, ${d.stayed.length} stayed`;
}

export function diffTable(d: ScanDiff): string {
  const out = [`kube-residue diff: ${oneLine(d.before.host)} ${d.before.finishedAt} → ${oneLine(d.after.host)} ${d.after.finishedAt}`];
  const rows: Array<[string, DiffEntry]> = SECTIONS.flatMap((s) => d[s].map((e): [string, DiffEntry] => [s, e]));
  if (rows.length > 0) {
    const t = new Table({ head: ['Change', 'Severity', 'Rule', 'Target'], style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
    for (const [s, e] of rows) t.push([s, e.severity, oneLine(e.rule), `${oneLine(e.target)}${e.waived ? ' (waived)' : ''}`]);
    out.push(t.toString());
  }
  for (const u of d.unchecked) out.push(`unchecked ${oneLine(u.rule)}: ${u.before} → ${u.after} (no conclusion possible)`);
  out.push(headline(d));
  return `${out.join('\n')}\n`;
}

export function diffMarkdown(d: ScanDiff): string {
  const out = [`## kube-residue diff`, '', `${mdText(d.before.host)} ${d.before.finishedAt} → ${mdText(d.after.host)} ${d.after.finishedAt}: **${headline(d)}**`, ''];
  for (const s of SECTIONS) {
    out.push(`### ${s[0]?.toUpperCase()}${s.slice(1)} (${d[s].length})`, '');
    if (d[s].length === 0) {
      out.push('None.', '');
      continue;
    }
    out.push('| Severity | Rule | Target |', '|---|---|---|');
    for (const e of d[s]) out.push(`| ${e.severity} | ${mdCode(e.rule, true)} | ${mdCode(e.target, true)}${e.waived ? ' (waived)' : ''} |`);
    out.push('');
  }
  if (d.unchecked.length > 0) {
    out.push('### Unchecked in either scan', '');
    for (const u of d.unchecked) out.push(`- ${mdCode(u.rule)}: ${u.before} → ${u.after}`);
    out.push('');
  }
  return `${out.join('\n')}`;
}
