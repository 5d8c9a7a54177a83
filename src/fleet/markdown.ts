// The fleet report in Markdown, for a ticket or a pull-request comment.
import { SEVERITIES } from '../model/rule.js';
import { mdCode, mdText, oneLine } from '../report/escape.js';
import { FLEET_VERDICT_TEXT, VERDICT_TEXT, type FleetReporter } from './reporter.js';

const cell = (text: string): string => mdText(oneLine(text));

export const fleetMarkdownReporter: FleetReporter = {
  name: 'markdown',
  description: 'Markdown: verdict, node table, most common leftovers, totals, nodes not checked',
  render({ fleet }) {
    const c = fleet.counts;
    const out: string[] = [
      '# kube-residue fleet report',
      '',
      `**${FLEET_VERDICT_TEXT[fleet.verdict]}.** ${c.nodes} nodes: ${c.residue} with residue, ${c.clean} clean, ${c.unchecked} not fully checked, ${c.missing} without a report.`,
      '',
      '## Nodes',
      '',
      `| Node | Verdict | Findings | ${SEVERITIES.join(' | ')} | Unchecked rules |`,
      `|---|---|--:|${SEVERITIES.map(() => '--:').join('|')}|--:|`,
      ...fleet.nodes.map(
        (n) => `| ${mdCode(oneLine(n.name), true)} | ${VERDICT_TEXT[n.verdict]} | ${n.findings} | ${SEVERITIES.map((s) => n.bySeverity[s]).join(' | ')} | ${n.verdict === 'missing' ? '-' : n.unchecked.length} |`,
      ),
    ];
    if (fleet.rules.length > 0) {
      out.push('', '## Most common leftovers', '', '| Rule | Severity | Nodes | Findings | Title |', '|---|---|--:|--:|---|');
      for (const r of fleet.rules) out.push(`| ${mdCode(r.ruleId, true)} | ${r.severity} | ${r.nodes.length}/${c.nodes} | ${r.findings} | ${cell(r.title)} |`);
    }
    out.push('', '## Totals by severity', '', '| Severity | Findings | Nodes |', '|---|--:|--:|');
    for (const s of SEVERITIES) out.push(`| ${s} | ${fleet.bySeverity[s].findings} | ${fleet.bySeverity[s].nodes} |`);
    if (fleet.notChecked.length > 0) {
      out.push('', '## Nodes not checked', '');
      for (const n of fleet.notChecked) out.push(`- ${mdCode(oneLine(n.node))} (${VERDICT_TEXT[n.verdict]}): ${n.reasons.map(cell).join('; ')}`);
    }
    return [`${out.join('\n')}\n`];
  },
};
