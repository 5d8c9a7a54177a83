import { describe, expect, it } from 'vitest';
import type { Log, Result } from 'sarif';
import type { Finding, RuleResult, ScanResult } from '../../src/model/result.js';
import {
  automationId,
  buildSarif,
  FINGERPRINT_KEY,
  findingFingerprint,
  GITHUB_SARIF_LIMITS,
  PACKAGE_BASE_ID,
  ruleFileLocation,
  sarifReporter,
  SRCROOT_BASE_ID,
} from '../../src/report/sarif.js';
import { oneLine } from '../../src/report/escape.js';
import { cloneResult, FIXTURE_NAMES, loadFixture } from './fixtures.js';
import { fingerprintProblems, githubIngestionProblems, sarifProblems, sarifSchemaErrors } from './sarif-checks.js';

function render(result: ScanResult): string {
  return sarifReporter.render(result, { color: false });
}

function parse(text: string): Log {
  return JSON.parse(text) as Log;
}

function results(log: Log): Result[] {
  return log.runs[0]?.results ?? [];
}

/** A scan with `count` findings spread over rules of every severity (for the GitHub limits). */
function bigScan(count: number): ScanResult {
  const base = cloneResult(loadFixture('dirty-node'));
  const template = base.results[0] as RuleResult;
  const severities = ['info', 'low', 'medium', 'high', 'critical'] as const;
  base.results = severities.map((severity, s) => {
    const findings: Finding[] = [];
    for (let i = s; i < count; i += severities.length) {
      findings.push({ kind: 'path', target: `/var/lib/leftover/${i}`, evidence: 'file, 1 byte', rebootClears: false, fix: [`rm -f /var/lib/leftover/${i}`], vars: { target: `/var/lib/leftover/${i}` } });
    }
    return { ...template, ruleId: `big.${severity}`, title: `Big ${severity}`, severity, status: findings.length > 0 ? 'found' : 'clean', findings };
  });
  return base;
}

