// `scan --cluster` and `--cluster-dump` against a STAND-IN API server (test/cluster/stand-in-api-server.ts):
// no Kubernetes API server can run here, so a local HTTPS server with a CA this test generates serves recorded,
// real-shaped discovery documents and List responses of a cluster after a failed KubeSphere uninstall (seed
// 003), with Rancher leftovers (seed 004) and this host ("node-1") removed but still registered. It records
// every request, so the test proves kube-residue only reads. kubectl lists from the same stand-in to show it
// speaks the real API.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { cliPath, fixture, repoRoot } from '../helpers/cli.js';
import { startStandIn, writeKubeconfig, type StandIn } from '../cluster/stand-in-api-server.js';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The built CLI, run without blocking this process (the stand-in answers from this event loop). */
function runAsync(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1', KUBECONFIG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr, ms: Date.now() - t0 }));
  });
}

function results(run: Run): ScanResult {
  return JSON.parse(run.stdout) as ScanResult;
}

function rule(r: ScanResult, id: string): ScanResult['results'][number] {
  const x = r.results.find((y) => y.ruleId === id);
  if (!x) throw new Error(`rule ${id} not in the report`);
  return x;
}

function targets(r: ScanResult, id: string): string[] {
  return rule(r, id).findings.map((f) => f.target);
}

let api: StandIn;
let dir: string;
let kubeconfig: string;
const CLUSTER = ['scan', '--cluster', '--tag', 'cluster', '--node-name', 'node-1', '--format', 'json'];

