// A self-contained HTML report for audits: a dated record a person can open, print and file. Inline CSS and inline
// SVG charts only; no scripts, fonts, images or anything else fetched (a Content-Security-Policy says so too).
// Every host-derived string is HTML-escaped, and invisible characters (controls, bidi overrides, zero-width marks)
// are shown as highlighted escapes so a crafted name cannot hide or reorder what is printed.
import type { Severity } from '../model/rule.js';
import type { RuleResult, ScanResult } from '../model/result.js';
import { atOrAbove } from '../model/severity.js';
import type { Reporter } from './reporter.js';
import { auditPairs, openView, waivedRows, waiverOwnerText } from './waived.js';
import { html, multiLine, oneLine } from './escape.js';
import stylesheet from './html.css';
import {
  bySeverity,
  partialReason,
  partlyCheckedRules,
  rebootClearsShort,
  durationSeconds,
  durationText,
  foundRules,
  kindCounts,
  plural,
  rebootClearsText,
  SEVERITY_COLORS,
  severityCounts,
  uncheckedRules,
  utcText,
  verdictText,
} from './report-common.js';

/** Host text for HTML: escaped, with each invisible character as a highlighted, labelled escape. */
function hostText(text: string, keepNewlines = false): string {
  let out = '';
  let plain = '';
  const flush = (): void => {
    out += html(plain);
    plain = '';
  };
  for (const ch of text) {
    const shown = keepNewlines ? multiLine(ch) : oneLine(ch);
    if (shown === ch) {
      plain += ch;
    } else {
      flush();
      const code = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      out += `<span class="ctl" title="invisible character U+${code}">${html(shown)}</span>`;
    }
  }
  flush();
  return out;
}

/** Text the tool or the rule author wrote (titles, descriptions): escaped, invisible characters shown plainly. */
function text(value: string): string {
  return html(oneLine(value));
}

function anchorId(prefix: string, index: number): string {
  return `${prefix}-${index + 1}`;
}

function severityBadge(severity: Severity): string {
  return `<span class="badge sev-${severity}">${severity}</span>`;
}