describe('sarif reporter', () => {
  it.each(FIXTURE_NAMES)('%s validates against the official schema and GitHub ingestion rules', (name) => {
    const text = render(loadFixture(name));
    expect(sarifProblems(text)).toEqual([]);
    expect(fingerprintProblems(text, render(loadFixture(name)))).toEqual([]);
  });

  it('the schema check does catch broken logs (it is not vacuous)', () => {
    const log = parse(render(loadFixture('dirty-node'))) as unknown as Record<string, unknown>;
    expect(sarifSchemaErrors({ ...log, version: '2.0.0' })).not.toEqual([]);
    const run = (log['runs'] as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    const broken = { ...log, runs: [{ ...run, results: [{ ruleId: 'x' }] }] };
    expect(sarifSchemaErrors(broken).join('\n')).toContain('message');
    const problems = githubIngestionProblems(broken).join('\n');
    expect(problems).toContain('physical location');
    expect(problems).toContain('ruleIndex');
  });

  it('points every result at the rule definition and carries the host object as a logical location', () => {
    const scan = loadFixture('dirty-node');
    const log = parse(render(scan));
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    const found = scan.results.filter((r) => r.status === 'found');
    expect(results(log)).toHaveLength(scan.summary.findings);
    let i = 0;
    for (const rule of found) {
      for (const finding of rule.findings) {
        const r = results(log)[i++] as Result;
        expect(r.ruleId).toBe(rule.ruleId);
        expect(rules[r.ruleIndex ?? -1]?.id).toBe(rule.ruleId);
        const loc = r.locations?.[0];
        expect(loc?.physicalLocation?.artifactLocation?.uri).toBe(rule.source.file.replace(/^\.\//, ''));
        expect(loc?.physicalLocation?.region?.startLine).toBe(rule.source.line);
        expect(loc?.logicalLocations?.[0]).toEqual({ name: finding.target, fullyQualifiedName: `${scan.host.hostname}:${finding.target}`, kind: 'resource' });
        expect(r.message.text).toContain(oneLine(finding.target));
        expect(r.properties?.['fix']).toEqual(finding.fix);
        expect(r.partialFingerprints?.[FINGERPRINT_KEY]).toBe(findingFingerprint(rule.ruleId, finding.target, scan.host.hostname));
      }
    }
  });

  it('maps severity to level and security-severity, and describes every rule', () => {
    const log = parse(render(loadFixture('dirty-node')));
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    const levels = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;
    for (const rule of rules) {
      const severity = rule.properties?.['severity'] as keyof typeof levels;
      expect(rule.defaultConfiguration?.level).toBe(levels[severity]);
      const score = Number(rule.properties?.['security-severity']);
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThanOrEqual(10);
      expect(rule.name).toMatch(/^[A-Za-z0-9]+$/);
      expect(rule.shortDescription?.text).toBeTruthy();
      expect(rule.fullDescription?.text).toBeTruthy();
      expect(rule.help?.text).toBeTruthy();
      expect(rule.help?.markdown).toBeTruthy();
      expect(rule.properties?.['tags']).toContain('security');
      expect(['very-high', 'high', 'medium', 'low']).toContain(rule.properties?.['precision']);
    }
    const mounts = rules.find((r) => r.id === 'kubeadm.kubelet-mounts');
    expect(mounts?.help?.markdown).toContain('umount /var/lib/kubelet/pods/5f0c2d1e');
    expect(mounts?.helpUri).toBe('https://kubernetes.io/docs/reference/setup-tools/kubeadm/kubeadm-reset/');
    const pki = rules.find((r) => r.id === 'kubeadm.pki');
    expect(pki?.help?.text).toContain('Back up the directory first');
    for (const r of results(log)) expect(r.level).toBe(levels[r.properties?.['severity'] as keyof typeof levels]);
  });

  it('reports unchecked rules, partial checks and probe problems as notifications', () => {
    const log = parse(render(loadFixture('unchecked-node')));
    const invocation = log.runs[0]?.invocations?.[0];
    expect(invocation?.executionSuccessful).toBe(true);
    expect(invocation?.machine).toBe('edge-node-7');
    expect(invocation?.startTimeUtc).toBe('2026-03-15T06:40:00.000Z');
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    const unchecked = loadFixture('unchecked-node').results.filter((r) => r.status === 'unchecked');
    const notes = invocation?.toolExecutionNotifications ?? [];
    for (const rule of unchecked) {
      const note = notes.find((n) => n.associatedRule?.id === rule.ruleId);
      expect(note, rule.ruleId).toBeDefined();
      expect(note?.message.text).toContain(rule.reason ?? '');
      expect(rules[note?.associatedRule?.index ?? -1]?.id).toBe(rule.ruleId);
    }
    expect(notes.some((n) => n.descriptor?.id === 'probe-problem' && n.message.text?.includes('nft: command not found'))).toBe(true);
    // A rule file with a problem stops the scan (exit 2) before any report: there is nothing to configure-notify.
    expect(invocation?.toolConfigurationNotifications).toEqual([]);

    const dirty = parse(render(loadFixture('dirty-node')));
    const dirtyNotes = dirty.runs[0]?.invocations?.[0]?.toolExecutionNotifications ?? [];
    expect(dirtyNotes.find((n) => n.associatedRule?.id === 'containerd.pod-logs')?.descriptor?.id).toBe('partial-check');
    expect(dirty.runs[0]?.invocations?.[0]?.executionSuccessful).toBe(true);
  });

  it('names one category per node and profile', () => {
    expect(automationId(loadFixture('dirty-node'))).toBe('kube-residue/post-reset/worker-03.prod.example.internal/');
    expect(automationId(loadFixture('unchecked-node'))).toBe('kube-residue/pre-join/edge-node-7/');
    const odd = cloneResult(loadFixture('clean-node'));
    odd.host.hostname = 'a/b c\u0001';
    expect(automationId(odd)).toBe('kube-residue/post-reset/a-b-c/');
  });

  it('locates built-in, relative and absolute rule files', () => {
    expect(ruleFileLocation('rules/kubeadm.yaml', true, 'kubeadm')).toEqual({ uri: 'rules/kubeadm.yaml', uriBaseId: PACKAGE_BASE_ID });
    expect(ruleFileLocation('./site-rules/acme.yaml', false, 'acme')).toEqual({ uri: 'site-rules/acme.yaml', uriBaseId: SRCROOT_BASE_ID });
    expect(ruleFileLocation('/etc/kube-residue/my rules#1.yaml', false, 'x')).toEqual({ uri: 'file:///etc/kube-residue/my%20rules%231.yaml' });
    expect(ruleFileLocation('', true, 'calico')).toEqual({ uri: 'rules/calico.yaml', uriBaseId: PACKAGE_BASE_ID });
  });

  it('keeps fingerprints stable across runs and different per target and per host', () => {
    const a = loadFixture('dirty-node');
    const b = cloneResult(a);
    b.startedAt = '2027-01-01T00:00:00Z';
    b.finishedAt = '2027-01-01T00:00:09Z';
    b.tool.version = '9.9.9';
    (b.results[0] as RuleResult).source.line = 400;
    expect(fingerprintProblems(render(a), render(b))).toEqual([]);
    const fps = results(parse(render(a))).map((r) => r.partialFingerprints?.[FINGERPRINT_KEY]);
    expect(new Set(fps).size).toBe(fps.length);
    const c = cloneResult(a);
    c.host.hostname = 'worker-04.prod.example.internal';
    const other = results(parse(render(c))).map((r) => r.partialFingerprints?.[FINGERPRINT_KEY]);
    expect(other.filter((f) => fps.includes(f))).toEqual([]);
  });

  it('cuts results to the limit, keeping the most severe, and says so', () => {
    const scan = bigScan(40);
    const log = buildSarif(scan, { ...GITHUB_SARIF_LIMITS, resultsPerRun: 10 });
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(githubIngestionProblems(log)).toEqual([]);
    const kept = results(log);
    expect(kept).toHaveLength(10);
    expect(new Set(kept.map((r) => r.ruleId))).toEqual(new Set(['big.critical', 'big.high']));
    const notes = log.runs[0]?.invocations?.[0]?.toolExecutionNotifications ?? [];
    expect(notes.find((n) => n.descriptor?.id === 'results-truncated')?.message.text).toContain('Only 10 of 40 findings');
    expect(log.runs[0]?.properties?.['truncated']).toEqual({ findings: 40, resultsIncluded: 10, rules: 5, rulesIncluded: 5 });
  });

  it('stays within the real limit of 25,000 results per run', () => {
    const scan = bigScan(GITHUB_SARIF_LIMITS.resultsPerRun + 7);
    const log = buildSarif(scan);
    expect(results(log)).toHaveLength(GITHUB_SARIF_LIMITS.resultsPerRun);
    expect(log.runs).toHaveLength(1);
    expect(githubIngestionProblems(log)).toEqual([]);
  });

  it('keeps at most 20 tags per rule', () => {
    const scan = cloneResult(loadFixture('dirty-node'));
    (scan.results[0] as RuleResult).tags = Array.from({ length: 30 }, (_, i) => `tag-${i}`);
    const log = parse(render(scan));
    expect((log.runs[0]?.tool.driver.rules?.[0]?.properties?.['tags'] as string[]).length).toBe(20);
    expect(sarifProblems(render(scan))).toEqual([]);
  });
});
