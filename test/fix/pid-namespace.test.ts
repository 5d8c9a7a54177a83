// A process in another PID namespace than the host's PID 1 (a container's own process, a kubelet inside a kind
// node) is never ended: the probe marks it, the plan refuses it, and the script checks /proc/PID/ns/pid again
// at run time (a report that claims otherwise does not get it killed). A real process in its own PID namespace
// (unshare -p -f), named kubelet by its executable's name.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planFix } from '../../src/fix/plan.js';
import { renderScript } from '../../src/fix/script.js';
import { createProbeContext } from '../../src/probes/context.js';
import { readProcesses } from '../../src/probes/processes.js';
import { fromFindings, makeResult, runShell } from './helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kr-pidns-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});
const canUnshare = spawnSync('unshare', ['-p', '-f', 'true']).status === 0;

function sleepIn(dir: string): string {
  const bin = path.join(tmp, dir);
  copyFileSync('/bin/sleep', bin);
  return bin;
}

/** The pid of the process whose comm is `comm` below `parent` (unshare's forked child). */
async function childNamed(parent: number, comm: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    for (const p of spawnSync('pgrep', ['-P', String(parent)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
      try {
        if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() === comm) return Number(p);
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${comm} below ${parent}`);
}

describe('processes outside the host PID namespace', () => {
  it.skipIf(!canUnshare && !process.env.CI)('are marked by the probe, refused by the plan, and re-checked by the script', async () => {
    const bin = sleepIn('kubelet');
    const nested = spawn('unshare', ['-p', '-f', '--kill-child', bin, '300'], { stdio: 'ignore' });
    children.push(nested);
    const pid = await childNamed(nested.pid ?? 0, 'kubelet');
    expect(readlinkSync(`/proc/${pid}/ns/pid`)).not.toBe(readlinkSync('/proc/self/ns/pid'));

    const procs = readProcesses(createProbeContext({ root: '/', timeoutMs: 5000 }));
    expect(procs.find((p) => p.pid === pid)?.pidNamespace).toBe('other');
    expect(procs.find((p) => p.pid === nested.pid)?.pidNamespace).toBe('host');

    const finding = (ns: string | undefined) => ({ target: `kubelet[${pid}]`, vars: { target: `kubelet[${pid}]`, pid: String(pid), comm: 'kubelet', ...(ns === undefined ? {} : { pidNamespace: ns }) } });
    const plan = planFix(makeResult([{ id: 'k', kind: 'process', findings: [finding('other'), finding(undefined)] }], { hostname: hostname() }), fromFindings);
    expect(plan.steps).toEqual([]);
    expect(plan.refused.map((r) => r.reason)).toEqual([expect.stringMatching(/value "pidNamespace" is not one of host, pod$/), expect.stringMatching(/value "pidNamespace" is not one of host, pod \(the report does not say\)/)]);

    // A report that says "host" anyway (edited, or from a scanner that did not look): the script checks again.
    const lying = planFix(makeResult([{ id: 'k', kind: 'process', findings: [finding('host')] }], { hostname: hostname() }), fromFindings);
    const file = path.join(tmp, 'fix.sh');
    writeFileSync(file, renderScript(lying, { generatedAt: 'now', generatorVersion: '0.1.0', source: 'test' }));
    const run = runShell('dash', [file]);
    expect(run.stdout).toMatch(/REFUSED at run time: process kubelet\[\d+\] is not in the host's PID namespace/);
    expect(run.stdout).not.toMatch(/^\+ kill/m);
    expect(run.status).toBe(1);
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('kubelet');
  });
});
