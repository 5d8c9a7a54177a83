// runScan with fake check definitions and an empty temporary root: the engine's decisions without a host.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { CHECKS, type AnyCheckDefinition } from '../../src/checks/index.js';
import type { MatchOutcome } from '../../src/checks/check.js';
import { runScan } from '../../src/engine/scan.js';
import type { ScanResult } from '../../src/model/result.js';
import type { Check, CheckKind, Rule, Severity } from '../../src/model/rule.js';

const root = mkdtempSync(path.join(tmpdir(), 'kr-engine-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

export function rule(id: string, check: Check, opts: { severity?: Severity; commands?: string[] } = {}): Rule {
  return {
    id,
    title: id,
    severity: opts.severity ?? 'high',
    description: 'd',
    tags: [],
    profiles: ['post-reset'],
    check,
    fix: { commands: opts.commands ?? [] },
    rebootClears: false,
    references: [],
    pack: 'test',
    source: { file: 'rules/test.yaml', line: 1, builtin: true },
  };
}

export type FakeProbe = (requests: readonly Check[]) => Promise<unknown>;

/** The registry with some kinds' probes (and optionally matches) replaced. */
export function fakeChecks(
  probes: Partial<Record<CheckKind, FakeProbe>>,
  matches: Partial<Record<CheckKind, (check: Check, facts: unknown) => MatchOutcome>> = {},
): Record<CheckKind, AnyCheckDefinition> {
  const defs = { ...CHECKS };
  for (const kind of Object.keys(probes) as CheckKind[]) {
    const gather = probes[kind] as FakeProbe;
    defs[kind] = { ...defs[kind], probe: { id: kind, gather: (_ctx, requests) => gather(requests) } };
  }
  for (const kind of Object.keys(matches) as CheckKind[]) {
    const m = matches[kind] as (check: Check, facts: unknown) => MatchOutcome;
    defs[kind] = { ...defs[kind], match: (check, facts) => m(check, facts) };
  }
  return defs;
}

export function scan(rules: Rule[], checks: Record<CheckKind, AnyCheckDefinition>, opts: { timeoutMs?: number; failOn?: Severity } = {}): Promise<ScanResult> {
  return runScan({
    rules,
    root,
    timeoutMs: opts.timeoutMs ?? 5000,
    checks,
    selection: { profile: 'all', failOn: opts.failOn ?? 'low', allowUnchecked: false, tags: [], rules: [], skip: [] },
    ruleFiles: [],
    tool: { name: 'kube-residue', version: 'test', rulesVersion: 'test' },
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
}
