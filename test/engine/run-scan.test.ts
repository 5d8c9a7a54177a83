// The scan engine end to end with fake probes (no host is read: the root is an empty temporary directory):
// each probe runs once for all rules of its kind, only for the kinds selected, tool probes first; a probe that
// fails, throws or hangs makes its rules unchecked with the reason, and the scan still completes.
import { describe, expect, it } from 'vitest';
import { checkComparisonDeadline } from '../../src/comparison-deadline.js';
import { ProbeUnavailable } from '../../src/probes/probe.js';
import { fakeChecks, rule, scan } from './fake-scan.js';

describe('runScan with fake probes', () => {
  it('runs each selected kind’s probe once for all its rules, and no other probe', async () => {
    const calls: Array<{ kind: string; requests: number }> = [];
    const fail = async (): Promise<never> => {
      throw new Error('not selected, must not run');
    };
    const checks = fakeChecks({
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
    const checks = fakeChecks({ netns: record('netns'), process: record('process'), iptables: record('iptables'), nftables: record('nftables') });
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
    const checks = fakeChecks({
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
      { timeoutMs: 1000 },
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

  it('a comparison that outlasts --timeout is cut off: its rule is unchecked with the reason, the next rule still compares', async () => {
    // A match that would never end on its own: only the deadline stops it (as it stops a long regex scan).
    const checks = fakeChecks(
      { ipvs: async () => [] },
      {
        ipvs: (check) => {
          if ((check as { services?: string[] }).services?.[0] === 'endless') for (;;) checkComparisonDeadline();
          return { findings: [] };
        },
      },
    );
    const result = await scan([rule('slow', { kind: 'ipvs', services: ['endless'] }), rule('quick', { kind: 'ipvs', services: ['TCP *'] })], checks, { timeoutMs: 50 });
    const byId = Object.fromEntries(result.results.map((r) => [r.ruleId, r]));
    expect(byId['slow']).toMatchObject({ status: 'unchecked', reason: 'comparison timed out after 50ms (--timeout)' });
    expect(byId['quick']?.status).toBe('clean');
    expect(result.verdict).toBe('unchecked');
  });
});
