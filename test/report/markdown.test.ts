import { describe, expect, it } from 'vitest';
import type { Finding, RuleResult, ScanResult } from '../../src/model/result.js';
import { longestRun, mdCode, mdFence, mdParagraph, mdText } from '../../src/report/escape.js';
import { MARKDOWN_MAX_TABLE_ROWS, markdownReporter } from '../../src/report/markdown.js';
import { cloneResult, FIXTURE_NAMES, loadFixture } from './fixtures.js';

function render(result: ScanResult): string {
  return markdownReporter.render(result, { color: false });
}

/** GFM splits a table row on pipes not preceded by a backslash. */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1);
}

function tableRows(md: string, header: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) return [];
  const rows: string[] = [];
  for (let i = start + 2; i < lines.length && (lines[i] ?? '').startsWith('|'); i++) rows.push(lines[i] ?? '');
  return rows;
}

const FINDINGS_HEADER = '| Severity | Rule | Kind | Target | Evidence | Reboot clears |';

/** Every fenced block: its opening fence is longer than any backtick run inside, and it is closed by the same fence. */
function fences(md: string): Array<{ fence: string; body: string }> {
  const out: Array<{ fence: string; body: string }> = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})([^`]*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[1] ?? '';
    const end = lines.findIndex((l, j) => j > i && l === fence);
    expect(end, `fence at line ${i + 1} is closed`).toBeGreaterThan(i);
    out.push({ fence, body: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return out;
}

describe('markdown reporter', () => {
  it.each(FIXTURE_NAMES)('%s starts with a verdict line and keeps every table row intact', (name) => {
    const scan = loadFixture(name);
    const md = render(scan);
    expect(md.split('\n')[0]).toMatch(/^## (✅|❌|⚠️) kube-residue: /);
    expect(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(md)).toBe(false);
    for (const row of tableRows(md, FINDINGS_HEADER)) expect(cells(row)).toHaveLength(6);
    expect(tableRows(md, FINDINGS_HEADER)).toHaveLength(Math.min(scan.summary.findings, MARKDOWN_MAX_TABLE_ROWS));
    for (const { fence, body } of fences(md)) expect(fence.length).toBeGreaterThan(longestRun(body, '`'));
  });

  it('shows the summary counts and the unchecked rules with their reasons', () => {
    const md = render(loadFixture('unchecked-node'));
    expect(md).toContain('| 8 | 0 | 2 | 6 | 0 | 0 | 0 | 0 | 0 | 0 |');
    expect(md).toContain('- `calico.iptables` Calico iptables chains: iptables-save needs CAP\\_NET\\_ADMIN: run as root');
  });

  it('renders nasty targets literally inside code spans and fences', () => {
    const md = render(loadFixture('dirty-node'));
    expect(md).toContain('| `````/var/log/pods/default_evil-`\\|`pod``_1b2c4d6e/```` \\| x````` |');
    expect(md).toContain('`kubelet\\u202egpj.[4242]`');
    expect(md).toContain('pvc-<&"\'>]]>\\nx\\u0001y/mount` |');
    expect(md).toContain("`````sh\nrm -rf '/var/log/pods/default_evil-`|`pod``_1b2c4d6e/```` | x'\n`````");
    expect(md).toMatch(/### Fix commands[\s\S]*```sh\nrm -rf \/etc\/kubernetes\/pki\n```/);
  });

  it('does not call a node clean when findings sit below the fail-on severity', () => {
    const scan = cloneResult(loadFixture('dirty-node'));
    scan.results = scan.results.filter((r) => r.severity === 'low' || r.severity === 'info');
    const findings = scan.results.reduce((n, r) => n + r.findings.length, 0);
    scan.summary = { rules: scan.results.length, found: scan.results.length, clean: 0, unchecked: 0, findings, bySeverity: { critical: 0, high: 0, medium: 0, low: findings - 1, info: 1 } };
    scan.verdict = 'clean';
    const md = render(scan);
    expect(md.split('\n')[0]).toBe('## ✅ kube-residue: Passed: only residue below the fail-on severity (high)');
    expect(md).toContain(`**${findings} leftovers** from ${scan.results.length} rules on \`worker-03.prod.example.internal\`, all below the fail-on severity`);
    expect(md).not.toContain('No residue');
  });

  it('lists the most severe findings first', () => {
    const md = render(loadFixture('dirty-node'));
    const severities = tableRows(md, FINDINGS_HEADER).map((r) => (cells(r)[0] ?? '').trim());
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = severities.map((s) => rank.indexOf(s));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });

  it('stays under the size of a GitHub comment on a very dirty node and says what it left out', () => {
    const scan = cloneResult(loadFixture('dirty-node'));
    const rule = scan.results[0] as RuleResult;
    const findings: Finding[] = [];
    for (let i = 0; i < 5000; i++) {
      findings.push({ kind: 'path', target: `/var/lib/kubelet/pods/${i}`, evidence: 'directory', rebootClears: false, fix: [`rm -rf /var/lib/kubelet/pods/${i}`], vars: {} });
    }
    rule.findings = findings;
    const md = render(scan);
    expect(md.length).toBeLessThan(65_536);
    expect(tableRows(md, FINDINGS_HEADER)).toHaveLength(MARKDOWN_MAX_TABLE_ROWS);
    expect(md).toContain('more findings are not shown here');
    expect(md).toContain('more commands for this rule are not shown');
  });
});

describe('markdown escaping', () => {
  it('builds code spans that survive any backtick run and pipes in tables', () => {
    expect(mdCode('a')).toBe('`a`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdCode('a|b', true)).toBe('`a\\|b`');
    expect(mdCode('')).toBe('` `');
  });

  it('escapes text that Markdown, GitHub math or HTML would interpret', () => {
    expect(mdText('a|b*c_d[e](f)<g>&h`i$j~k\\l')).toBe('a\\|b\\*c\\_d\\[e\\](f)&lt;g&gt;&amp;h\\`i\\$j\\~k\\\\l');
    expect(mdParagraph('# not a heading\n- not a list\n1. not a list')).toBe('\\# not a heading\n\\- not a list\n1\\. not a list');
  });

  it('chooses a fence longer than any backtick run', () => {
    expect(mdFence('echo ok')).toBe('```\necho ok\n```');
    expect(mdFence('a ````` b', 'sh')).toBe('``````sh\na ````` b\n``````');
  });
});