function safeHref(url: string): string | undefined {
  return /^https?:\/\/[^\s<>"'`]+$/.test(url) ? url : undefined;
}

interface Bar {
  label: string;
  value: number;
  color: string;
}

/** A horizontal bar chart as inline SVG, sized in user units so it scales on screen and in print. */
function barChart(title: string, bars: Bar[], labelWidth: number, emptyText: string): string {
  const width = 460;
  const row = 30;
  const top = 8;
  const barX = labelWidth + 12;
  const countWidth = 44;
  const maxBar = width - barX - countWidth;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = top * 2 + Math.max(1, bars.length) * row;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${html(title)}" xmlns="http://www.w3.org/2000/svg">`,
  );
  parts.push(`<title>${html(title)}</title>`);
  if (bars.length === 0) {
    parts.push(`<text x="${width / 2}" y="${height / 2 + 5}" text-anchor="middle" class="chart-empty">${html(emptyText)}</text>`);
  }
  bars.forEach((bar, i) => {
    const y = top + i * row;
    const w = bar.value === 0 ? 0 : Math.max(3, Math.round((bar.value / max) * maxBar));
    parts.push(`<text x="${labelWidth}" y="${y + 19}" text-anchor="end" class="chart-label">${html(bar.label)}</text>`);
    parts.push(`<rect x="${barX}" y="${y + 5}" width="${maxBar}" height="18" rx="3" class="chart-track"/>`);
    if (w > 0) parts.push(`<rect x="${barX}" y="${y + 5}" width="${w}" height="18" rx="3" fill="${bar.color}"/>`);
    parts.push(`<text x="${barX + w + 6}" y="${y + 19}" class="chart-value">${bar.value}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** The line of html.css that stands for the per-severity rules. */
const SEVERITY_COLORS_SLOT = '/* kube-residue: per-severity colours (.sev-*, .rule.rule-*) are inserted here from SEVERITY_COLORS */\n';

/** The stylesheet (html.css, bundled as text), with the per-severity colours filled in from SEVERITY_COLORS. */
const CSS = `\n${stylesheet.replace(SEVERITY_COLORS_SLOT, severityCss())}`;

function severityCss(): string {
  const severities = Object.keys(SEVERITY_COLORS) as Severity[];
  return [
    ...severities.map((s) => `.sev-${s} { background: ${SEVERITY_COLORS[s]}; }`),
    ...severities.map((s) => `.rule.rule-${s} { border-left-color: ${SEVERITY_COLORS[s]}; }`),
  ].join('\n') + '\n';
};

function metaItem(label: string, valueHtml: string, wide = false): string {
  return `<div${wide ? ' class="wide"' : ''}><dt>${html(label)}</dt><dd>${valueHtml}</dd></div>`;
}

function ruleArticle(rule: RuleResult, index: number): string {
  const parts: string[] = [];
  parts.push(`<article class="rule rule-${rule.severity}" id="${anchorId('rule', index)}">`);
  parts.push(`<h3>${severityBadge(rule.severity)} <span>${text(rule.title)}</span> <code>${text(rule.ruleId)}</code></h3>`);
  const facts = [
    `pack <b>${text(rule.pack)}</b>`,
    `check <b>${text(rule.kind)}</b>`,
    `${plural(rule.findings.length, 'finding')}`,
    `reboot clears: ${html(rebootClearsText(rule.rebootClears))}`,
    `defined in <span class="mono">${hostText(rule.source.file)}:${rule.source.line}</span>`,
  ];
  parts.push(`<div class="facts">${facts.map((f) => `<span>${f}</span>`).join('')}</div>`);
  if (rule.description.trim().length > 0) parts.push(`<p class="desc">${hostText(rule.description.trim(), true)}</p>`);
  parts.push(
    '<table class="findings"><colgroup><col class="c-n"><col class="c-target"><col class="c-evidence"><col class="c-reboot"></colgroup>' +
      '<thead><tr><th>#</th><th>Target</th><th>Evidence</th><th>Reboot clears</th></tr></thead><tbody>',
  );
  rule.findings.forEach((f, i) => {
    parts.push(
      `<tr><td class="n">${i + 1}</td><td class="target"><code>${hostText(f.target)}</code></td><td>${hostText(f.evidence)}</td><td>${html(rebootClearsShort(f.rebootClears))}</td></tr>`,
    );
  });
  parts.push('</tbody></table>');
  if (rule.reason) parts.push(`<p class="muted">Only partly checked: ${hostText(partialReason(rule))}</p>`);
  const commands = [...new Set(rule.findings.flatMap((f) => f.fix))];
  if (commands.length > 0 || rule.fixNote) {
    parts.push('<div class="fix"><h4>Fix (review before running; not run by kube-residue)</h4>');
    if (rule.fixNote) parts.push(`<p class="note">${hostText(rule.fixNote, true)}</p>`);
    if (commands.length > 0) parts.push(`<pre><code>${commands.map((c) => hostText(c, true)).join('\n')}</code></pre>`);
    parts.push('</div>');
  }
  if (rule.references.length > 0) {
    const links = rule.references.map((r) => {
      const href = safeHref(r);
      return href ? `<a href="${html(href)}" rel="noreferrer noopener">${html(href)}</a>` : `<span class="mono">${hostText(r)}</span>`;
    });
    parts.push(`<p class="refs">References: ${links.join(' · ')}</p>`);
  }
  parts.push('</article>');
  return parts.join('\n');
}

export function renderHtml(full: ScanResult): string {
  const result = openView(full);
  const waived = waivedRows(full);
  const s = result.summary;
  const host = result.host;
  const found = bySeverity(foundRules(result));
  const unchecked = uncheckedRules(result);
  const clean = result.results.filter((r) => r.status === 'clean');
  const partial = partlyCheckedRules(result);
  const duration = durationText(durationSeconds(result.startedAt, result.finishedAt));
  const verdict = verdictText(result);

  const out: string[] = [];
  out.push('<!DOCTYPE html>');
  out.push('<html lang="en">');
  out.push('<head>');
  out.push('<meta charset="utf-8">');
  out.push(
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`,
  );
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<meta name="generator" content="kube-residue ${html(oneLine(result.tool.version))}">`);
  out.push(`<title>kube-residue report: ${text(host.hostname)}, ${html(utcText(result.startedAt))}</title>`);
  out.push(`<style>${CSS}</style>`);
  out.push('</head>');
  out.push('<body>');
  out.push('<div class="page">');

  // Header: who, what, when.
  out.push('<header class="masthead">');
  out.push('<div class="brand">kube-residue · Kubernetes node residue audit</div>');
  out.push(`<h1>${hostText(host.hostname)}</h1>`);
  out.push(`<span class="verdict verdict-${result.verdict}" id="verdict">${html(verdict)}</span>`);
  const meta = [
    metaItem('Operating system', hostText(host.os)),
    metaItem('Kernel / architecture', `${hostText(host.kernel)} / ${hostText(host.arch)}`),
    metaItem('Scanned root', `<span class="mono">${hostText(host.root)}</span>`),
    ...(host.machineId ? [metaItem('Machine ID', `<span class="mono">${hostText(host.machineId)}</span>`)] : []),
    metaItem('Scan started', html(utcText(result.startedAt))),
    metaItem('Scan finished', `${html(utcText(result.finishedAt))} (${html(duration)})`),
    metaItem('Profile / fail on', `${text(result.selection.profile)} / ${text(result.selection.failOn)}`),
    metaItem('kube-residue', `${text(result.tool.version)}, rules ${text(result.tool.rulesVersion)}`),
    metaItem(
      'Rule files',
      result.ruleFiles.length > 0
        ? result.ruleFiles.map((f) => `<span class="mono">${hostText(f.file)}</span> (${plural(f.rules, 'rule')}${f.builtin ? '' : ', user'})`).join(', ')
        : 'none listed',
      true,
    ),
  ];
  if (result.selection.tags.length > 0) meta.push(metaItem('Tags selected', text(result.selection.tags.join(', '))));
  if (result.selection.rules.length > 0) meta.push(metaItem('Rules selected', text(result.selection.rules.join(', '))));
  if (result.selection.skip.length > 0) meta.push(metaItem('Rules skipped', text(result.selection.skip.join(', '))));
  out.push(`<dl class="meta">${meta.join('')}</dl>`);
  out.push('</header>');

  // Summary: numbers and charts.
  out.push('<section class="card" id="summary">');
  out.push('<h2>Summary</h2>');
  out.push('<div class="tiles">');
  const tile = (id: string, num: number, label: string, cls: string): string =>
    `<div class="tile ${cls}" id="${id}"><div class="num">${num}</div><div class="lbl">${html(label)}</div></div>`;
  out.push(tile('sum-findings', s.findings, s.findings === 1 ? 'finding' : 'findings', s.findings > 0 ? 'bad' : 'ok'));
  out.push(tile('sum-found', s.found, 'rules with residue', s.found > 0 ? 'bad' : 'ok'));
  out.push(tile('sum-clean', s.clean, 'rules clean', 'ok'));
  out.push(tile('sum-unchecked', s.unchecked, 'rules unchecked', s.unchecked > 0 ? 'warn' : ''));
  out.push(tile('sum-rules', s.rules, 'rules run', ''));
  out.push('</div>');
  out.push('<div class="charts">');
  const sevBars = severityCounts(result).map((c) => ({ label: c.severity, value: c.count, color: SEVERITY_COLORS[c.severity] }));
  const failing = severityCounts(result)
    .filter((c) => atOrAbove(c.severity, result.selection.failOn))
    .reduce((n, c) => n + c.count, 0);
  const sevNote = `<p class="chart-note">${plural(failing, 'finding')} at or above the fail-on severity (${html(result.selection.failOn)}).</p>`;
  out.push(`<figure><figcaption>Findings by severity</figcaption>${barChart('Findings by severity', sevBars, 70, 'No findings')}${sevNote}</figure>`);
  const kindBars = kindCounts(result).map((c) => ({ label: oneLine(c.kind), value: c.count, color: '#3b5b92' }));
  out.push(`<figure><figcaption>Findings by check kind</figcaption>${barChart('Findings by check kind', kindBars, 100, 'No findings')}</figure>`);
  out.push('</div>');
  if (found.length > 0) {
    out.push('<table class="overview"><thead><tr><th>Severity</th><th>Rule with residue</th><th>Pack</th><th>Check</th><th>Findings</th></tr></thead><tbody>');
    found.forEach((rule, i) => {
      out.push(
        `<tr><td>${severityBadge(rule.severity)}</td><td><a href="#${anchorId('rule', i)}">${text(rule.title)}</a> <code class="muted">${text(rule.ruleId)}</code></td>` +
          `<td>${text(rule.pack)}</td><td>${text(rule.kind)}</td><td class="num">${rule.findings.length}</td></tr>`,
      );
    });
    out.push('</tbody></table>');
  }
  out.push('</section>');

  // Findings grouped by rule.
  out.push('<section class="card" id="findings">');
  out.push(`<h2>Findings by rule <span class="count">(${plural(s.findings, 'finding')} from ${plural(found.length, 'rule')})</span></h2>`);
  if (found.length === 0) out.push('<p class="empty">No residue found by any checked rule.</p>');
  found.forEach((rule, i) => out.push(ruleArticle(rule, i)));
  out.push('</section>');

  const lapsed = [
    ...(full.waivers?.expired ?? []).map((e) => `expired waiver ${e.source}: ${e.rule} expired on ${e.expires} and no longer applies`),
    ...(full.waivers?.stale ?? []).map((e) => `stale waiver ${e.source}: ${e.rule}${e.target ? ` ${e.target}` : ''} matched nothing`),
  ];
  if (waived.length > 0 || lapsed.length > 0) {
    out.push('<section class="card" id="waived">');
    out.push(`<h2>Waived <span class="count">(${plural(waived.length, 'finding')})</span></h2>`);
    out.push('<p class="muted">Accepted by a waiver: reported, but they do not fail the run until the waiver expires.</p>');
    for (const l of lapsed) out.push(`<p class="muted">${hostText(l)}</p>`);
    out.push('<table><thead><tr><th></th><th>Rule</th><th>Severity</th><th>Target</th><th>Justification</th><th>Owner</th><th>Waiver</th></tr></thead><tbody>');
    for (const w of waived) {
      out.push(
        `<tr class="waived"><td><strong>WAIVED</strong></td><td><code>${text(w.rule)}</code></td><td>${severityBadge(w.severity)}</td><td><code>${hostText(w.target)}</code></td><td>${hostText(w.justification)}</td><td>${hostText(waiverOwnerText(w))}</td><td><code>${hostText(w.source)}</code></td></tr>`,
      );
    }
    out.push('</tbody></table>');
    out.push('</section>');
  }

  // What could not be checked.
  out.push('<section class="card" id="unchecked">');
  out.push(`<h2>Unchecked rules <span class="count">(${unchecked.length})</span></h2>`);
  if (unchecked.length === 0) {
    out.push('<p class="empty">Every selected rule was checked.</p>');
  } else {
    out.push('<p class="muted">These rules could not look at this host, so the absence of findings from them proves nothing.</p>');
    out.push('<table><thead><tr><th>Rule</th><th>Title</th><th>Severity</th><th>Reason</th></tr></thead><tbody>');
    for (const rule of unchecked) {
      out.push(
        `<tr><td><code>${text(rule.ruleId)}</code></td><td>${text(rule.title)}</td><td>${severityBadge(rule.severity)}</td><td>${hostText(rule.reason ?? 'no reason given')}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  if (partial.length > 0) {
    out.push('<h2 style="margin-top:18px">Partly checked rules</h2>');
    out.push('<table><thead><tr><th>Rule</th><th>Title</th><th>What was not checked</th></tr></thead><tbody>');
    for (const rule of partial) {
      out.push(`<tr><td><code>${text(rule.ruleId)}</code></td><td>${text(rule.title)}</td><td>${hostText(partialReason(rule))}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');

  const audit = auditPairs(result.audit);
  if (audit.length > 0) {
    out.push('<section class="card" id="audit">');
    out.push('<h2>Audit trail</h2>');
    out.push('<table><thead><tr><th>Field</th><th>Value</th></tr></thead><tbody>');
    for (const [name, value] of audit) out.push(`<tr><td><code>${text(name)}</code></td><td class="mono">${hostText(value)}</td></tr>`);
    out.push('</tbody></table>');
    out.push('</section>');
  }

  out.push('<section class="card" id="probes">');
  out.push(`<h2>Probes <span class="count">(${result.probes.length})</span></h2>`);
  if (result.probes.length === 0) {
    out.push('<p class="empty">No probe runs recorded.</p>');
  } else {
    out.push('<table><thead><tr><th>Probe</th><th>Status</th><th>Time</th><th>Note</th></tr></thead><tbody>');
    for (const p of result.probes) {
      out.push(
        `<tr><td><code>${hostText(p.probe)}</code></td><td>${p.ok ? '<span class="status-ok">ok</span>' : '<span class="status-failed">failed</span>'}</td><td>${p.durationMs} ms</td><td>${hostText(p.note ?? '')}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');

  out.push('<section class="card" id="clean">');
  out.push(`<h2>Clean rules <span class="count">(${clean.length})</span></h2>`);
  if (clean.length === 0) {
    out.push('<p class="empty">No rule came back clean.</p>');
  } else {
    out.push('<table><thead><tr><th>Rule</th><th>Title</th><th>Severity</th><th>Pack</th><th>Check</th></tr></thead><tbody>');
    for (const rule of clean) {
      out.push(
        `<tr><td><code>${text(rule.ruleId)}</code></td><td>${text(rule.title)}</td><td>${severityBadge(rule.severity)}</td><td>${text(rule.pack)}</td><td>${text(rule.kind)}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');

  out.push(
    `<footer>Generated by kube-residue ${text(result.tool.version)} (rules ${text(result.tool.rulesVersion)}) from the scan of ${hostText(host.hostname)} that started ${html(utcText(result.startedAt))}. ` +
      'kube-residue only reads the host; the fix commands above were not run.</footer>',
  );
  out.push('</div>');
  out.push('</body>');
  out.push('</html>');
  return `${out.join('\n')}\n`;
}

export const htmlReporter: Reporter = {
  name: 'html',
  description: 'a self-contained HTML audit report (inline CSS and SVG charts, printable)',
  render(result: ScanResult): string {
    return renderHtml(result);
  },
};
