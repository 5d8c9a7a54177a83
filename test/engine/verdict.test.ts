// The engine's decisions without a host: how a probe's outcome and a kind's match become a rule's status
// (found / clean / unchecked, and "partly unchecked"), and how results become the verdict and the summary.
import { describe, expect, it } from 'vitest';
import type { MatchOutcome } from '../../src/checks/check.js';
import { summarize, verdictOf } from '../../src/engine/scan.js';
import type { RuleResult } from '../../src/model/result.js';
import type { Severity } from '../../src/model/rule.js';
import { ProbeUnavailable } from '../../src/probes/probe.js';
import { fakeChecks, rule, scan } from './fake-scan.js';

const PATH_RULE = { kind: 'path' as const, paths: ['/x'] };

/** One path rule whose probe returns nothing and whose match gives `outcome` (or throws it). */
async function ruleResult(outcome: MatchOutcome | Error, commands = ['rm -rf -- {{target}}']): Promise<RuleResult> {
  const checks = fakeChecks(
    { path: async () => undefined },
    {
      path: () => {
        if (outcome instanceof Error) throw outcome;
        return outcome;
      },
    },
  );
  const result = await scan([rule('a', PATH_RULE, { commands })], checks);
  return result.results[0] as RuleResult;
}

const finding = (target: string, vars: Record<string, string> = {}) => ({ target, evidence: 'seen', vars: { target, ...vars } });

describe('a rule from its probe and match', () => {
  it('a probe that could not run makes the rule unchecked with its reason, never clean', async () => {
    const checks = fakeChecks({
      path: async () => {
        throw new ProbeUnavailable('path probe timed out after 10s');
      },
    });
    const r = (await scan([rule('a', PATH_RULE)], checks)).results[0];
    expect(r).toMatchObject({ status: 'unchecked', reason: 'path probe timed out after 10s', findings: [] });
  });

  it('a comparison that throws makes the rule unchecked, not the scan fail', async () => {
    expect(await ruleResult(new Error('bad facts'))).toMatchObject({ status: 'unchecked', reason: 'comparison failed: bad facts' });
  });

  it('findings make it found, sorted by target, with fix commands rendered and quoted from the vars', async () => {
    const r = await ruleResult({ findings: [finding('/var/lib/b c'), finding('/var/lib/a')] });
    expect(r.status).toBe('found');
    expect(r.findings.map((f) => f.target)).toEqual(['/var/lib/a', '/var/lib/b c']);
    expect(r.findings[1]?.fix).toEqual(["rm -rf -- '/var/lib/b c'"]);
    expect(r.findings[1]).toMatchObject({ kind: 'path', evidence: 'seen', rebootClears: false, vars: { target: '/var/lib/b c' } });
    expect(r.reason).toBeUndefined();
  });

  it('a command using a variable the finding does not have is not written', async () => {
    const r = await ruleResult({ findings: [finding('/x')] }, ['ls -l -- {{linkTarget}}', 'rm -- {{target}}']);
    expect(r.findings[0]?.vars).toEqual({ target: '/x' });
    expect(r.findings[0]?.fix).toEqual(['rm -- /x']);
  });

  it('findings with a partial view: found, and the reason says what was not checked', async () => {
    expect(await ruleResult({ findings: [finding('/x')], partial: 'ipv4 legacy: not found' })).toMatchObject({ status: 'found', reason: 'partly unchecked: ipv4 legacy: not found' });
  });

  it('no findings with a partial view: unchecked (absence proves nothing)', async () => {
    expect(await ruleResult({ findings: [], partial: 'cannot look at /root: EACCES' })).toMatchObject({ status: 'unchecked', reason: 'cannot look at /root: EACCES' });
  });

  it('a note does not make a rule unchecked', async () => {
    expect(await ruleResult({ findings: [], note: 'unit state not read' })).toMatchObject({ status: 'clean', reason: 'unit state not read' });
    expect(await ruleResult({ findings: [finding('/x')], note: 'unit state not read' })).toMatchObject({ status: 'found', reason: 'unit state not read' });
  });

  it('nothing found, everything seen: clean without a reason', async () => {
    const r = await ruleResult({ findings: [] });
    expect(r.status).toBe('clean');
    expect(r.reason).toBeUndefined();
  });
});

function result(status: RuleResult['status'], severity: Severity, findings = status === 'found' ? 1 : 0): RuleResult {
  return {
    ruleId: `r-${status}-${severity}`,
    title: 't',
    severity,
    pack: 'test',
    kind: 'path',
    tags: [],
    profiles: ['post-reset'],
    description: 'd',
    rebootClears: false,
    references: [],
    source: { file: 'rules/test.yaml', line: 1, builtin: true },
    status,
    findings: Array.from({ length: findings }, (_, i) => ({ kind: 'path' as const, target: `/t${i}`, evidence: '', rebootClears: false, fix: [], vars: { target: `/t${i}` } })),
  };
}

describe('the verdict', () => {
  it('residue when a found rule is at or above --fail-on', () => {
    expect(verdictOf([result('found', 'medium')], 'medium')).toBe('residue');
    expect(verdictOf([result('found', 'critical')], 'low')).toBe('residue');
  });

  it('findings below --fail-on do not make residue; unchecked rules then decide', () => {
    expect(verdictOf([result('found', 'low')], 'medium')).toBe('clean');
    expect(verdictOf([result('found', 'low'), result('unchecked', 'high')], 'medium')).toBe('unchecked');
  });

  it('residue wins over unchecked; clean needs every rule checked', () => {
    expect(verdictOf([result('unchecked', 'info'), result('found', 'high')], 'high')).toBe('residue');
    expect(verdictOf([result('clean', 'high'), result('unchecked', 'info')], 'info')).toBe('unchecked');
    expect(verdictOf([result('clean', 'high')], 'info')).toBe('clean');
    expect(verdictOf([], 'info')).toBe('clean');
  });
});

describe('the summary', () => {
  it('counts rules by status and findings by severity', () => {
    const s = summarize([result('found', 'high', 3), result('found', 'low', 1), result('clean', 'high'), result('unchecked', 'medium')]);
    expect(s).toEqual({ rules: 4, found: 2, clean: 1, unchecked: 1, findings: 4, bySeverity: { critical: 0, high: 3, medium: 0, low: 1, info: 0 } });
  });
});
