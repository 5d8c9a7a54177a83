// `scan --cluster`: cluster-scope residue (seed 003, KubeSphere's uninstall) read with kubectl. No API server can
// run here, so fixtures/cluster/bin/kubectl stands in for one; it logs every call so the test can prove that
// kube-residue only ever asks `get`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { fixture, runCli } from '../helpers/cli.js';

const logDir = mkdtempSync(path.join(os.tmpdir(), 'kr-kubectl-'));
const log = path.join(logDir, 'calls.log');
afterAll(() => rmSync(logDir, { recursive: true, force: true }));
const env = { PATH: `${fixture('cluster', 'bin')}:${process.env.PATH ?? ''}`, KR_KUBECTL_LOG: log };

function targets(r: ScanResult, id: string): string[] {
  return r.results.find((x) => x.ruleId === id)?.findings.map((f) => f.target) ?? [];
}

describe('scan --cluster', () => {
  const run = runCli(['scan', '--cluster', '--tag', 'kubesphere', '--tag', 'cluster', '--format', 'json'], { env });
  const report = JSON.parse(run.stdout) as ScanResult;

  it('reports CRDs, stuck namespaces, labels and hook bindings left by helm uninstall ks-core', () => {
    expect(run.status).toBe(1);
    expect(targets(report, 'kubesphere-crds')).toEqual(['customresourcedefinitions/users.iam.kubesphere.io', 'customresourcedefinitions/workspacetemplates.tenant.kubesphere.io']);
    expect(targets(report, 'kubesphere-namespaces')).toEqual(['namespaces/kubesphere-controls-system', 'namespaces/kubesphere-system']);
    expect(report.results.find((r) => r.ruleId === 'kubesphere-namespaces')?.findings[1]?.evidence).toMatch(/terminating since 2026-11-20T10:00:00Z, finalizers finalizers\.kubesphere\.io\/namespaces/);
    expect(targets(report, 'kubesphere-managed-namespace-labels')).toContain('namespaces/kube-system');
    expect(targets(report, 'kubesphere-hook-cluster-admin-bindings')).toEqual(['clusterrolebindings/ks-core-post-delete']);
  });

  it('only ever runs kubectl get', () => {
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => /^get [a-z.]+ -o json /.test(c))).toBe(true);
  });

  it('leaves cluster rules out of a node scan, and says so when one is asked for by id', () => {
    const node = runCli(['scan', '--tag', 'kubesphere', '--format', 'json'], { env });
    expect(node.status).toBe(2);
    expect(node.stderr).toMatch(/no rule selected/);
    const asked = runCli(['scan', '--rule', 'kubesphere-crds', '--format', 'json'], { env });
    expect(asked.status).toBe(2);
    expect(asked.stderr).toMatch(/rule kubesphere-crds reads the cluster: add --cluster/);
  });

  it('marks cluster rules unchecked, not clean, when kubectl is missing', () => {
    const bare = runCli(['scan', '--cluster', '--tag', 'cluster', '--format', 'json'], { env: { PATH: '/nonexistent' } });
    const r = JSON.parse(bare.stdout) as ScanResult;
    expect(bare.status).toBe(3);
    expect(r.results.every((x) => x.status === 'unchecked' && x.reason === 'kubectl not found')).toBe(true);
  });
});
