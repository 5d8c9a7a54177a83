// Proof that the fix plan works on real kernel state: for each seed scenario, in the namespace sandbox, plant
// the residue plus the user's own state, scan with the built CLI, write the script (fix --from), run it with sh
// in the same sandbox, scan again. The rescan must show nothing the script addressed (only what the script
// itself lists as reboot-only may remain), and nothing of the user's changed: files (with checksums), the
// tmpfs, cgroup, myapp0, MYAPP-INPUT and DOCKER-USER with their jumps, nft table, ipset, process and port, and
// no host file on the overlay layers was deleted or written.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { planFix } from '../../src/fix/plan.js';
import { RESIDUE_SCENARIOS, requireSandboxOrSkip, runInSandbox, type SandboxResult } from '../sandbox/sandbox.js';
import { cliPath, repoRoot } from '../helpers/cli.js';
import { builtinTemplates, commandAvailable, printedCommands, runShell } from './helpers.js';

const skip = requireSandboxOrSkip();
const DRIVER = path.join(repoRoot, 'test', 'fix', 'sandbox-fix-run.sh');
const UNKNOWN_MOUNT = path.join(repoRoot, 'test', 'fix', 'sandbox-unknown-mount.sh');

interface FixRun {
  status: { scan1: number; fix: number; run: number; scan2: number };
  scan1: ScanResult;
  scan2: ScanResult;
  fixStderr: string;
  script: string;
  run: string;
  userBefore: string[];
  userAfter: string[];
  upperNew: string[];
}

function sections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = stdout.split(/^=====KR:([A-Z0-9_]+)=====\n/m);
  for (let i = 1; i < parts.length; i += 2) out.set(parts[i] ?? '', parts[i + 1] ?? '');
  return out;
}

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((l) => l !== '');
}

function runFix(scenarios: string[]): FixRun {
  const r: SandboxResult = runInSandbox({ scenarios, command: ['bash', DRIVER], env: { KR_FIX_CLI: cliPath }, timeoutMs: 170_000 });
  if (r.status !== 0 || !r.stdout.includes('=====KR:END=====')) {
    throw new Error(`sandbox run failed (status ${r.status}${r.timedOut ? ', timed out' : ''}):\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-4000)}`);
  }
  const s = sections(r.stdout);
  if ((s.get('STATUS') ?? '').startsWith('OUTSIDE:')) throw new Error(`refusing to run the fix script in the sandbox: ${s.get('STATUS') ?? ''}`);
  const st = /scan1=(\d+) fix=(\d+) run=(\d+) scan2=(\d+)/.exec(s.get('STATUS') ?? '');
  if (!st) throw new Error(`no status in sandbox output:\n${r.stdout.slice(0, 2000)}`);
  return {
    status: { scan1: Number(st[1]), fix: Number(st[2]), run: Number(st[3]), scan2: Number(st[4]) },
    scan1: JSON.parse(s.get('SCAN1') ?? 'null') as ScanResult,
    scan2: JSON.parse(s.get('SCAN2') ?? 'null') as ScanResult,
    fixStderr: s.get('FIX_STDERR') ?? '',
    script: s.get('SCRIPT') ?? '',
    run: s.get('RUN') ?? '',
    userBefore: lines(s.get('USER_BEFORE')),
    userAfter: lines(s.get('USER_AFTER')),
    upperNew: lines(s.get('UPPER_NEW')),
  };
}

function remaining(scan: ScanResult): Array<{ ruleId: string; target: string }> {
  return scan.results.flatMap((r) => r.findings.map((f) => ({ ruleId: r.ruleId, target: f.target })));
}

function isBelowOrAt(p: string, dir: string): boolean {
  return p === dir || p.startsWith(`${dir}/`);
}

