// The engine's decisions without a host: how a probe's outcome and a kind's match become a rule's status
// (found / clean / unchecked, and "partly unchecked"), and how results become the verdict and the summary.
import { describe, expect, it } from 'vitest';
import type { AnyCheckDefinition } from '../../src/checks/index.js';
import { CHECKS } from '../../src/checks/index.js';
import type { MatchOutcome } from '../../src/checks/check.js';
import { evaluate, summarize, verdictOf } from '../../src/engine/scan.js';
import type { RuleResult } from '../../src/model/result.js';
import type { Rule, Severity } from '../../src/model/rule.js';
import { fakeContext } from '../checks/facts.js';

function rule(id: string, severity: Severity = 'high', commands = ['rm -rf -- {{target}}']): Rule {
  return {
    id,
    title: id,
    severity,
    description: 'd',
    tags: [],
    profiles: ['post-reset'],
    check: { kind: 'path', paths: ['/x'] },
    fix: { commands },
    rebootClears: false,
    references: [],
    pack: 'test',
    source: { file: 'rules/test.yaml', line: 1, builtin: true },
  };
}

/** The path kind with its match replaced by a fixed outcome (or a throw). */
function defWith(outcome: MatchOutcome | Error): AnyCheckDefinition {
  return {
    ...CHECKS.path,
    match() {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
}

const ok = { ok: true as const, facts: undefined };
const finding = (target: string, vars: Record<string, string | undefined> = {}) => ({ target, evidence: 'seen', vars: { target, ...vars } });

describe('a rule from its probe and match', () => {
  it('a probe that could not run makes the rule unchecked with its reason, never clean', () => {
    const r = evaluate(rule('a'), defWith({ findings: [] }), { ok: false, reason: 'path probe timed out after 10s' }, fakeContext());
    expect(r.status).toBe('unchecked');
    expect(r.reason).toBe('path probe timed out after 10s');
    expect(r.findings).toEqual([]);
  });

  it('a comparison that throws makes the rule unchecked, not the scan fail', () => {
    const r = evaluate(rule('a'), defWith(new Error('bad facts')), ok, fakeContext());
    expect(r).toMatchObject({ status: 'unchecked', reason: 'comparison failed: bad facts' });
  });

  it('findings make it found, sorted by target, with fix commands rendered and quoted from the vars', () => {
    const r = evaluate(rule('a'), defWith({ findings: [finding('/var/lib/b c'), finding('/var/lib/a')] }), ok, fakeContext());
    expect(r.status).toBe('found');
    expect(r.findings.map((f) => f.target)).toEqual(['/var/lib/a', '/var/lib/b c']);
    expect(r.findings[1]?.fix).toEqual(["rm -rf -- '/var/lib/b c'"]);
    expect(r.findings[1]).toMatchObject({ kind: 'path', evidence: 'seen', rebootClears: false, vars: { target: '/var/lib/b c' } });
    expect(r.reason).toBeUndefined();
  });

  it('a variable the finding does not have is left out of vars and its command is not written', () => {
    const r = evaluate(rule('a', 'high', ['ls -l -- {{linkTarget}}', 'rm -- {{target}}']), defWith({ findings: [finding('/x', { linkTarget: undefined })] }), ok, fakeContext());
    expect(r.findings[0]?.vars).toEqual({ target: '/x' });
    expect(Object.keys(r.findings[0]?.vars ?? {})).toEqual(['target']);
    expect(r.findings[0]?.fix).toEqual(['rm -- /x']);
  });

  it('findings with a partial view: found, and the reason says what was not checked', () => {
    const r = evaluate(rule('a'), defWith({ findings: [finding('/x')], partial: 'ipv4 legacy: not found' }), ok, fakeContext());
    expect(r).toMatchObject({ status: 'found', reason: 'partly unchecked: ipv4 legacy: not found' });
  });

  it('no findings with a partial view: unchecked (absence proves nothing)', () => {
    const r = evaluate(rule('a'), defWith({ findings: [], partial: 'cannot look at /root: EACCES' }), ok, fakeContext());
    expect(r).toMatchObject({ status: 'unchecked', reason: 'cannot look at /root: EACCES' });
  });

  it('a note does not make a rule unchecked', () => {
    expect(evaluate(rule('a'), defWith({ findings: [], note: 'unit state not read' }), ok, fakeContext())).toMatchObject({ status: 'clean', reason: 'unit state not read' });
    expect(evaluate(rule('a'), defWith({ findings: [finding('/x')], note: 'unit state not read' }), ok, fakeContext())).toMatchObject({ status: 'found', reason: 'unit state not read' });
  });

  it('nothing found, everything seen: clean without a reason', () => {
    const r = evaluate(rule('a'), defWith({ findings: [] }), ok, fakeContext());
    expect(r.status).toBe('clean');
    expect(r.reason).toBeUndefined();
  });
});

function result(status: RuleResult['status'], severity: Severity, findings = status === 'found' ? 1 : 0): RuleResult {
  const base = evaluate(rule(`r-${status}-${severity}`, severity), defWith({ findings: [] }), ok, fakeContext());
  return { ...base, status, findings: Array.from({ length: findings }, (_, i) => ({ kind: 'path', target: `/t${i}`, evidence: '', rebootClears: false, fix: [], vars: { target: `/t${i}` } })) };
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
