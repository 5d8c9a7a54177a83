// Fix steps for `container` findings: through the runtime (crictl when the script finds it, else ctr's task kill,
// task delete, container delete per id, the sandbox last), the shim tree only as the last resort, images after
// the pods; malformed values refused. The dry run prints exactly what would run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planFix } from '../../src/fix/plan.js';
import { renderScript } from '../../src/fix/script.js';
import { commandAvailable, fromFindings, makeResult, printedCommands, runShell } from './helpers.js';

const META = { generatedAt: '2026-03-14T10:00:00.000Z', generatorVersion: '0.1.0', source: 'report test.json' };
const SH = commandAvailable('dash') ? 'dash' : 'sh';
const tmp = mkdtempSync(path.join(tmpdir(), 'kr-fix-containers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SB = 'a1'.repeat(32);
const C1 = 'b2'.repeat(32);
const pod = {
  target: 'pod/kube-system/kube-apiserver-node-1',
  vars: { target: 'pod/kube-system/kube-apiserver-node-1', runtime: 'containerd', pod: 'kube-apiserver-node-1', podNamespace: 'kube-system', sandboxId: SB, ids: [C1, SB], address: '/run/containerd/containerd.sock', namespace: 'k8s.io', shimPids: ['4000'] },
};
const result = makeResult([
  { id: 'container-runtime-k8s-pods', kind: 'container', findings: [pod] },
  { id: 'container-runtime-static-pods', kind: 'container', findings: [pod] },
  { id: 'container-runtime-images', kind: 'container', findings: [{ target: 'image/registry.k8s.io/pause:3.9', vars: { target: 'image/registry.k8s.io/pause:3.9', image: 'registry.k8s.io/pause:3.9', address: '/run/containerd/containerd.sock', runtime: 'containerd', namespace: 'k8s.io' } }] },
  { id: 'container-runtime-stopped-containers', kind: 'container', findings: [{ target: 'pod/x/y', vars: { target: 'pod/x/y', runtime: 'containerd', sandboxId: '', ids: ['not-an-id; rm -rf /'], address: '/run/containerd/containerd.sock' } }] },
]);

describe('fix steps for container findings', () => {
  const plan = planFix(result, fromFindings);

  it('plans one step per pod (both rules), the image after it, and refuses a malformed id', () => {
    const steps = plan.steps.filter((s) => s.comment[0]?.startsWith('Through the runtime'));
    expect(steps.map((s) => s.comment[0])).toEqual(['Through the runtime: pod/kube-system/kube-apiserver-node-1', 'Through the runtime: image/registry.k8s.io/pause:3.9']);
    expect(steps[0]?.ruleIds).toEqual(['container-runtime-k8s-pods', 'container-runtime-static-pods']);
    expect(plan.refused.map((r) => `${r.target}: ${r.reason}`)).toEqual(['pod/x/y: not a container id']);
  });

  it('runs crictl when present, else ctr per container (sandbox last), then the shim tree only if still there', () => {
    const file = path.join(tmp, 'fix.sh');
    writeFileSync(file, renderScript(plan, META));
    // Without crictl on PATH (only the shell's own tools).
    const noCrictl = runShell(SH, [file, '--dry-run'], { env: { PATH: '/usr/bin:/bin' } });
    const cmds = printedCommands(noCrictl.stdout + noCrictl.stderr).map((c) => c.join(' '));
    const ctr = (args: string): string => `ctr --address /run/containerd/containerd.sock --connect-timeout 5s --timeout 30s --namespace k8s.io ${args}`;
    expect(cmds.filter((c) => c.startsWith('ctr '))).toEqual([
      ctr(`task kill --signal SIGKILL ${C1}`),
      ctr(`task delete --force ${C1}`),
      ctr(`container delete ${C1}`),
      ctr(`task kill --signal SIGKILL ${SB}`),
      ctr(`task delete --force ${SB}`),
      ctr(`container delete ${SB}`),
      ctr('images remove registry.k8s.io/pause:3.9'),
    ]);
    expect(cmds.some((c) => c.startsWith('crictl'))).toBe(false);
  });

  it('the script is valid POSIX sh', () => {
    const file = path.join(tmp, 'fix.sh');
    writeFileSync(file, renderScript(plan, META));
    expect(runShell(SH, ['-n', file]).status).toBe(0);
  });
});
