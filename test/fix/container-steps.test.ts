// Fix steps for `container` findings: through the runtime (crictl when the script finds it, else ctr's task kill,
// task delete, container delete per id, the sandbox last), the shim tree only as the last resort, images after
// the pods; malformed values refused. Stopped containers and images, which only a running containerd can remove from
// its metadata, are removed with ctr when containerd answers at run time, else refused at run time with what to
// do (the script never starts containerd). The dry run prints exactly what would run.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** A directory with a `ctr` that answers (exit 0) or not (exit 1): containerd running or not, for the dry run. */
function fakeCtr(up: boolean): string {
  const dir = path.join(tmp, up ? 'ctr-up' : 'ctr-down');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'ctr'), `#!/bin/sh\nexit ${up ? 0 : 1}\n`);
  chmodSync(path.join(dir, 'ctr'), 0o755);
  return dir;
}

const SB = 'a1'.repeat(32);
const STOPPED_SB = 'c3'.repeat(32);
const STOPPED_C = 'd4'.repeat(32);
const C1 = 'b2'.repeat(32);
const pod = {
  target: 'pod/kube-system/kube-apiserver-node-1',
  vars: { target: 'pod/kube-system/kube-apiserver-node-1', runtime: 'containerd', pod: 'kube-apiserver-node-1', podNamespace: 'kube-system', sandboxId: SB, ids: [C1, SB], address: '/run/containerd/containerd.sock', namespace: 'k8s.io', shimPids: ['4000'] },
};
const imageRule = { id: 'container-runtime-images', kind: 'container' as const, findings: [{ target: 'image/registry.k8s.io/pause:3.9', vars: { target: 'image/registry.k8s.io/pause:3.9', image: 'registry.k8s.io/pause:3.9', address: '/run/containerd/containerd.sock', runtime: 'containerd', namespace: 'k8s.io' } }] };
const result = makeResult([
  { id: 'container-runtime-k8s-pods', kind: 'container', findings: [pod] },
  { id: 'container-runtime-static-pods', kind: 'container', findings: [pod] },
  imageRule,
  {
    id: 'container-runtime-stopped-containers',
    kind: 'container',
    findings: [
      { target: 'pod/x/y', vars: { target: 'pod/x/y', runtime: 'containerd', state: 'stopped', sandboxId: '', ids: ['not-an-id; rm -rf /'], address: '/run/containerd/containerd.sock' } },
      { target: 'pod/batch/job-y', vars: { target: 'pod/batch/job-y', runtime: 'containerd', state: 'stopped', sandboxId: STOPPED_SB, ids: [STOPPED_C, STOPPED_SB], address: '/run/containerd/containerd.sock', namespace: 'k8s.io', shimPids: [] } },
    ],
  },
]);

describe('fix steps for container findings', () => {
  const plan = planFix(result, fromFindings);

  it('plans one step per pod (both rules), the image after it, and refuses a malformed id', () => {
    const steps = plan.steps.filter((s) => s.comment[0]?.startsWith('Through the runtime'));
    expect(steps.map((s) => s.comment[0])).toEqual(['Through the runtime: pod/kube-system/kube-apiserver-node-1', 'Through the runtime: pod/batch/job-y', 'Through the runtime: image/registry.k8s.io/pause:3.9']);
    expect(steps[0]?.ruleIds).toEqual(['container-runtime-k8s-pods', 'container-runtime-static-pods']);
    expect(plan.refused.map((r) => `${r.target}: ${r.reason}`)).toEqual(['pod/x/y: not a container id']);
  });

  it('runs crictl when present, else ctr per container (sandbox last), then the shim tree only if still there', () => {
    const file = path.join(tmp, 'fix.sh');
    writeFileSync(file, renderScript(plan, META));
    // Without crictl on PATH (only the shell's own tools), containerd answering.
    const noCrictl = runShell(SH, [file, '--dry-run'], { env: { PATH: `${fakeCtr(true)}:/usr/bin:/bin` } });
    const cmds = printedCommands(noCrictl.stdout + noCrictl.stderr).map((c) => c.join(' '));
    const ctr = (args: string): string => `ctr --address /run/containerd/containerd.sock --connect-timeout 5s --timeout 30s --namespace k8s.io ${args}`;
    expect(cmds.filter((c) => c.startsWith('ctr '))).toEqual([
      ctr(`task kill --signal SIGKILL ${C1}`),
      ctr(`task delete --force ${C1}`),
      ctr(`container delete ${C1}`),
      ctr(`task kill --signal SIGKILL ${SB}`),
      ctr(`task delete --force ${SB}`),
      ctr(`container delete ${SB}`),
      // The stopped pod: ctr by id (the CRI plugin need not know it), containers first; then the image.
      ctr(`task delete --force ${STOPPED_C}`),
      ctr(`container delete ${STOPPED_C}`),
      ctr(`task delete --force ${STOPPED_SB}`),
      ctr(`container delete ${STOPPED_SB}`),
      ctr('images remove registry.k8s.io/pause:3.9'),
    ]);
    expect(cmds.some((c) => c.startsWith('crictl'))).toBe(false);
    expect(noCrictl.stdout).not.toContain('refused at run time');
  });

  it('containerd not running: the stopped containers and the image are refused at run time with what to do, never started', () => {
    const file = path.join(tmp, 'fix.sh');
    writeFileSync(file, renderScript(plan, META));
    const down = runShell(SH, [file, '--dry-run'], { env: { PATH: `${fakeCtr(false)}:/usr/bin:/bin` } });
    const cmds = printedCommands(down.stdout + down.stderr).map((c) => c.join(' '));
    expect(cmds.filter((c) => c.includes('container delete') || c.includes('images remove')).filter((c) => !c.includes(C1) && !c.includes(SB))).toEqual([]);
    expect(cmds.some((c) => /systemctl|containerd(\s|$)/.test(c.split(' ')[0] ?? ''))).toBe(false);
    const refused = down.stdout.split('\n').filter((l) => l.includes('would be refused at run time'));
    expect(refused).toEqual([
      '# would be refused at run time: containerd is not running (nothing answers on /run/containerd/containerd.sock): start it, e.g. systemctl start containerd, and run kube-residue again; pod/batch/job-y (2 stopped container(s)) stays in its metadata until then',
      '# would be refused at run time: containerd is not running (nothing answers on /run/containerd/containerd.sock): start it, e.g. systemctl start containerd, and run kube-residue again; image/registry.k8s.io/pause:3.9 stays in its metadata until then',
    ]);
  });

  it('run for real with containerd down, the refusals make the script end with status 1', () => {
    const file = path.join(tmp, 'fix-images.sh');
    const images = planFix(makeResult([imageRule]), fromFindings);
    writeFileSync(file, renderScript(images, META).replace(/^kr_check_host .*$/m, ''));
    const r = runShell(SH, [file], { env: { PATH: `${fakeCtr(false)}:/usr/bin:/bin` } });
    expect(r.stdout).toMatch(/# REFUSED at run time: containerd is not running .*image\/registry\.k8s\.io\/pause:3\.9 stays in its metadata until then/);
    expect(r.stdout).toContain('1 refused at run time');
    expect(r.status).toBe(1);
  });

  it('the script is valid POSIX sh', () => {
    const file = path.join(tmp, 'fix.sh');
    writeFileSync(file, renderScript(plan, META));
    expect(runShell(SH, ['-n', file]).status).toBe(0);
  });
});
