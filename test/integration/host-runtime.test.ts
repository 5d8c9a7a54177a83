// This machine's own container runtimes and the PID namespaces of containers, on real kernel state in the
// namespace sandbox:
//  - the harness hides the machine's runtime configuration, state and units by default (no test depends on
//    what the image has installed) and shows them on request;
//  - with them shown, a scan of the idle host reports nothing in any profile: on a machine with Debian's
//    containerd, runc, CNI plugins, docker.io and podman this proves provenance and the runtime conditions; on
//    one without them it still holds;
//  - processes in PID namespaces of their own are not the host's residue (a kind-style node's kubelet and
//    etcd), except the processes of this host's pods (pause and a container, left behind by a killed shim).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { requireSandboxOrSkip, runInSandbox } from '../sandbox/sandbox.js';
import { allFindings, scanSandbox } from './sandbox-scan.js';

const skip = requireSandboxOrSkip();
const HOST_RUNTIME_PATHS = ['/etc/containerd', '/etc/cni', '/usr/lib/systemd/system/containerd.service', '/usr/lib/systemd/system/docker.service', '/var/lib/containerd', '/var/lib/docker'];

describe.skipIf(skip !== undefined)("the machine's own runtimes in the sandbox", () => {
  it('are hidden by default and shown with hostRuntime: keep', () => {
    const script = `for p in ${HOST_RUNTIME_PATHS.join(' ')}; do if [ -e "$p" ]; then echo "$p"; fi; done`;
    const hidden = runInSandbox({ scenarios: ['clean'], command: ['sh', '-c', script] });
    expect(hidden.status).toBe(0);
    expect(hidden.stdout).toBe('');
    const kept = runInSandbox({ scenarios: ['clean'], command: ['sh', '-c', script], hostRuntime: 'keep' });
    expect(kept.stdout.split('\n').filter(Boolean)).toEqual(HOST_RUNTIME_PATHS.filter((p) => existsSync(p)));
  });

  it.each(['post-reset', 'pre-join', 'decommission', 'all'])('an idle host with its packages visible: nothing found (--profile %s)', (profile) => {
    const run = runInSandbox({
      scenarios: ['clean'],
      command: ['node', 'dist/kube-residue.cjs', 'scan', '--format', 'json', '--profile', profile],
      hostRuntime: 'keep',
      timeoutMs: 120_000,
    });
    const report = JSON.parse(run.stdout) as ScanResult;
    expect(allFindings(report).map((h) => `${h.ruleId} ${h.target}`)).toEqual([]);
    expect(run.status).toBe(0);
  });
});

describe.skipIf(skip !== undefined)('processes in PID namespaces of their own', () => {
  const { report, planted } = scanSandbox(['test/integration/pidns-pods.sh']);
  const hits = allFindings(report);

  it("a kind-style node's kubelet and etcd are not this host's residue", () => {
    expect(planted.filter((p) => p.class === 'user' && p.kind === 'process').map((p) => p.id)).toEqual(['kubelet', 'etcd']);
    expect(hits.filter((h) => /^(kubelet|etcd)\[/.test(h.target))).toEqual([]);
  });

  it("a leaked pod's pause and container processes are reported as the pod's, marked for a kill in the host's view", () => {
    const pod = report.results.find((r) => r.ruleId === 'container-runtime-k8s-pod-processes');
    expect(pod?.findings.map((f) => f.target.replace(/\[\d+\]$/, '')).sort()).toEqual(['coredns', 'pause']);
    for (const f of pod?.findings ?? []) {
      expect(f.evidence).toMatch(/pod process \(cgroup \/kubepods\.slice\//);
      expect(f.vars.pidNamespace).toBe('pod');
    }
  });
});
