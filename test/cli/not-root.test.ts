// Unchecked is not clean: run as an unprivileged user, the probes that need root (iptables, nftables, ipsets,
// paths under /root) cannot look, so their rules are unchecked with the reason and the scan exits 3 — while
// everything that can be read is still checked.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
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

  const run = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, path.join(dir, 'dist', 'kube-residue.cjs'), 'scan', '--format', 'json'], {
    encoding: 'utf8',
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' },
  });
  const report = JSON.parse(run.stdout) as ScanResult;
  const reasonOf = (id: string): string | undefined => report.results.find((r) => r.ruleId === id)?.reason;

  it('exits 3 with verdict unchecked, never clean', () => {
    expect(report.verdict).toBe('unchecked');
    expect(run.status).toBe(3);
  });

  it('gives the reason for each rule that could not be checked', () => {
    expect(reasonOf('kube-proxy-iptables-base-chains')).toMatch(/iptables-nft-save failed: .*(Permission denied|must be root)/);
    expect(reasonOf('kube-proxy-nft-tables')).toMatch(/nft failed: .*(not permitted|must be root)/i);
    expect(reasonOf('kubernetes-user-kubeconfigs')).toMatch(/cannot look at \/root\/\.kube\/config: EACCES/);
  });

  it('still checks what an unprivileged user can read', () => {
    expect(report.results.find((r) => r.ruleId === 'kubernetes-static-pod-manifests')?.status).toBe('clean');
    expect(report.summary.clean).toBeGreaterThan(report.summary.unchecked);
  });
});
