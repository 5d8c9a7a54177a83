// The fleet report as one self-contained HTML page: verdict tiles, a chart of leftovers by rule (how many nodes
// each rule found something on, inline SVG), a node table that sorts by any column (one small inline script,
// allowed by its hash in the Content-Security-Policy), totals by severity and the nodes not checked. Nothing is
// fetched. Every host-derived string is escaped with its invisible characters made visible.
import { createHash } from 'node:crypto';
import { SEVERITIES } from '../model/rule.js';
import { html, oneLine } from '../report/escape.js';
import { SEVERITY_COLORS } from '../report/report-common.js';
import type { FleetReport } from './model.js';
import { FLEET_VERDICT_TEXT, VERDICT_TEXT, type FleetReporter } from './reporter.js';

const text = (value: string): string => html(oneLine(value));

/** Clicking a header sorts the node table by that column (numbers numerically), clicking again reverses it. */
const SORT_SCRIPT = `
document.querySelectorAll('table.sortable').forEach(function (table) {
  var heads = table.querySelectorAll('thead th');
  heads.forEach(function (th, col) {
    th.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-sort'), y = b.cells[col].getAttribute('data-sort');
        var nx = Number(x), ny = Number(y);
        var d = (x !== '' && y !== '' && !isNaN(nx) && !isNaN(ny)) ? nx - ny : (x < y ? -1 : x > y ? 1 : 0);
        return asc ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
`;

const CSS = `
body { margin: 0; background: #eef1f5; color: #1d2733; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.page { max-width: 1120px; margin: 0 auto; padding: 24px; }
header { background: #16233b; color: #fff; border-radius: 10px; padding: 20px 26px; }
header h1 { margin: 0 0 10px; font-size: 24px; }
.verdict { display: inline-block; padding: 4px 12px; border-radius: 999px; font-weight: 650; font-size: 13px; }
.verdict-residue { background: #fbe3e1; color: #b3261e; } .verdict-clean { background: #dff3e8; color: #1f7a4d; } .verdict-unchecked { background: #fdf0d5; color: #9a6400; }
section { background: #fff; border: 1px solid #dde3ea; border-radius: 10px; padding: 18px 22px; margin-top: 16px; }
h2 { font-size: 17px; margin: 0 0 12px; }
.tiles { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; }
.tile { background: #f4f6f9; border-radius: 8px; padding: 10px 14px; }
.tile .num { font-size: 26px; font-weight: 700; } .tile .lbl { color: #5b6776; font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #dde3ea; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort=ascending]::after { content: " \\25B2"; } table.sortable th[aria-sort=descending]::after { content: " \\25BC"; }
.v-residue { color: #b3261e; font-weight: 600; } .v-clean { color: #1f7a4d; } .v-unchecked, .v-missing { color: #9a6400; font-weight: 600; }
svg.chart { width: 100%; height: auto; display: block; }
.chart-label { font: 12px system-ui, sans-serif; fill: #3a4654; } .chart-value { font: 600 12px system-ui, sans-serif; fill: #1d2733; } .chart-track { fill: #f0f2f5; }
@media print { body { background: #fff; } section, header { break-inside: avoid; } }
`;