/** Order checks on what the script printed while it ran. */
function checkOrder(run: string): void {
  const cmds = printedCommands(run);
  const at = (pred: (w: string[]) => boolean): number[] => cmds.map((w, i) => (pred(w) ? i : -1)).filter((i) => i >= 0);
  const kills = at((w) => w[0] === 'kill');
  const umounts = at((w) => w[0] === 'umount');
  const rms = at((w) => w[0] === 'rm');
  const links = at((w) => w[0] === 'ip' && w[1] === 'link' && w[2] === 'delete');
  const netns = at((w) => w[0] === 'ip' && w[1] === 'netns');
  // Processes die before anything they hold is unmounted (mounts before removals: checked per path below).
  for (const k of kills) for (const u of umounts) expect(k).toBeLessThan(u);
  // Network namespaces before links, links before iptables.
  for (const n of netns) for (const l of links) expect(n).toBeLessThan(l);
  // Per iptables command and table: every -D before any -F, every -F before any -X; never a bare -F/-X.
  const ipt = cmds.map((w, i) => ({ w, i })).filter(({ w }) => /^ip6?tables-(nft|legacy)$/.test(w[0] ?? ''));
  for (const { w } of ipt) {
    const op = w.find((x) => ['-D', '-F', '-X'].includes(x));
    expect(op).toBeDefined();
    const after = w.slice(w.indexOf(op ?? '') + 1);
    expect(after.length, `iptables ${op} without a chain: ${w.join(' ')}`).toBeGreaterThan(0);
  }
  const groups = new Map<string, Array<{ op: string; i: number }>>();
  for (const { w, i } of ipt) {
    const key = `${w[0]} ${w[w.indexOf('-t') + 1]}`;
    const op = w.find((x) => ['-D', '-F', '-X'].includes(x)) ?? '';
    groups.set(key, [...(groups.get(key) ?? []), { op, i }]);
  }
  for (const ops of groups.values()) {
    const last = (o: string): number => Math.max(-1, ...ops.filter((x) => x.op === o).map((x) => x.i));
    const first = (o: string): number => Math.min(Number.MAX_SAFE_INTEGER, ...ops.filter((x) => x.op === o).map((x) => x.i));
    expect(last('-D')).toBeLessThan(first('-F'));
    expect(last('-F')).toBeLessThan(first('-X'));
  }
  // Nothing under /sys or /proc is ever rm'ed, and no rm of a path below which an unmount came later.
  for (const r of rms) {
    const target = cmds[r]?.at(-1) ?? '';
    expect(target.startsWith('/sys/') || target.startsWith('/proc/')).toBe(false);
    for (const u of umounts) if (isBelowOrAt(cmds[u]?.at(-1) ?? '', target)) expect(u).toBeLessThan(r);
  }
}

describe.skipIf(skip !== undefined)(`fix plan in the namespace sandbox${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  for (const scenario of RESIDUE_SCENARIOS) {
    it(`${scenario}: the script clears what it addressed and nothing of the user's`, () => {
      const r = runFix(['user-state', scenario]);
      expect(r.status.scan1, 'the first scan finds residue').toBe(1);
      expect(r.scan1.summary.findings).toBeGreaterThan(0);
      expect(r.status.fix, r.fixStderr).toBe(0);
      expect(r.script.startsWith('#!/bin/sh\n')).toBe(true);
      if (commandAvailable('shellcheck')) {
        const sc = runShell('shellcheck', ['-s', 'sh', '-'], { input: r.script });
        expect(sc.stdout + sc.stderr, 'shellcheck').toBe('');
      }
      expect(r.status.run, r.run).toBe(0);
      expect(r.run).not.toMatch(/REFUSED at run time/);
      checkOrder(r.run);

      // What may remain: only what the plan itself lists as reboot-only (and the script reports as still there).
      const plan = planFix(r.scan1, builtinTemplates);
      const rebootOnly = new Set(plan.rebootOnly.filter((x) => x.check).map((x) => x.target));
      const left = remaining(r.scan2).filter((f) => !rebootOnly.has(f.target));
      expect(left, `rescan after the script:\n${r.run}`).toEqual([]);
      for (const f of remaining(r.scan2)) expect(r.run).toContain(`still there: ${f.target}`);
      expect(plan.refused).toEqual([]);

      // The user's state: every item was there before, and is there, unchanged, after.
      expect(r.userBefore.length).toBeGreaterThan(10);
      expect(r.userBefore.filter((l) => l.startsWith('MISSING'))).toEqual([]);
      expect(r.userAfter).toEqual(r.userBefore);
      // No host file on the overlays was deleted (a whiteout), written or created while the script ran.
      expect(r.upperNew).toEqual([]);
    }, 180_000);
  }

  it('refuses at run time to remove a directory with an unreported mount below it, and keeps its data', () => {
    const r = runFix(['user-state', UNKNOWN_MOUNT]);
    expect(r.status.fix, r.fixStderr).toBe(0);
    // The plan removes /etc/kubernetes (admin.conf collapses into it); the mount is not in any finding.
    expect(r.script).toMatch(/^kr_rm -rf d \/etc\/kubernetes \/etc\/kubernetes \/etc\/kubernetes$/m);
    expect(r.status.run, r.run).toBe(1);
    expect(r.run).toMatch(/REFUSED at run time: something is still mounted below \/etc\/kubernetes/);
    expect(printedCommands(r.run).filter((w) => w[0] === 'rm')).toEqual([]);
    expect(r.userAfter).toEqual(r.userBefore);
    expect(r.userAfter).toContain('OK path /etc/kubernetes/keep/precious.txt');
    expect(remaining(r.scan2).map((f) => f.target)).toContain('/etc/kubernetes');
  }, 180_000);
});
