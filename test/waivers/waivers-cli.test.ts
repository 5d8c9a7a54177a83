// Waivers through the real CLI against the fixture host root: a waived finding is still reported, marked, in every
// format and never fails the run; an expired waiver stops applying and the run says so; a stale one is reported
// (and fails with --strict-waivers); a malformed file stops the run with file:line for each problem.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { fixture, runCli } from '../helpers/cli.js';
import { sarifProblems } from '../report/sarif-checks.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-waivers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hostroot = ['--no-builtin', '--rules', fixture('rules', 'hostroot-rules.yaml'), '--root', fixture('hostroot')];
const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function waiverFile(name: string, yaml: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

function scan(args: string[]): { status: number; report: ScanResult; stderr: string } {
  const run = runCli(['scan', ...hostroot, '--format', 'json', ...args]);
  return { status: run.status, report: JSON.parse(run.stdout || 'null') as ScanResult, stderr: run.stderr };
}

const rule = (r: ScanResult, id: string) => r.results.find((x) => x.ruleId === id);

const nginxOnly = waiverFile(
  'nginx-only.yaml',
  `waivers:
  - rule: t-static-manifests
    target: /etc/kubernetes/manifests/nginx-*
    justification: kubespray re-creates nginx-proxy on scale.yml; removed with the node in CHG-1234
    expires: ${day(30)}
    approver: jane@example.com
    ticket: CHG-1234
`,
);

describe('scan --waivers', () => {
  it('waives the one of two targets its selector matches, and records who accepted it until when', () => {
    const { report } = scan(['--waivers', nginxOnly]);
    const r = rule(report, 't-static-manifests');
    expect(r?.status).toBe('found');
    expect(r?.findings.map((f) => [f.target, f.waiver?.ticket])).toEqual([
      ['/etc/kubernetes/manifests/kube-apiserver.yaml', undefined],
      ['/etc/kubernetes/manifests/nginx-proxy.yml', 'CHG-1234'],
    ]);
    expect(r?.findings[1]?.waiver).toEqual({
      justification: 'kubespray re-creates nginx-proxy on scale.yml; removed with the node in CHG-1234',
      expires: day(30),
      approver: 'jane@example.com',
      ticket: 'CHG-1234',
      source: `${nginxOnly}:2`,
    });
    expect(report.waivers?.applied).toEqual([expect.objectContaining({ rule: 't-static-manifests', matched: 1, approver: 'jane@example.com' })]);
    expect(report.summary.waived).toBe(1);
    expect(report.audit?.waivers).toEqual([{ rule: 't-static-manifests', target: '/etc/kubernetes/manifests/nginx-*', approver: 'jane@example.com', ticket: 'CHG-1234', expires: day(30), matched: 1 }]);
  });

  it('gives a rule whose findings are all waived the status waived, and it does not fail the run', () => {
    const all = waiverFile('all.yaml', `waivers:\n  - rule: t-static-manifests\n    justification: accepted until the node is re-imaged\n    expires: ${day(10)}\n`);
    const { status, report } = scan(['--waivers', all, '--rule', 't-static-manifests']);
    expect(rule(report, 't-static-manifests')?.status).toBe('waived');
    expect(rule(report, 't-static-manifests')?.findings).toHaveLength(2);
    expect(report.verdict).toBe('clean');
    expect(status).toBe(0);
  });

  it('selects targets by /regex/', () => {
    const re = waiverFile('re.yaml', `waivers:\n  - rule: t-ports\n    target: /^tcp\\/(6443|10250)$/\n    justification: the old control plane is drained tonight\n    expires: ${day(1)}\n`);
    const { report } = scan(['--waivers', re]);
    expect(rule(report, 't-ports')?.findings.map((f) => [f.target, f.waiver !== undefined])).toEqual([
      ['tcp/10250', true],
      ['tcp/6443', true],
      ['udp/8472', false],
    ]);
  });

  it('stops applying an expired waiver and says so', () => {
    const expired = waiverFile('expired.yaml', `waivers:\n  - rule: t-static-manifests\n    justification: accepted for the migration window\n    expires: ${day(-1)}\n`);
    const { status, report, stderr } = scan(['--waivers', expired, '--rule', 't-static-manifests']);
    expect(stderr).toContain(`${expired}:4: waivers[0].expires: expired on ${day(-1)}: no longer applied, its findings count again`);
    expect(rule(report, 't-static-manifests')?.findings.every((f) => f.waiver === undefined)).toBe(true);
    expect(report.waivers?.expired).toEqual([expect.objectContaining({ rule: 't-static-manifests', expires: day(-1) })]);
    expect(status).toBe(1);
  });

  it('reports a waiver that matched nothing as stale, and fails the run on it with --strict-waivers', () => {
    const stale = waiverFile('stale.yaml', `waivers:\n  - rule: t-user-file\n    justification: this file used to be left by the installer\n    expires: ${day(5)}\n`);
    const plain = scan(['--waivers', stale, '--rule', 't-user-file']);
    expect(plain.status).toBe(0);
    expect(plain.stderr).toContain(`stale waiver ${stale}:2: rule t-user-file matched nothing; remove it`);
    expect(plain.report.waivers?.stale).toEqual([expect.objectContaining({ rule: 't-user-file', matched: 0 })]);
    expect(scan(['--waivers', stale, '--rule', 't-user-file', '--strict-waivers']).status).toBe(1);
  });

  it('refuses an expiry beyond the horizon (90 days unless --waiver-max-days says otherwise)', () => {
    const far = waiverFile('far.yaml', `waivers:\n  - rule: t-static-manifests\n    justification: nobody will look at this again\n    expires: ${day(120)}\n`);
    const run = runCli(['scan', ...hostroot, '--format', 'json', '--waivers', far]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${far}:4: waivers[0].expires: ${day(120)} is 120 days ahead, beyond the 90-day horizon (--waiver-max-days)`);
    expect(scan(['--waivers', far, '--waiver-max-days', '180']).report.waivers?.applied).toHaveLength(1);
  });

  it('refuses a malformed file with a precise file:line for each problem', () => {
    const bad = waiverFile(
      'bad.yaml',
      `waivers:
  - rule: t-static-manifests
    expires: ${day(3)}
  - rule: t-ports
    justification: fine for now, says ops
    expires: 2026-02-30
  - rule: t-ports
    justification: fine for now, says ops
    expires: next week
  - rule: no-such-rule
    justification: fine for now, says ops
    expires: ${day(3)}
  - rule: t-links
    target: /cali[/
    justification: fine for now, says ops
    expires: ${day(3)}
    owner: bob
`,
    );
    const run = runCli(['scan', ...hostroot, '--waivers', bad]);
    expect(run.status).toBe(2);
    const lines = run.stderr.split('\n');
    expect(lines).toContain(`  ${bad}:2: waivers[0].justification: missing required field "justification"`);
    expect(lines).toContain(`  ${bad}:9: waivers[2].expires: must be a date written YYYY-MM-DD`);
    expect(lines).toContain(`  ${bad}:17: waivers[4].owner: unknown field "owner"`);
    // Schema errors come first; the rest is checked once the file has the right shape.
    const semantic = waiverFile('semantic.yaml', readFileSync(bad, 'utf8').replace('expires: next week', `expires: ${day(3)}`).replace('    owner: bob\n', '').replace(`  - rule: t-static-manifests\n    expires: ${day(3)}\n`, ''));
    const run2 = runCli(['scan', ...hostroot, '--waivers', semantic]);
    expect(run2.status).toBe(2);
    const lines2 = run2.stderr.split('\n');
    expect(lines2).toContain(`  ${semantic}:4: waivers[0].expires: "2026-02-30" is not a calendar date`);
    expect(lines2).toContain(`  ${semantic}:8: waivers[2].rule: unknown rule id "no-such-rule"`);
    expect(lines2.find((l) => l.startsWith(`  ${semantic}:12: waivers[3].target: invalid regular expression`))).toBeDefined();
    const yamlError = runCli(['scan', ...hostroot, '--waivers', waiverFile('yaml.yaml', 'waivers:\n  - rule: [t-ports\n')]);
    expect(yamlError.status).toBe(2);
    expect(yamlError.stderr).toMatch(/yaml\.yaml:\d+: YAML: /);
  });
});

describe('fix --from a report with waivers', () => {
  it('plans nothing for a waived finding', () => {
    const report = path.join(dir, 'for-fix.json');
    runCli(['scan', ...hostroot, '--waivers', nginxOnly, '--format', 'json', '--output', report]);
    // fix --from derives the commands again from the rules the report was made with.
    const fix = runCli(['fix', '--from', report, '--no-builtin', '--rules', fixture('rules', 'hostroot-rules.yaml')]);
    expect(fix.status, fix.stderr).toBe(0);
    expect(fix.stdout).toContain('/etc/kubernetes/manifests/kube-apiserver.yaml');
    expect(fix.stdout).not.toContain('/etc/kubernetes/manifests/nginx-proxy.yml');
  });
});

describe('waived findings in every format', () => {
  const formats = ['table', 'markdown', 'html', 'junit', 'sarif'] as const;
  const files = Object.fromEntries(formats.map((f) => [f, path.join(dir, `report.${f}`)]));
  const suppressed = path.join(dir, 'suppressed.sarif');
  const jsonRun = runCli(['scan', ...hostroot, '--waivers', nginxOnly, '--format', 'json', ...formats.flatMap((f) => ['--report', `${f}=${files[f]}`])]);
  runCli(['scan', ...hostroot, '--waivers', nginxOnly, '--quiet', '--report', `sarif=${suppressed}`, '--sarif-waived', 'suppress']);
  const read = (f: string): string => readFileSync(f, 'utf8');

  it('marks the waived row in the table, Markdown, HTML and JUnit, with its justification and owner', () => {
    expect(jsonRun.status).toBe(1);
    expect(read(files.table as string)).toMatch(/WAIVED critical t-static-manifests \/etc\/kubernetes\/manifests\/nginx-proxy\.yml — kubespray re-creates.*approved by jane@example\.com, ticket CHG-1234/);
    expect(read(files.markdown as string)).toMatch(/\| WAIVED \| critical \| `t-static-manifests` \| `\/etc\/kubernetes\/manifests\/nginx-proxy\.yml` \| kubespray re-creates/);
    expect(read(files.html as string)).toMatch(/<tr class="waived"><td><strong>WAIVED<\/strong><\/td><td><code>t-static-manifests<\/code>.*nginx-proxy\.yml.*approved by jane@example\.com/);
    expect(read(files.junit as string)).toMatch(/<testcase classname="[^"]+" name="t-static-manifests \(waived\): [^"]*"[^>]*>\s*<skipped message="waived: 1 finding accepted — \/etc\/kubernetes\/manifests\/nginx-proxy\.yml: kubespray re-creates/);
  });

  it('leaves the waived finding out of SARIF by default, saying so; with --sarif-waived suppress it is there with a suppression', () => {
    const omitted = JSON.parse(read(files.sarif as string)) as { runs: Array<{ results: Array<{ properties: { target: string } }>; invocations: Array<{ toolExecutionNotifications: Array<{ message: { text: string } }> }> }> };
    const run = omitted.runs[0];
    expect(run?.results.map((r) => r.properties.target)).not.toContain('/etc/kubernetes/manifests/nginx-proxy.yml');
    expect(run?.invocations[0]?.toolExecutionNotifications.map((n) => n.message.text)).toContain('1 waived finding left out of this SARIF log (--sarif-waived omit); the JSON, HTML and Markdown reports list them with their waivers.');
    const sup = JSON.parse(read(suppressed)) as { runs: Array<{ results: Array<{ properties: { target: string }; suppressions?: unknown[] }> }> };
    const waived = sup.runs[0]?.results.find((r) => r.properties.target === '/etc/kubernetes/manifests/nginx-proxy.yml');
    expect(waived?.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'kubespray re-creates nginx-proxy on scale.yml; removed with the node in CHG-1234' }]);
    const open = sup.runs[0]?.results.find((r) => r.properties.target === '/etc/kubernetes/manifests/kube-apiserver.yaml');
    expect(open?.suppressions).toBeUndefined();
    // Both stay valid SARIF 2.1.0 that GitHub ingests.
    expect(sarifProblems(read(suppressed))).toEqual([]);
    expect(sarifProblems(read(files.sarif as string))).toEqual([]);
  });

  it('keeps the JUnit counts true: the waived test case is counted and skipped', () => {
    const xml = read(files.junit as string);
    const cases = (xml.match(/<testcase /g) ?? []).length;
    const skippedCases = (xml.match(/<skipped /g) ?? []).length;
    expect(xml).toContain(`<testsuites name="kube-residue all scan of node1" tests="${cases}" failures=`);
    expect(xml).toMatch(new RegExp(`<testsuites [^>]* skipped="${skippedCases}"`));
  });
});

describe('kube-residue waivers lint', () => {
  it('finds expired, beyond-horizon, unknown and duplicate entries, each with its line', () => {
    const file = waiverFile(
      'lint.yaml',
      `waivers:
  - rule: kubernetes-cni-net-d
    justification: podman's own network config
    expires: ${day(-3)}
  - rule: kubernetes-cni-net-d
    target: /etc/cni/net.d/87-podman*
    justification: podman's own network config
    expires: ${day(400)}
  - rule: kubernetes-no-such-rule
    justification: left over from an old pack
    expires: ${day(3)}
  - rule: kubernetes-pki
    justification: CA kept for the restore drill
    expires: ${day(3)}
  - rule: kubernetes-pki
    justification: CA kept for the restore drill, again
    expires: ${day(4)}
`,
    );
    const run = runCli(['waivers', 'lint', file]);
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      `${file}:4: waivers[0].expires: expired on ${day(-3)}: no longer applied, its findings count again`,
      `${file}:8: waivers[1].expires: ${day(400)} is 400 days ahead, beyond the 90-day horizon (--waiver-max-days)`,
      `${file}:9: waivers[2].rule: unknown rule id "kubernetes-no-such-rule"`,
      `${file}:15: waivers[4].rule: duplicates the waiver at ${file}:12 (same rule and target)`,
      `${file}: 4 problems`,
      '',
    ]);
  });

  it('passes a clean file', () => {
    const run = runCli(['waivers', 'lint', nginxOnly, '--no-builtin', '--rules', fixture('rules', 'hostroot-rules.yaml')]);
    expect(run.stdout).toBe(`${nginxOnly}: 1 waiver, no problems\n`);
    expect(run.status).toBe(0);
  });
});