/** Nodes with a leftover of each rule, as horizontal bars (widest first), labelled by rule id. */
function leftoverChart(fleet: FleetReport): string {
  const rules = fleet.rules;
  const width = 720;
  const labelWidth = 260;
  const row = 26;
  const barX = labelWidth + 10;
  const maxBar = width - barX - 60;
  const max = Math.max(1, fleet.counts.nodes);
  const height = 16 + Math.max(1, rules.length) * row;
  const parts = [`<svg class="chart" id="leftover-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Nodes with leftovers, by rule" xmlns="http://www.w3.org/2000/svg"><title>Nodes with leftovers, by rule</title>`];
  if (rules.length === 0) parts.push(`<text x="${width / 2}" y="${height / 2 + 5}" text-anchor="middle" class="chart-label">No leftovers on any node</text>`);
  rules.forEach((r, i) => {
    const y = 8 + i * row;
    const w = Math.max(3, Math.round((r.nodes.length / max) * maxBar));
    parts.push(
      `<g class="chart-bar" data-rule="${text(r.ruleId)}"><text x="${labelWidth}" y="${y + 16}" text-anchor="end" class="chart-label">${text(r.ruleId)}</text>` +
        `<rect x="${barX}" y="${y + 3}" width="${maxBar}" height="16" rx="3" class="chart-track"/>` +
        `<rect x="${barX}" y="${y + 3}" width="${w}" height="16" rx="3" fill="${SEVERITY_COLORS[r.severity]}"><title>${text(r.title)}</title></rect>` +
        `<text x="${barX + w + 6}" y="${y + 16}" class="chart-value">${r.nodes.length}</text></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

function nodeTable(fleet: FleetReport): string {
  const head = ['Node', 'Verdict', 'Findings', ...SEVERITIES, 'Unchecked rules', 'OS', 'Scanned at'];
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8]);
  const rows = fleet.nodes.map((n) => {
    const cells: Array<[string, string]> = [
      [n.name, `<code>${text(n.name)}</code>`],
      [n.verdict, `<span class="v-${n.verdict}">${VERDICT_TEXT[n.verdict]}</span>`],
      [String(n.findings), String(n.findings)],
      ...SEVERITIES.map((s): [string, string] => [String(n.bySeverity[s]), String(n.bySeverity[s])]),
      [n.verdict === 'missing' ? '' : String(n.unchecked.length), n.verdict === 'missing' ? '–' : String(n.unchecked.length)],
      [n.os ?? '', text(n.os ?? '')],
      [n.scannedAt ?? '', text(n.scannedAt ?? '')],
    ];
    return `<tr>${cells.map(([key, shown], i) => `<td${numeric.has(i) ? ' class="n"' : ''} data-sort="${html(oneLine(key))}">${shown}</td>`).join('')}</tr>`;
  });
  return `<table class="sortable" id="nodes"><thead><tr>${head.map((h, i) => `<th${numeric.has(i) ? ' class="n"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export const fleetHtmlReporter: FleetReporter = {
  name: 'html',
  description: 'one self-contained HTML page: sortable node table, chart of leftovers by rule, totals (nothing fetched)',
  render({ fleet }) {
    const c = fleet.counts;
    const scriptHash = createHash('sha256').update(SORT_SCRIPT).digest('base64');
    const verdictClass = fleet.verdict === 'clean' ? 'clean' : fleet.verdict === 'residue' ? 'residue' : 'unchecked';
    const tiles: Array<[string, number, string]> = [
      ['nodes', c.nodes, 'nodes'],
      ['residue', c.residue, 'with residue'],
      ['clean', c.clean, 'clean'],
      ['unchecked', c.unchecked, 'not fully checked'],
      ['missing', c.missing, 'without a report'],
    ];
    const rulesTable = fleet.rules.length
      ? `<table id="rules"><thead><tr><th>Rule</th><th>Severity</th><th class="n">Nodes</th><th class="n">Findings</th><th>Title</th></tr></thead><tbody>${fleet.rules
          .map((r) => `<tr><td><code>${text(r.ruleId)}</code></td><td>${r.severity}</td><td class="n">${r.nodes.length}/${c.nodes}</td><td class="n">${r.findings}</td><td>${text(r.title)}</td></tr>`)
          .join('')}</tbody></table>`
      : '<p>No leftovers on any node.</p>';
    const notChecked = fleet.notChecked.length
      ? `<section id="not-checked"><h2>Nodes not checked (${fleet.notChecked.length})</h2><ul>${fleet.notChecked
          .map((n) => `<li><code>${text(n.node)}</code> (${VERDICT_TEXT[n.verdict]}): ${n.reasons.map(text).join('; ')}</li>`)
          .join('')}</ul></section>`
      : '';
    const page = [
      '<!DOCTYPE html>',
      '<html lang="en"><head><meta charset="utf-8">',
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:; base-uri 'none'; form-action 'none'">`,
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>kube-residue fleet report — ${c.nodes} nodes</title>`,
      `<style>${CSS}</style></head><body><div class="page">`,
      `<header><h1>Fleet report — ${c.nodes} nodes</h1><span id="verdict" class="verdict verdict-${verdictClass}">${FLEET_VERDICT_TEXT[fleet.verdict]}</span>${fleet.latestScanAt ? ` <span>latest scan ${text(fleet.latestScanAt)}</span>` : ''}</header>`,
      `<section><div class="tiles">${tiles.map(([id, n, label]) => `<div class="tile" id="count-${id}"><div class="num">${n}</div><div class="lbl">${label}</div></div>`).join('')}</div></section>`,
      `<section><h2>Leftovers by rule (nodes affected)</h2>${leftoverChart(fleet)}</section>`,
      `<section><h2>Nodes</h2>${nodeTable(fleet)}</section>`,
      `<section><h2>Most common leftovers</h2>${rulesTable}</section>`,
      `<section><h2>Totals by severity</h2><table id="severities"><thead><tr><th>Severity</th><th class="n">Findings</th><th class="n">Nodes</th></tr></thead><tbody>${SEVERITIES.map(
        (s) => `<tr><td>${s}</td><td class="n">${fleet.bySeverity[s].findings}</td><td class="n">${fleet.bySeverity[s].nodes}</td></tr>`,
      ).join('')}</tbody></table></section>`,
      notChecked,
      `<footer><p>kube-residue ${text(fleet.tool.version)} · fleet schema ${fleet.schemaVersion}</p></footer>`,
      `</div><script>${SORT_SCRIPT}</script></body></html>`,
    ];
    return [`${page.join('\n')}\n`];
  },
};
