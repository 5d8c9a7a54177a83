// The pure parts of decisions and audits: sealing a streamed report, applying waivers, fingerprints, the gate.
import { describe, expect, it } from 'vitest';
import { normaliseTarget } from '../../src/baseline/fingerprint.js';
import { gateVerdict } from '../../src/gate/verdict.js';
import { checkDigest, sealChunks, withIntegrityPlaceholder } from '../../src/integrity/digest.js';
import type { ScanResult } from '../../src/model/result.js';
import { jsonChunks } from '../../src/report/json-chunks.js';
import { applyWaivers } from '../../src/waivers/apply.js';
import { parseWaiverText } from '../../src/waivers/load.js';
import { loadFixture } from '../report/fixtures.js';

const now = new Date('2026-03-01T12:00:00Z');

describe('report digest', () => {
  const result = loadFixture('dirty-node');

  it('seals a report streamed in small chunks, whatever chunk the placeholder falls in', () => {
    for (const chunkSize of [1, 7, 64, 100, 4096]) {
      const text = [...sealChunks(jsonChunks(withIntegrityPlaceholder(result), { chunkSize }))].join('');
      expect(JSON.parse(text)).toMatchObject({ integrity: { algorithm: 'sha256' } });
      expect(checkDigest(Buffer.from(text, 'utf8'))).toMatchObject({ ok: true });
    }
  });

  it('is the same digest for the same text, and another after a one-character change', () => {
    const text = [...sealChunks([JSON.stringify(withIntegrityPlaceholder(result), null, 2)])].join('');
    const again = [...sealChunks([JSON.stringify(withIntegrityPlaceholder(result), null, 2)])].join('');
    expect(again).toBe(text);
    expect(checkDigest(Buffer.from(text.replace('"high"', '"hig "'), 'utf8')).ok).toBe(false);
  });
});

describe('applyWaivers', () => {
  const base = loadFixture('dirty-node');
  const found = base.results.find((r) => r.findings.length >= 2);
  if (!found) throw new Error('fixture needs a rule with two findings');
  const [first, second] = found.findings;
  const load = (yaml: string) => parseWaiverText(yaml, 'w.yaml', { now, maxHorizonDays: 90 });

  it('marks only the findings its selector matches; the rule stays found, the summary counts them apart', () => {
    const { waivers, errors } = load(`waivers:\n  - rule: ${found.ruleId}\n    target: '${second?.target}'\n    justification: accepted for the test\n    expires: 2026-03-10\n`);
    expect(errors).toEqual([]);
    const out = applyWaivers(base, waivers, 'w.yaml', now);
    const rule = out.results.find((r) => r.ruleId === found.ruleId);
    expect(rule?.status).toBe('found');
    expect(rule?.findings.map((f) => f.waiver?.source)).toEqual([undefined, 'w.yaml:2', ...Array(found.findings.length - 2).fill(undefined)]);
    expect(out.summary.waived).toBe(1);
    expect(out.summary.findings).toBe(base.summary.findings - 1);
    expect(first?.target).not.toBe(second?.target);
  });

  it('applies through the end of the expiry day (UTC) and not a day longer', () => {
    const yaml = `waivers:\n  - rule: ${found.ruleId}\n    justification: accepted for the test\n    expires: 2026-03-01\n`;
    const today = applyWaivers(base, load(yaml).waivers, 'w.yaml', new Date('2026-03-01T23:59:59Z'));
    expect(today.results.find((r) => r.ruleId === found.ruleId)?.status).toBe('waived');
    const tomorrow = applyWaivers(base, load(yaml).waivers, 'w.yaml', new Date('2026-03-02T00:00:00Z'));
    expect(tomorrow.results.find((r) => r.ruleId === found.ruleId)?.status).toBe('found');
    expect(tomorrow.waivers?.expired).toHaveLength(1);
  });
});

describe('fingerprints', () => {
  it('drop what changes between runs and keep what identifies the leftover', () => {
    expect(normaliseTarget('process', 'kubelet[4242]')).toBe('kubelet');
    expect(normaliseTarget('path', '/var/run/calico/')).toBe('/run/calico');
    expect(normaliseTarget('path', '//etc//kubernetes/pki')).toBe('/etc/kubernetes/pki');
    expect(normaliseTarget('port', 'tcp/6443')).toBe('tcp/6443');
    expect(normaliseTarget('iptables', 'ipv4/nft/nat/KUBE-SERVICES')).toBe('ipv4/nft/nat/KUBE-SERVICES');
  });
});

describe('gateVerdict', () => {
  const rule = (over: Partial<ScanResult['results'][number]>): ScanResult['results'][number] => ({
    ...loadFixture('dirty-node').results[0]!,
    findings: [],
    status: 'clean',
    reason: undefined,
    ...over,
  });
  const result = (results: ScanResult['results']): ScanResult => ({ ...loadFixture('clean-node'), results });
  const finding = loadFixture('dirty-node').results.find((r) => r.findings.length > 0)!.findings[0]!;

  it('blocks on findings of rules with blocksJoin only; others are advisories', () => {
    const v = gateVerdict(result([rule({ ruleId: 'a', blocksJoin: 'why', status: 'found', findings: [finding] }), rule({ ruleId: 'b', status: 'found', findings: [finding] })]), { allowUnchecked: false });
    expect(v.ready).toBe(false);
    expect(v.blockers.map((b) => [b.rule, b.why])).toEqual([['a', 'why']]);
    expect(v.advisories.map((a) => a.rule)).toEqual(['b']);
  });

  it('blocks on a blocking rule that could not be checked, unless --allow-unchecked', () => {
    const partly = result([rule({ ruleId: 'a', blocksJoin: 'why', status: 'clean' }), rule({ ruleId: 'c', blocksJoin: 'why', status: 'unchecked', reason: 'EACCES' })]);
    expect(gateVerdict(partly, { allowUnchecked: false })).toMatchObject({ ready: false, blockers: [], unchecked: [{ rule: 'c', reason: 'EACCES' }] });
    expect(gateVerdict(partly, { allowUnchecked: true }).ready).toBe(true);
  });
});

describe('gateVerdict and CNI files', () => {
  const base = loadFixture('dirty-node').results.find((r) => r.findings.length > 0)!;
  const cniRule = (targets: string[]): ScanResult => ({
    ...loadFixture('clean-node'),
    results: [{ ...base, ruleId: 'kubernetes-cni-net-d', blocksJoin: 'why', status: 'found', reason: undefined, findings: targets.map((target) => ({ ...base.findings[0]!, target })) }],
  });

  it('blocks on config files only (.conf, .conflist, .json): a lock file next to them configures nothing', () => {
    const v = gateVerdict(cniRule(['/etc/cni/net.d/cni.lock', '/etc/cni/net.d/10-flannel.conflist', '/etc/cni/net.d/99-loopback.conf']), { allowUnchecked: false, cni: 'calico' });
    expect(v.blockers.map((b) => b.target)).toEqual(['/etc/cni/net.d/10-flannel.conflist', '/etc/cni/net.d/99-loopback.conf']);
    expect(v.advisories.map((a) => a.target)).toEqual(['/etc/cni/net.d/cni.lock']);
  });
});
