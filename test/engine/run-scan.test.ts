// The scan engine end to end with fake probes (no host is read: the root is an empty temporary directory):
// each probe runs once for all rules of its kind, only for the kinds selected, tool probes first; a probe that
// fails, throws or hangs makes its rules unchecked with the reason, and the scan still completes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECKS, type AnyCheckDefinition } from '../../src/checks/index.js';
import { runScan } from '../../src/engine/scan.js';
import type { ScanResult } from '../../src/model/result.js';
import type { Check, CheckKind, Rule } from '../../src/model/rule.js';
import { ProbeUnavailable } from '../../src/probes/probe.js';

const root = mkdtempSync(path.join(tmpdir(), 'kr-engine-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function rule(id: string, check: Check): Rule {
  return {
    id,
    title: id,
    severity: 'high',
    description: 'd',
    tags: [],
    profiles: ['post-reset'],
    check,
    fix: { commands: [] },
    rebootClears: false,
    references: [],
    pack: 'test',
    source: { file: 'rules/test.yaml', line: 1, builtin: true },
  };
}

/** The registry with some kinds' probes replaced. */
function withProbes(probes: Partial<Record<CheckKind, (requests: readonly Check[]) => Promise<unknown>>>): Record<CheckKind, AnyCheckDefinition> {
  const defs = { ...CHECKS };
  for (const [kind, gather] of Object.entries(probes) as Array<[CheckKind, (r: readonly Check[]) => Promise<unknown>]>) {
    defs[kind] = { ...CHECKS[kind], probe: { id: kind, gather: (_ctx, requests) => gather(requests) } };
  }
  return defs;
}

function scan(rules: Rule[], checks: Record<CheckKind, AnyCheckDefinition>, timeoutMs = 5000): Promise<ScanResult> {
  return runScan({
    rules,
    root,
    timeoutMs,
    checks,
    selection: { profile: 'all', failOn: 'low', allowUnchecked: false, tags: [], rules: [], skip: [] },
    ruleFiles: [],
    tool: { name: 'kube-residue', version: 'test', rulesVersion: 'test' },
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
}

describe('runScan with fake probes', () => {
  it('runs each selected kind’s probe once for all its rules, and no other probe', async () => {
    const calls: Array<{ kind: string; requests: number }> = [];
    const fail = async (): Promise<never> => {
      throw new Error('not selected, must not run');
    };
    const checks = withProbes({
      ipset: async (requests) => {
        calls.push({ kind: 'ipset', requests: requests.length });
        return ['KUBE-LOOP-BACK', 'f2b-sshd'];
      },
      mount: fail,
      iptables: fail,
    });
    const result = await scan([rule('b.sets', { kind: 'ipset', names: ['KUBE-*'] }), rule('a.sets', { kind: 'ipset', names: ['nothing'] })], checks);
    expect(calls).toEqual([{ kind: 'ipset', requests: 2 }]);
    expect(result.results.map((r) => [r.ruleId, r.status])).toEqual([
      ['a.sets', 'clean'],
      ['b.sets', 'found'],
    ]);
    expect(result.results[1]?.findings.map((f) => f.target)).toEqual(['KUBE-LOOP-BACK']);
    expect(result.probes.map((p) => [p.probe, p.ok])).toEqual([['ipset', true]]);
    expect(result.verdict).toBe('residue');
  });

  it('starts the probes that spawn tools before the /proc and /sys readers', async () => {
    const order: string[] = [];
    const record = (kind: string) => async (): Promise<unknown> => {
      order.push(kind);
      return [];
    };
    const checks = withProbes({ netns: record('netns'), process: record('process'), iptables: record('iptables'), nftables: record('nftables') });
    await scan(
      [
        rule('r1', { kind: 'netns', names: ['cni-*'] }),
        rule('r2', { kind: 'process', comm: ['kubelet'] }),
        rule('r3', { kind: 'nftables', tables: [{ family: 'ip', name: 'kube-proxy' }] }),
        rule('r4', { kind: 'iptables', chains: ['KUBE-*'] }),
      ],
      checks,
    );
    expect(order).toEqual(['iptables', 'nftables', 'netns', 'process']);
  });

  it('a probe that cannot see, fails or hangs makes its rules unchecked with the reason; the others still run', async () => {
    const checks = withProbes({
      ipset: async () => {
        throw new ProbeUnavailable('ipset: Operation not permitted (needs CAP_NET_ADMIN)');
      },
      netns: async () => {
        throw new Error('EIO');
      },
      process: () => new Promise(() => {}),
      ipvs: async () => [],
    });
    const result = await scan(
      [
        rule('a', { kind: 'ipset', names: ['KUBE-*'] }),
        rule('b', { kind: 'netns', names: ['cni-*'] }),
        rule('c', { kind: 'process', comm: ['kubelet'] }),
        rule('d', { kind: 'ipvs' }),
      ],
      checks,
      1000,
    );
    const byId = Object.fromEntries(result.results.map((r) => [r.ruleId, r]));
    expect(byId['a']).toMatchObject({ status: 'unchecked', reason: 'ipset: Operation not permitted (needs CAP_NET_ADMIN)' });
    expect(byId['b']).toMatchObject({ status: 'unchecked', reason: 'netns probe failed: EIO' });
    expect(byId['c']).toMatchObject({ status: 'unchecked', reason: 'process probe timed out after 1s' });
    expect(byId['d']?.status).toBe('clean');
    expect(result.probes.filter((p) => !p.ok).map((p) => p.probe)).toEqual(['ipset', 'netns', 'process']);
    expect(result.verdict).toBe('unchecked');
    expect(result.summary).toMatchObject({ rules: 4, clean: 1, unchecked: 3, found: 0 });
  });
});
