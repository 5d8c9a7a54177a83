// `kube-residue merge`: node reports → one fleet report (verdicts, most common leftovers, totals by rule and
// severity, nodes not checked) in every fleet format; SARIF one run per node, at most 20 runs per file.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { fleetMarkdownReporter } from '../../src/fleet/markdown.js';
import { mergeReports } from '../../src/fleet/merge.js';
import type { FleetReport, NodeReport } from '../../src/fleet/model.js';
import { fleetSarifReporter } from '../../src/fleet/sarif.js';
import type { ScanResult } from '../../src/model/result.js';
import { runCli } from '../helpers/cli.js';
import { cloneResult, loadFixture } from '../report/fixtures.js';
import { sarifProblems } from '../report/sarif-checks.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kr-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function node(hostname: string, base: 'dirty-node' | 'clean-node' = 'dirty-node'): ScanResult {
  const r = cloneResult(loadFixture(base));
  r.host.hostname = hostname;
  return r;
}

/** A node whose ipvs probe failed: no residue at or above fail-on, some rules unchecked. */
function uncheckedNode(hostname: string): ScanResult {
  const r = node(hostname, 'clean-node');
  const rule = r.results[0]!;
  rule.status = 'unchecked';
  rule.reason = 'ipvs probe failed: ipvsadm: not found';
  r.verdict = 'unchecked';
  r.summary.clean -= 1;
  r.summary.unchecked += 1;
  return r;
}

function write(name: string, report: ScanResult): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(report));
  return file;
}

const inputs = (reports: Array<[string, ScanResult]>): NodeReport[] => reports.map(([file, report]) => ({ file, report }));

describe('mergeReports', () => {
  const fleet: FleetReport = mergeReports(
    inputs([
      ['w1.json', node('worker-1')],
      ['w2.json', node('worker-2')],
      ['cp.json', node('cp-1', 'clean-node')],
      ['w3.json', uncheckedNode('worker-3')],
    ]),
    { nameFrom: 'hostname', missing: ['worker-4'], toolVersion: '9.9.9' },
  );

  it('gives each node its own verdict and counts the fleet', () => {
    expect(fleet.nodes.map((n) => [n.name, n.verdict])).toEqual([
      ['cp-1', 'clean'],
      ['worker-1', 'residue'],
      ['worker-2', 'residue'],
      ['worker-3', 'unchecked'],
      ['worker-4', 'missing'],
    ]);
    expect(fleet.counts).toEqual({ nodes: 5, clean: 1, residue: 2, unchecked: 1, missing: 1 });
    expect(fleet.verdict).toBe('residue');
  });

  it('totals by rule (nodes and findings) and by severity', () => {
    const dirty = loadFixture('dirty-node');
    const pki = dirty.results.find((r) => r.ruleId === 'kubeadm.kubeconfigs')!;
    expect(fleet.rules.find((r) => r.ruleId === 'kubeadm.kubeconfigs')).toMatchObject({ nodes: ['worker-1', 'worker-2'], findings: 2 * pki.findings.length, severity: 'critical' });
    expect(fleet.bySeverity.critical).toEqual({ findings: 2 * dirty.summary.bySeverity.critical, nodes: 2 });
    // Most widespread first, then by severity.
    const sev = ['critical', 'high', 'medium', 'low', 'info'];
    for (let i = 1; i < fleet.rules.length; i++) {
      const [a, b] = [fleet.rules[i - 1]!, fleet.rules[i]!];
      expect(a.nodes.length > b.nodes.length || (a.nodes.length === b.nodes.length && sev.indexOf(a.severity) <= sev.indexOf(b.severity))).toBe(true);
    }
  });

  it('lists the nodes that could not be checked, with the reason', () => {
    expect(fleet.notChecked).toEqual([
      { node: 'worker-3', verdict: 'unchecked', reasons: ['ipvs probe failed: ipvsadm: not found'] },
      { node: 'worker-4', verdict: 'missing', reasons: ['no report from this node'] },
    ]);
  });

  it('is unchecked, not clean, when only a node is missing', () => {
    const f = mergeReports(inputs([['a.json', node('a', 'clean-node')]]), { nameFrom: 'hostname', missing: ['b'], toolVersion: '1' });
    expect(f.verdict).toBe('unchecked');
  });

  it('keeps two reports of the same hostname apart (file name added), or names nodes by file', () => {
    const same = inputs([
      ['reports/a.json', node('localhost')],
      ['reports/b.json', node('localhost', 'clean-node')],
    ]);
    expect(mergeReports(same, { nameFrom: 'hostname', missing: [], toolVersion: '1' }).nodes.map((n) => n.name)).toEqual(['localhost (a)', 'localhost (b)']);
    expect(mergeReports(same, { nameFrom: 'file', missing: [], toolVersion: '1' }).nodes.map((n) => n.name)).toEqual(['a', 'b']);
  });

  it('does not depend on the order of its inputs', () => {
    const a: Array<[string, ScanResult]> = [
      ['1.json', node('n1')],
      ['2.json', node('n2', 'clean-node')],
    ];
    const opts = { nameFrom: 'hostname' as const, missing: [], toolVersion: '1' };
    expect(mergeReports(inputs([...a].reverse()), opts)).toEqual(mergeReports(inputs(a), opts));
  });
});

