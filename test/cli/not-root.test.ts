// Unchecked is not clean: run as an unprivileged user, the probes that need root (iptables, nftables, ipsets,
// paths under /root) cannot look, so their rules are unchecked with the reason and the scan exits 3 — while
// everything that can be read is still checked.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { repoRoot } from '../helpers/cli.js';

const canSwitchUser = process.getuid?.() === 0 && spawnSync('runuser', ['-u', 'nobody', '--', 'true']).status === 0;

describe.skipIf(!canSwitchUser)('scan as a user who is not root', () => {
  // The bundle is self-contained: a world-readable copy of dist/ runs wherever the checkout lives.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-nonroot-'));
  cpSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'), { recursive: true });
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  cpSync(path.join(repoRoot, 'fixtures', 'rules', 'needs-root-rules.yaml'), path.join(dir, 'needs-root-rules.yaml'));
  const scanAsNobody = (args: string[]): { status: number | null; report: ScanResult } => {
    const run = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, path.join(dir, 'dist', 'kube-residue.cjs'), 'scan', '--format', 'json', ...args], {
      encoding: 'utf8',
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' },
    });
    return { status: run.status, report: JSON.parse(run.stdout) as ScanResult };
  };
  // The built-in rules against the real host (where other tests' sandboxes may be running visible processes).
  const { report } = scanAsNobody([]);
  const reasonOf = (id: string): string | undefined => report.results.find((r) => r.ruleId === id)?.reason;

  it('exits 3 with verdict unchecked when nothing is found but something could not be looked at', () => {
    const { status, report: own } = scanAsNobody(['--no-builtin', '--rules', path.join(dir, 'needs-root-rules.yaml')]);
    expect(own.verdict).toBe('unchecked');
    expect(own.results.map((r) => [r.ruleId, r.status])).toEqual([
      ['t-kube-chains', 'unchecked'],
      ['t-readable', 'clean'],
      ['t-root-kubeconfig', 'unchecked'],
    ]);
    expect(status).toBe(3);
    expect(report.verdict).not.toBe('clean');
  });

  it('gives the reason for each rule that could not be checked', () => {
    expect(reasonOf('kube-proxy-iptables-base-chains')).toMatch(/iptables-nft-save failed: .*(Permission denied|must be root)/);
    expect(reasonOf('kube-proxy-nft-tables')).toMatch(/nft failed: .*(not permitted|must be root)/i);
    expect(reasonOf('kubernetes-user-kubeconfigs')).toMatch(/cannot look at \/root\/\.kube\/config: EACCES/);
  });

  it('container rules: the runtimes’ root-only state unread is unchecked, not clean', () => {
    const host = path.join(dir, 'host');
    mkdirSync(path.join(host, 'run/containerd/io.containerd.runtime.v2.task/k8s.io'), { recursive: true });
    mkdirSync(path.join(host, 'proc/1'), { recursive: true });
    mkdirSync(path.join(host, 'etc'), { recursive: true });
    chmodSync(host, 0o755);
    chmodSync(path.join(host, 'run'), 0o755);
    chmodSync(path.join(host, 'run/containerd'), 0o700); // as containerd leaves it
    const { status, report: own } = scanAsNobody(['--root', host, '--tag', 'container']);
    const pods = own.results.find((r) => r.ruleId === 'container-runtime-k8s-pods');
    expect(pods?.status).toBe('unchecked');
    expect(pods?.reason).toBe('cannot read /run/containerd (EACCES): run as root');
    expect(status).toBe(3);
  });

  it('still checks what an unprivileged user can read', () => {
    expect(report.results.find((r) => r.ruleId === 'kubernetes-static-pod-manifests')?.status).toBe('clean');
    expect(report.summary.clean).toBeGreaterThan(report.summary.unchecked);
  });
});