beforeAll(async () => {
  api = await startStandIn();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kr-cluster-'));
  kubeconfig = writeKubeconfig(path.join(dir, 'config'), [{ name: 'stand-in', server: api.url, caFile: api.caFile }], 'stand-in');
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scan --cluster against the stand-in API server', () => {
  it('finds and explains the KubeSphere and Rancher leftovers and this node’s objects', async () => {
    api.requests.length = 0;
    const run = await runAsync([...CLUSTER, '--kubeconfig', kubeconfig]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const r = results(run);
    // Seed 003: CRDs with their instance counts, while ks-controller-manager is gone.
    expect(targets(r, 'kubesphere-crds')).toEqual(['customresourcedefinitions/users.iam.kubesphere.io', 'customresourcedefinitions/workspacetemplates.tenant.kubesphere.io']);
    expect(rule(r, 'kubesphere-crds').findings[0]?.evidence).toBe('present; owner gone: no deployments ks-controller-manager or ks-apiserver in kubesphere-system; 2 instances');
    expect(rule(r, 'kubesphere-crds').findings[0]?.fix).toContain('kubectl delete customresourcedefinitions users.iam.kubesphere.io');
    // Stuck namespaces with what holds each.
    expect(targets(r, 'cluster-terminating-namespaces')).toEqual(['namespaces/cattle-fleet-system', 'namespaces/kubesphere-system']);
    const ks = rule(r, 'cluster-terminating-namespaces').findings[1];
    expect(ks?.evidence).toMatch(/^terminating since 2026-11-20T10:00:00Z; held by finalizer kubernetes; .*finalizers\.kubesphere\.io\/users in 1 resource instances/);
    expect(ks?.fix[1]).toBe(`kubectl patch namespaces kubesphere-system --type=merge -p '{"metadata":{"finalizers":null}}'`);
    expect(rule(r, 'cluster-terminating-namespaces').fixNote).toMatch(/^WARNING: removing a finalizer/);
    expect(targets(r, 'kubesphere-managed-namespace-labels')).toEqual(['namespaces/default', 'namespaces/kube-system', 'namespaces/kubesphere-controls-system', 'namespaces/kubesphere-system']);
    expect(targets(r, 'kubesphere-hook-cluster-admin-bindings')).toEqual(['clusterrolebindings/ks-core-post-delete']);
    // Webhooks whose Service is gone; the one whose Service exists is not reported.
    expect(targets(r, 'cluster-validating-webhooks-service-gone')).toEqual(['validatingwebhookconfigurations/rancher.cattle.io', 'validatingwebhookconfigurations/users.iam.kubesphere.io']);
    expect(rule(r, 'cluster-validating-webhooks-service-gone').findings[1]?.evidence).toBe(
      'webhook users.iam.kubesphere.io calls Service kubesphere-system/ks-controller-manager, which no longer exists (failurePolicy Fail)',
    );
    expect(targets(r, 'cluster-mutating-webhooks-service-gone')).toEqual(['mutatingwebhookconfigurations/ks-events-admission-mutate']);
    expect(targets(r, 'cluster-unavailable-apiservices')).toEqual(['apiservices/v1beta1.metrics.k8s.io']);
    // This host's objects, and only this host's.
    expect(targets(r, 'cluster-node-still-registered')).toEqual(['nodes/node-1']);
    expect(targets(r, 'cluster-volumeattachments-to-node')).toEqual(['volumeattachments/csi-4f0c2a7e9b1d']);
    expect(targets(r, 'calico-ipam-blocks-of-node')).toEqual(['ipamblocks.crd.projectcalico.org/10-244-0-0-26']);
    expect(targets(r, 'calico-block-affinities-of-node')).toEqual(['blockaffinities.crd.projectcalico.org/node-1-10-244-0-0-26']);
    expect(targets(r, 'calico-node-object-of-node')).toEqual(['nodes.crd.projectcalico.org/node-1']);
    expect(rule(r, 'calico-node-object-of-node').findings[0]?.fix).toEqual(['kubectl delete nodes.crd.projectcalico.org node-1']);
    expect(targets(r, 'calico-crds-without-calico')).toEqual([
      'customresourcedefinitions/blockaffinities.crd.projectcalico.org',
      'customresourcedefinitions/ipamblocks.crd.projectcalico.org',
      'customresourcedefinitions/nodes.crd.projectcalico.org',
    ]);
    // k3s node passwords: node-2 is gone, node-1 and node-3 are registered.
    expect(targets(r, 'k3s-node-password-secrets')).toEqual(['secrets/kube-system/node-2.node-password.k3s']);
    expect(rule(r, 'k3s-node-password-secrets').findings[0]?.fix).toEqual(['kubectl delete --namespace kube-system secrets node-2.node-password.k3s']);
    // cluster-admin bindings to ServiceAccounts that are gone (not system:masters, not coredns's).
    expect(targets(r, 'cluster-admin-bindings-to-gone-accounts')).toEqual(['clusterrolebindings/cattle-admin-binding', 'clusterrolebindings/ks-core-post-delete']);
    // Seed 004: Rancher.
    expect(targets(r, 'rancher-cattle-namespaces')).toEqual(['namespaces/cattle-fleet-system', 'namespaces/cattle-system']);
    expect(targets(r, 'rancher-crds')).toEqual(['customresourcedefinitions/clusters.management.cattle.io', 'customresourcedefinitions/settings.management.cattle.io']);
    expect(rule(r, 'rancher-crds').findings[1]?.evidence).toBe('present; owner gone: no deployments rancher or cattle-cluster-agent in cattle-system; 3 instances');
    expect(targets(r, 'rancher-labelled-cluster-rbac')).toEqual(['clusterrolebindings/cattle-admin-binding']);
    // Nothing Cilium in this cluster: clean, not unchecked.
    expect(rule(r, 'cilium-crds-without-cilium').status).toBe('clean');
    expect(r.results.filter((x) => x.status === 'unchecked').map((x) => x.ruleId)).toEqual([]);
  }, 60_000);

  it('the fix script lists the kubectl commands for a person, the finalizer patch with its warning', async () => {
    const report = path.join(dir, 'cluster-report.json');
    await runAsync([...CLUSTER, '--kubeconfig', kubeconfig, '--output', report]);
    const fix = await runAsync(['fix', '--from', report]);
    expect(fix.status).toBe(0);
    expect(fix.stdout).toContain(`kubectl patch namespaces kubesphere-system --type=merge -p '{"metadata":{"finalizers":null}}'`);
    expect(fix.stdout).toMatch(/WARNING: removing a finalizer skips the clean-up it stands for/);
    // Cluster objects are never acted on by the script itself, only shown.
    expect(fix.stdout).not.toMatch(/^\s*run(_may_fail)? .*kubectl/m);
  }, 60_000);

  it('CRDs whose operator still runs are not residue', async () => {
    api.replace.set('/apis/apps/v1/daemonsets', {
      kind: 'DaemonSetList',
      apiVersion: 'apps/v1',
      metadata: { resourceVersion: '99001' },
      items: [{ metadata: { name: 'calico-node', namespace: 'kube-system', uid: '5eed0000-0000-0000-0000-0000000000ff' }, spec: {}, status: { numberReady: 2 } }],
    });
    try {
      const r = results(await runAsync([...CLUSTER, '--kubeconfig', kubeconfig]));
      expect(rule(r, 'calico-crds-without-calico').status).toBe('clean');
      expect(rule(r, 'calico-crds-without-calico').reason).toBe('still in use: daemonsets/kube-system/calico-node exists');
      expect(rule(r, 'kubesphere-crds').status).toBe('found');
    } finally {
      api.replace.clear();
    }
  }, 60_000);

  it('only ever sends GET requests', async () => {
    api.requests.length = 0;
    await runAsync([...CLUSTER, '--kubeconfig', kubeconfig]);
    expect(api.requests.length).toBeGreaterThan(10);
    expect([...new Set(api.requests.map((q) => q.method))]).toEqual(['GET']);
  }, 60_000);

  it('a 403 on one resource leaves that rule unchecked and runs the rest', async () => {
    api.forbidden.add('/api/v1/namespaces/kube-system/secrets');
    try {
      const r = results(await runAsync([...CLUSTER, '--kubeconfig', kubeconfig]));
      expect(rule(r, 'k3s-node-password-secrets').status).toBe('unchecked');
      expect(rule(r, 'k3s-node-password-secrets').reason).toMatch(/^forbidden: cannot list secrets \(secrets is forbidden: User/);
      expect(rule(r, 'kubesphere-crds').status).toBe('found');
      expect(r.results.filter((x) => x.status === 'unchecked').map((x) => x.ruleId)).toEqual(['k3s-node-password-secrets', 'rke2-node-password-secrets']);
    } finally {
      api.forbidden.clear();
    }
  }, 60_000);

  it('an endpoint that never answers makes its rule unchecked within the time limit, the rest found', async () => {
    api.hang.add('/apis/storage.k8s.io/v1/volumeattachments');
    try {
      const run = await runAsync([...CLUSTER, '--kubeconfig', kubeconfig, '--timeout', '3']);
      const r = results(run);
      expect(rule(r, 'cluster-volumeattachments-to-node').status).toBe('unchecked');
      expect(rule(r, 'cluster-volumeattachments-to-node').reason).toBe('listing volumeattachments: no answer within 1.2s');
      expect(rule(r, 'cluster-node-still-registered').status).toBe('found');
      expect(run.ms).toBeLessThan(6000);
    } finally {
      api.hang.clear();
    }
  }, 60_000);

  it('an unreachable server leaves every cluster rule unchecked and node rules unaffected', async () => {
    const closed = writeKubeconfig(path.join(dir, 'closed'), [{ name: 'gone', server: 'https://127.0.0.1:1', caFile: api.caFile }], 'gone');
    const run = await runAsync(['scan', '--cluster', '--root', fixture('hostroot'), '--tag', 'cluster', '--tag', 'kubeadm', '--format', 'json', '--kubeconfig', closed]);
    const r = results(run);
    const cluster = r.results.filter((x) => x.kind === 'kube-resource');
    expect(cluster.length).toBeGreaterThan(10);
    expect(cluster.every((x) => x.status === 'unchecked' && /ECONNREFUSED/.test(x.reason ?? ''))).toBe(true);
    const node = r.results.filter((x) => x.kind !== 'kube-resource');
    expect(node.length).toBeGreaterThan(0);
    expect(node.some((x) => x.status === 'found')).toBe(true);
    expect(node.every((x) => !/ECONNREFUSED/.test(x.reason ?? ''))).toBe(true);
  }, 60_000);

  it('a hanging exec credential plugin cannot hang the scan', async () => {
    const plugin = path.join(dir, 'hanging-credential-plugin');
    writeFileSync(plugin, '#!/bin/sh\nexec sleep 300\n');
    chmodSync(plugin, 0o755);
    const cfg = writeKubeconfig(path.join(dir, 'exec'), [{ name: 'exec', server: api.url, caFile: api.caFile, exec: { command: plugin, args: [] } }], 'exec');
    const run = await runAsync([...CLUSTER, '--kubeconfig', cfg, '--timeout', '3']);
    const r = results(run);
    const cluster = r.results.filter((x) => x.kind === 'kube-resource');
    expect(cluster.every((x) => x.status === 'unchecked' && /exec credential plugin\) did not finish within 1\.2s$/.test(x.reason ?? ''))).toBe(true);
    expect(run.ms).toBeLessThan(8000);
    // The plugin was ended with the scan, not left behind.
    expect(spawnSync('pgrep', ['-f', plugin]).status).toBe(1);
  }, 60_000);

  it('without any kubeconfig says the cluster rules were not run', async () => {
    const run = await runAsync(['scan', '--cluster', '--tag', 'cluster', '--format', 'json'], { HOME: dir, KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined });
    const r = results(run);
    expect(run.status).toBe(3);
    expect(r.results.every((x) => x.status === 'unchecked' && x.reason === 'no kubeconfig: cluster rules not run')).toBe(true);
  }, 60_000);

  it('finds the kubeconfig as kubectl does: KUBECONFIG merged, ~/.kube/config, --context', async () => {
    const home = path.join(dir, 'home');
    const two = writeKubeconfig(path.join(dir, 'two'), [{ name: 'gone', server: 'https://127.0.0.1:1', caFile: api.caFile }, { name: 'stand-in', server: api.url, caFile: api.caFile }], 'gone');
    // KUBECONFIG with a missing file first (ignored, as kubectl does) and the stand-in's file.
    const viaEnv = results(await runAsync([...CLUSTER], { KUBECONFIG: `${path.join(dir, 'missing')}:${kubeconfig}`, HOME: home }));
    expect(rule(viaEnv, 'cluster-node-still-registered').status).toBe('found');
    // The current context points at nothing; --context picks the stand-in.
    const current = results(await runAsync([...CLUSTER, '--kubeconfig', two]));
    expect(rule(current, 'cluster-node-still-registered').status).toBe('unchecked');
    const picked = results(await runAsync([...CLUSTER, '--kubeconfig', two, '--context', 'stand-in']));
    expect(rule(picked, 'cluster-node-still-registered').status).toBe('found');
    const unknown = results(await runAsync([...CLUSTER, '--kubeconfig', two, '--context', 'nope']));
    expect(rule(unknown, 'cluster-node-still-registered').reason).toMatch(/context "nope" is not in the kubeconfig/);
  }, 60_000);

  it('kubectl lists from the same stand-in (it speaks the real API)', async () => {
    const version = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    if (version.error && process.env.CI !== 'true') return; // kubectl missing outside CI: nothing to compare with
    const out = await new Promise<string>((resolve) => {
      const child = spawn('kubectl', ['--kubeconfig', kubeconfig, 'get', 'namespaces', '-o', 'json'], { env: { ...process.env, HOME: dir } });
      let s = '';
      child.stdout.on('data', (d: Buffer) => (s += d.toString()));
      child.on('close', () => resolve(s));
    });
    const list = JSON.parse(out) as { items: Array<{ metadata: { name: string } }> };
    expect(list.items.map((i) => i.metadata.name)).toContain('kubesphere-system');
  }, 60_000);
});

describe('scan --cluster-dump', () => {
  it('runs the same rules against kubectl get -A -o json output', async () => {
    // What `kubectl get namespaces,crd,... -A -o json` prints: one List whose items carry apiVersion and kind.
    const api = fixture('cluster', 'api');
    const lists: Array<[string, string, string]> = [
      ['api/v1/namespaces', 'v1', 'Namespace'],
      ['api/v1/nodes', 'v1', 'Node'],
      ['api/v1/secrets', 'v1', 'Secret'],
      ['api/v1/services', 'v1', 'Service'],
      ['api/v1/serviceaccounts', 'v1', 'ServiceAccount'],
      ['apis/apps/v1/deployments', 'apps/v1', 'Deployment'],
      ['apis/apps/v1/daemonsets', 'apps/v1', 'DaemonSet'],
      ['apis/apiextensions.k8s.io/v1/customresourcedefinitions', 'apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
      ['apis/rbac.authorization.k8s.io/v1/clusterrolebindings', 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', 'admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
    ];
    const items = lists.flatMap(([p, apiVersion, kind]) =>
      (JSON.parse(readFileSync(path.join(api, `${p}.json`), 'utf8')) as { items: object[] }).items.map((i) => ({ apiVersion, kind, ...i })),
    );
    // Two files, as an auditor receives them (one kubectl get per file is as good as one for all).
    const half = Math.floor(items.length / 2);
    const dumps = [items.slice(0, half), items.slice(half)].map((part, i) => {
      const f = path.join(dir, `dump-${i}.json`);
      writeFileSync(f, JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: part }));
      return f;
    });
    const r = results(await runAsync(['scan', '--cluster-dump', ...dumps, '--tag', 'cluster', '--node-name', 'node-1', '--format', 'json']));
    expect(targets(r, 'cluster-terminating-namespaces')).toEqual(['namespaces/cattle-fleet-system', 'namespaces/kubesphere-system']);
    expect(targets(r, 'kubesphere-managed-namespace-labels')).toContain('namespaces/kube-system');
    expect(targets(r, 'cluster-validating-webhooks-service-gone')).toEqual(['validatingwebhookconfigurations/rancher.cattle.io', 'validatingwebhookconfigurations/users.iam.kubesphere.io']);
    expect(targets(r, 'k3s-node-password-secrets')).toEqual(['secrets/kube-system/node-2.node-password.k3s']);
    expect(targets(r, 'cluster-node-still-registered')).toEqual(['nodes/node-1']);
    // Not in the dump: unchecked, with the command that would dump it.
    expect(rule(r, 'cluster-volumeattachments-to-node').status).toBe('unchecked');
    expect(rule(r, 'cluster-volumeattachments-to-node').reason).toBe('the dump holds no volumeattachments: add the output of kubectl get volumeattachments -A -o json');
  }, 60_000);

  it('a file that is not kubectl JSON leaves the cluster rules unchecked, saying why', async () => {
    const bad = path.join(dir, 'not-json.txt');
    writeFileSync(bad, 'NAME STATUS AGE\nkube-system Active 3d\n');
    const r = results(await runAsync(['scan', '--cluster-dump', bad, '--tag', 'cluster', '--format', 'json']));
    expect(r.results.every((x) => x.status === 'unchecked' && x.reason?.startsWith(`${bad}: not JSON (`) && x.reason.endsWith('dump with kubectl get ... -A -o json'))).toBe(true);
  }, 60_000);
});

describe('the cluster client is loaded only for --cluster', () => {
  // A preload that reports whether the client chunk was required.
  const probe = (): string => {
    const file = path.join(dir, 'report-chunk-load.cjs');
    writeFileSync(
      file,
      "const M = require('node:module'); const load = M._load; let seen = false;\n" +
        "M._load = function (request, ...rest) { if (String(request).includes('kube-residue-cluster')) seen = true; return load.call(this, request, ...rest); };\n" +
        "process.on('exit', () => process.stderr.write(seen ? 'CLUSTER-CLIENT-LOADED\\n' : 'CLUSTER-CLIENT-NOT-LOADED\\n'));\n",
    );
    return file;
  };
  it('a node scan never loads it; a cluster scan does', async () => {
    const preload = probe();
    const node = await runAsync(['scan', '--root', fixture('hostroot'), '--format', 'json'], { NODE_OPTIONS: `--require ${preload}` });
    expect(node.stderr).toContain('CLUSTER-CLIENT-NOT-LOADED');
    const cluster = await runAsync([...CLUSTER, '--kubeconfig', kubeconfig], { NODE_OPTIONS: `--require ${preload}` });
    expect(cluster.stderr).toContain('CLUSTER-CLIENT-LOADED');
  }, 60_000);
});
