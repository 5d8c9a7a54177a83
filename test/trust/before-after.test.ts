// Baselines and `diff` on real scans of a dirty node in the namespace sandbox (scenario remove-node): the
// baseline holds back every known finding and lets a new one through; `diff` of the scans before and after the
// operator fixed part of the node shows what disappeared, what stayed and what appeared.
import { describe, expect, it } from 'vitest';
import type { BaselineFile } from '../../src/baseline/baseline.js';
import type { ScanDiff } from '../../src/diff/diff.js';
import type { ScanResult } from '../../src/model/result.js';
import { requireSandboxOrSkip, runInSandbox } from '../sandbox/sandbox.js';

const skip = requireSandboxOrSkip();

describe.skipIf(skip !== undefined)('baseline and diff on real scans', () => {
  const r = runInSandbox({ scenarios: ['clean', 'remove-node'], command: ['bash', 'test/trust/before-after.sh'], timeoutMs: 180_000 });
  const status = new Map<string, number>();
  const files = new Map<string, string>();
  for (const part of r.stdout.split(/^=== /m).slice(1)) {
    const nl = part.indexOf('\n');
    const head = part.slice(0, nl).split(' ');
    if (head[0] === 'file') files.set(head[1] as string, part.slice(nl + 1));
    else status.set(head[0] as string, Number(head[1]));
  }
  const json = <T>(name: string): T => JSON.parse(files.get(name) ?? 'null') as T;
  const targets = (rep: ScanResult): string[] => rep.results.flatMap((x) => x.findings.map((f) => `${x.ruleId} ${f.target}`));

  it('writes a baseline of stable fingerprints (rule id + target, no pid, no list position)', () => {
    expect(r.status, r.stderr).toBe(0);
    const b = json<BaselineFile>('baseline.json');
    expect(b.format).toBe('kube-residue-baseline/1');
    expect(b.fingerprints).toContain('kubernetes-static-pod-manifests /etc/kubernetes/manifests/kube-apiserver.yaml');
    expect(b.fingerprints).toContain('kubernetes-kubelet-process kubelet');
    expect(b.fingerprints).toEqual([...b.fingerprints].sort());
    expect(b.fingerprints.length).toBe(new Set(targets(json<ScanResult>('before.json')).map((t) => t.replace(/\[\d+\]$/, ''))).size);
  });

  it('holds back every known finding on an unchanged node and says how many', () => {
    const again = json<ScanResult>('baselined.json');
    expect(targets(again)).toEqual([]);
    expect(again.baseline).toMatchObject({ heldBack: targets(json<ScanResult>('before.json')).length });
    expect(files.get('scan-baselined.stderr')).toMatch(/^kube-residue: the baseline held back \d+ known findings of \d+ rules$/m);
    expect(status.get('scan-baselined')).toBe(0);
  });

  it('lets only what is new through after the node changed', () => {
    const after = json<ScanResult>('after-baselined.json');
    expect(targets(after)).toEqual(['k3s-node-password /etc/rancher/node/password', 'rancher-etc-rancher /etc/rancher']);
    expect(status.get('scan-after-baselined')).toBe(1);
  });

  it('diff shows what disappeared, stayed and appeared, and exits 1 because something appeared', () => {
    const d = json<ScanDiff>('diff-json.stdout');
    expect(d.disappeared.map((e) => `${e.rule} ${e.target}`)).toEqual([
      'kubernetes-apiserver-port tcp/6443',
      'kubernetes-static-pod-manifests /etc/kubernetes/manifests/etcd.yaml',
      'kubernetes-static-pod-manifests /etc/kubernetes/manifests/kube-apiserver.yaml',
      'kubernetes-static-pod-manifests /etc/kubernetes/manifests/kube-controller-manager.yaml',
      'kubernetes-static-pod-manifests /etc/kubernetes/manifests/kube-scheduler.yaml',
      'kubernetes-static-pod-manifests /etc/kubernetes/manifests/nginx-proxy.yaml',
    ]);
    expect(d.appeared.map((e) => `${e.rule} ${e.target}`)).toEqual(['k3s-node-password /etc/rancher/node/password', 'rancher-etc-rancher /etc/rancher']);
    // A process is the same leftover under the same pid or another: it stayed.
    expect(d.stayed.map((e) => e.rule)).toContain('kubernetes-kubelet-process');
    expect(status.get('diff-json')).toBe(1);
    expect(files.get('diff-table.stdout')).toMatch(/│ disappeared │ critical │ kubernetes-apiserver-port\s+│ tcp\/6443\s+│/);
    expect(files.get('diff-table.stdout')).toMatch(/^2 appeared, 6 disappeared, \d+ stayed$/m);
    expect(files.get('diff-markdown.stdout')).toContain('### Disappeared (6)');
    expect(files.get('diff-markdown.stdout')).toContain('| high | `k3s-node-password` | `/etc/rancher/node/password` |');
  });

  it('diff of a scan with itself: nothing appeared, exit 0', () => {
    expect(json<ScanDiff>('diff-same.stdout').appeared).toEqual([]);
    expect(status.get('diff-same')).toBe(0);
  });
});
