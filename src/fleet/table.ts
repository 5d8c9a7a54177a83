// The fleet report for a terminal: one row per node, the leftovers most common across nodes, totals by
// severity, and the nodes that could not be checked.
import Table from 'cli-table3';
import { SEVERITIES } from '../model/rule.js';
import { oneLine } from '../report/escape.js';
import { FLEET_VERDICT_TEXT, VERDICT_TEXT, type FleetReporter } from './reporter.js';

// No rule between rows (a fleet has hundreds of nodes); no colour (the same text on a terminal and in a file).
const plain = { chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, style: { head: [] as string[], border: [] as string[] } };

export const fleetTableReporter: FleetReporter = {
  name: 'table',
  description: 'tables for people: nodes, most common leftovers, totals, nodes not checked',
  render({ fleet }) {
    const c = fleet.counts;
    const out: string[] = [
      `kube-residue fleet report — ${c.nodes} nodes: ${c.residue} with residue, ${c.clean} clean, ${c.unchecked} not fully checked, ${c.missing} without a report`,
    ];
    const nodes = new Table({ head: ['Node', 'Verdict', 'Findings', ...SEVERITIES, 'Unchecked rules'], ...plain });
    for (const n of fleet.nodes) {
      nodes.push([oneLine(n.name), VERDICT_TEXT[n.verdict], n.findings, ...SEVERITIES.map((s) => n.bySeverity[s]), n.verdict === 'missing' ? '-' : n.unchecked.length]);
    }
    out.push(nodes.toString());
    if (fleet.rules.length > 0) {
      out.push('', 'Most common leftovers:');
      const rules = new Table({ head: ['Rule', 'Severity', 'Nodes', 'Findings', 'Title'], ...plain });
      for (const r of fleet.rules) rules.push([r.ruleId, r.severity, `${r.nodes.length}/${c.nodes}`, r.findings, oneLine(r.title)]);
      out.push(rules.toString());
    }
    out.push('', `Totals by severity: ${SEVERITIES.map((s) => `${s} ${fleet.bySeverity[s].findings} (${fleet.bySeverity[s].nodes} nodes)`).join(', ')}`);
    if (fleet.notChecked.length > 0) {
      out.push('', 'Not checked:');
      for (const n of fleet.notChecked) out.push(`  ${oneLine(n.node)} (${VERDICT_TEXT[n.verdict]}): ${n.reasons.map((r) => oneLine(r)).join('; ')}`);
    }
    out.push('', FLEET_VERDICT_TEXT[fleet.verdict]);
    return [`${out.join('\n')}\n`];
  },
};