describe('fleet reporters', () => {
  it('Markdown escapes a hostile node name', () => {
    const fleet = mergeReports(inputs([['x.json', node('evil|`name`\n# h1<script>')]]), { nameFrom: 'hostname', missing: [], toolVersion: '1' });
    const md = fleetMarkdownReporter.render({ fleet, reports: new Map() })[0]!;
    // A code span: `<script>` is shown as text there, the newline as \n, the pipe cannot split the cell.
    expect(md).not.toMatch(/^# h1/m);
    expect(md).toContain('| ``evil\\|`name`\\n# h1<script>`` | residue |');
  });

  it('SARIF: one run per node with its own category, split into files of at most 20 runs', () => {
    const reports = new Map<string, ScanResult>();
    const list: Array<[string, ScanResult]> = [];
    for (let i = 1; i <= 45; i++) {
      const r = node(`node-${String(i).padStart(2, '0')}`, i % 2 ? 'dirty-node' : 'clean-node');
      list.push([`${i}.json`, r]);
      reports.set(r.host.hostname, r);
    }
    const fleet = mergeReports(inputs(list), { nameFrom: 'hostname', missing: ['gone'], toolVersion: '1' });
    const texts = fleetSarifReporter.render({ fleet, reports });
    // Each file passes the SARIF 2.1.0 schema and GitHub's ingestion rules (at most 20 runs, distinct categories).
    for (const text of texts) expect(sarifProblems(text)).toEqual([]);
    const docs = texts.map((d) => JSON.parse(d) as Log);
    expect(docs.map((d) => d.runs.length)).toEqual([20, 20, 5]);
    const ids = docs.flatMap((d) => d.runs.map((r) => r.automationDetails?.id));
    expect(new Set(ids).size).toBe(45);
    expect(docs[0]!.version).toBe('2.1.0');
  });
});

describe('kube-residue merge (CLI)', () => {
  const files = [write('w1.json', node('worker-1')), write('cp.json', node('cp-1', 'clean-node')), write('w3.json', uncheckedNode('worker-3'))];

  it('prints the fleet table and exits 1 when a node has residue', () => {
    const r = runCli(['merge', ...files]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('3 nodes: 1 with residue, 1 clean, 1 not fully checked, 0 without a report');
    expect(r.stdout).toMatch(/worker-3 \(not fully checked\): ipvs probe failed/);
  });

  it('exits 3 when nothing is found but a node is missing or unchecked, 0 when all are clean', () => {
    expect(runCli(['merge', files[1]!, '--missing', 'worker-9', '--format', 'json']).status).toBe(3);
    expect(runCli(['merge', files[1]!, '--format', 'json']).status).toBe(0);
  });

  it('writes JSON with --name-from file', () => {
    const out = path.join(dir, 'fleet.json');
    const r = runCli(['merge', ...files, '--format', 'json', '--name-from', 'file', '-o', out]);
    expect(r.stdout).toBe('');
    const fleet = JSON.parse(readFileSync(out, 'utf8')) as FleetReport;
    expect(fleet.schemaVersion).toBe('fleet-1.0');
    expect(fleet.nodes.map((n) => n.name)).toEqual(['cp', 'w1', 'w3']);
  });

  it('writes SARIF for more than 20 nodes as numbered files, and refuses to split onto standard output', () => {
    const many = Array.from({ length: 21 }, (_, i) => write(`n${i}.json`, node(`n${i}`)));
    expect(runCli(['merge', ...many, '--format', 'sarif']).status).toBe(2);
    const sub = mkdtempSync(path.join(dir, 'sarif-'));
    const r = runCli(['merge', ...many, '--format', 'sarif', '-o', path.join(sub, 'fleet.sarif')]);
    expect(r.status).toBe(1);
    expect(readdirSync(sub).sort()).toEqual(['fleet-2.sarif', 'fleet.sarif']);
    expect((JSON.parse(readFileSync(path.join(sub, 'fleet-2.sarif'), 'utf8')) as Log).runs).toHaveLength(1);
  }, 60_000);

  it('rejects a file that is not a kube-residue report (exit 2, names the file)', () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    const r = runCli(['merge', files[0]!, bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad.json is not a kube-residue JSON report');
    const cut = path.join(dir, 'cut.json');
    writeFileSync(cut, readFileSync(files[0]!, 'utf8').slice(0, 100));
    expect(runCli(['merge', cut]).stderr).toContain('cut.json is not JSON');
  });
});
