// renderScript: a POSIX sh script that passes sh -n, bash -n, dash and shellcheck; every host value stays one
// inert word (spaces, quotes, $, backticks, newlines, leading dashes, invisible characters); DRY_RUN=1 and
// --dry-run only print; the run-time checks (host, type seen, pid still the same process, port still held)
// hold. Real runs here act only on a temporary directory and on processes this test started.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planFix } from '../../src/fix/plan.js';
import { renderScript } from '../../src/fix/script.js';
import type { ScanResult } from '../../src/model/result.js';
import { commandAvailable, fromFindings, makeResult, pathRule, printedCommands, runShell, type RuleSpec } from './helpers.js';

const META = { generatedAt: '2026-03-14T10:00:00.000Z', generatorVersion: '0.1.0', source: 'report test.json' };
// dash is Debian's /bin/sh and the strictest common POSIX shell; elsewhere fall back to sh.
const DASH = commandAvailable('dash') ? 'dash' : 'sh';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const tmp = mkdtempSync(path.join(tmpdir(), 'kr-fix-script-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

function script(result: ScanResult): string {
  return renderScript(planFix(result, fromFindings), META);
}

function writeScript(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

/** Names that break naive scripts: spaces, quotes, $, backticks, newline, tab, leading dash, globs, invisible characters. */
const NASTY = [
  'a b',
  "it's",
  '$(touch PWNED)',
  '`touch PWNED`',
  'line\nbreak',
  'tab\there',
  '-rf',
  '--no-preserve-root',
  'semi;colon & amp | pipe',
  'a"b',
  'back\\slash',
  '*',
  '~user',
  '#hash',
  'x=1',
  '{a,b}',
  'ümlaut',
  'rtl\u202eexe.txt',
  'ctl\u0001char',
  "'",
  '!bang',
];

function expectSyntaxOk(file: string): void {
  for (const sh of ['sh', 'bash', 'dash']) {
    if (!commandAvailable(sh)) continue;
    const r = runShell(sh, ['-n', file]);
    expect(r.stderr, `${sh} -n`).toBe('');
    expect(r.status, `${sh} -n`).toBe(0);
  }
  if (commandAvailable('shellcheck')) {
    const r = runShell('shellcheck', [file]);
    expect(r.stdout + r.stderr, 'shellcheck').toBe('');
    expect(r.status).toBe(0);
  } else if (process.env.CI) {
    throw new Error('shellcheck is required on CI (apt-get install -y shellcheck)');
  }
}

describe('nasty targets', () => {
  const dir = path.join(tmp, 'nasty');
  mkdirSync(dir);
  const targets = NASTY.map((n) => path.join(dir, n));
  for (const t of targets) {
    mkdirSync(t);
    writeFileSync(path.join(t, 'f'), 'x');
  }
  writeFileSync(path.join(dir, 'keep-me'), 'not residue');
  const nastyChain = "KUBE-X'$(id)`";
  const result = makeResult(
    [
      pathRule('nasty-paths', targets),
      {
        id: 'nasty-iptables',
        kind: 'iptables',
        rebootClears: true,
        findings: [
          {
            target: 'r',
            vars: { iptables: 'iptables-nft', table: 'raw', chain: 'PREROUTING', rule: ['PREROUTING', '-m', 'comment', '--comment', "it's $(id) `id`\nnext line", '-j', 'NOTRACK'] },
          },
          { target: 'c', vars: { iptables: 'iptables-nft', table: 'nat', chain: nastyChain, jumps: [['OUTPUT', '-m', 'comment', '--comment', 'a b', '-j', nastyChain]] } },
        ],
      },
      {
        id: 'nasty-rule-command',
        kind: 'file-content',
        findings: [{ target: '/etc/passwd', evidence: "first line\nrm -rf / # second line of evidence", fix: ['userdel \\$\\(id\\)', "echo 'a\nb'", 'userdel "$(id)"'] }],
      },
    ],
    { hostname: hostname() },
  );
  const text = script(result);
  const file = writeScript('nasty.sh', text);

  it('passes sh -n, bash -n, dash -n and shellcheck', () => {
    expectSyntaxOk(file);
  });

  it('never evaluates host text and keeps every comment on one line', () => {
    // No line runs eval or a shell on a string (the words 'eval' may appear in comments).
    const code = text.split('\n').filter((l) => !/^\s*#/.test(l));
    expect(code.filter((l) => /(^|[;&|]\s*)eval\b|\bsh -c\b|\bbash -c\b/.test(l))).toEqual([]);
    expect(text.split('\n')).not.toContain('rm -rf / # second line of evidence');
    expect(text).toContain('# [nasty-rule-command] /etc/passwd: first line\\nrm -rf / # second line of evidence');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    // A rule command with live shell syntax is shown for a person, never run.
    expect(text).toMatch(/^# +userdel "\$\(id\)"$/m);
    expect(text).toMatch(/^set -eu$/m);
  });

  it('prints each command with exactly the planned words under dash with DRY_RUN=1, and changes nothing', () => {
    for (const run of [runShell(DASH, [file], { env: { DRY_RUN: '1' } }), runShell(DASH, [file, '--dry-run']), runShell(DASH, [file], { env: { DRY_RUN: 'yes' } })]) {
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const cmds = printedCommands(run.stdout);
      const rms = cmds.filter((w) => w[0] === 'rm');
      expect(rms).toEqual([...targets].sort().map((t) => ['rm', '-rf', '--', t]));
      expect(cmds).toContainEqual(['iptables-nft', '-w', '-t', 'raw', '-D', 'PREROUTING', '-m', 'comment', '--comment', "it's $(id) `id`\nnext line", '-j', 'NOTRACK']);
      expect(cmds).toContainEqual(['iptables-nft', '-w', '-t', 'nat', '-D', 'OUTPUT', '-m', 'comment', '--comment', 'a b', '-j', nastyChain]);
      expect(cmds).toContainEqual(['iptables-nft', '-w', '-t', 'nat', '-X', nastyChain]);
      expect(cmds).toContainEqual(['userdel', '$(id)']);
      expect(cmds).toContainEqual(['echo', 'a\nb']);
      // Every other output line is a '#' message: the dry run reads as a shell transcript.
      expect(run.stdout).toMatch(/^# dry run: nothing was changed$/m);
    }
    for (const t of targets) expect(existsSync(path.join(t, 'f'))).toBe(true);
    expect(existsSync(path.join(dir, 'PWNED'))).toBe(false);
    expect(existsSync('PWNED')).toBe(false);
  });

  it('also runs with bash in dry-run mode, printing the same', () => {
    const a = runShell(DASH, [file], { env: { DRY_RUN: '1' } });
    const b = runShell('bash', [file], { env: { DRY_RUN: '1' } });
    expect(printedCommands(b.stdout)).toEqual(printedCommands(a.stdout));
  });

  it.skipIf(!isRoot)('removes exactly those paths when run for real, and says so when run again', () => {
    // Only the path rule: a real run must not touch iptables or /etc/passwd.
    const only = makeResult([pathRule('nasty-paths', targets)], { hostname: hostname() });
    const real = writeScript('nasty-real.sh', script(only));
    const run = runShell(DASH, [real]);
    expect(run.stderr).toBe('');
    expect(run.status, run.stdout).toBe(0);
    for (const t of targets) expect(existsSync(t)).toBe(false);
    expect(readFileSync(path.join(dir, 'keep-me'), 'utf8')).toBe('not residue');
    expect(existsSync(path.join(dir, 'PWNED'))).toBe(false);
    const again = runShell(DASH, [real]);
    expect(again.status).toBe(0);
    expect(printedCommands(again.stdout)).toEqual([]);
    expect(again.stdout.match(/^# skip: already gone: /gm)).toHaveLength(targets.length);
  });
});

describe('script contract', () => {
  const dirTarget = path.join(tmp, 'contract', 'state');
  mkdirSync(dirTarget, { recursive: true });
  const result = makeResult([pathRule('kubernetes-var-lib-kubelet', [dirTarget])], { hostname: 'some-other-node', machineId: 'feedfacefeedfacefeedfacefeedface' });
  const text = script(result);
  const file = writeScript('contract.sh', text);

  it('has a header with host, times, versions, counts and verdict', () => {
    const head = text.split('\n').slice(0, 14).join('\n');
    expect(head).toContain('# Host:         some-other-node (Debian GNU/Linux 12 (bookworm), kernel 6.1.0, x86_64, machine-id feedfacefeedfacefeedfacefeedface)');
    expect(head).toContain('# Scanned:      2026-03-14T09:26:53.120Z to 2026-03-14T09:27:01.482Z (report test.json)');
    expect(head).toContain('# Generated:    2026-03-14T10:00:00.000Z');
    expect(head).toContain('# Tool:         kube-residue 0.1.0, rules version test');
    expect(head).toContain('# Rules:        1 evaluated: 1 found residue, 0 clean, 0 could not be checked');
    expect(head).toContain('# Findings:     1; verdict: residue');
    expectSyntaxOk(file);
  });

  it('says which rule and why for each step', () => {
    expect(text).toContain(`# [kubernetes-var-lib-kubelet] ${dirTarget}: directory, not empty`);
    expect(text).toMatch(/^# Phase 1\/1: Remove files and directories$/m);
    expect(text).toMatch(/^# Why: nothing is mounted below them any more/m);
  });

  it('refuses to run for real on another host, and rejects unknown arguments', () => {
    const other = runShell(DASH, [file]);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/this plan was made for host some-other-node, but this is /);
    expect(existsSync(dirTarget)).toBe(true);
    const dry = runShell(DASH, [file, '-n']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^# WARNING: this plan was made for host some-other-node/m);
    const bad = runShell(DASH, [file, '--force']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown argument: --force/);
    const help = runShell(DASH, [file, '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--dry-run/);
  });

  it('writes a valid script when everything is refused or left for a person', () => {
    const text2 = script(
      makeResult([
        pathRule('bad', ['/etc', '/usr']),
        { id: 'crd', kind: 'kube-resource', findings: [{ target: 'namespaces/x', fix: ['kubectl delete namespaces x'] }] },
      ]),
    );
    const f = writeScript('refused-only.sh', text2);
    expectSyntaxOk(f);
    const run = runShell(DASH, [f, '--dry-run']);
    expect(run.status).toBe(0);
    expect(printedCommands(run.stdout)).toEqual([]);
    expect(run.stdout).toMatch(/2 finding\(s\) refused by the plan itself/);
    expect(run.stdout).toMatch(/1 fix\(es\) are left for you to run by hand/);
  });

  it('writes a do-nothing script for a clean scan', () => {
    const clean = writeScript('clean.sh', script(makeResult([{ id: 'x', kind: 'path', findings: [] }])));
    expectSyntaxOk(clean);
    const run = runShell(DASH, [clean]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/found no residue; nothing to do/);
  });
});

describe.skipIf(!isRoot)('run-time checks (real runs on a temporary directory and this test\u2019s own processes)', () => {
  it('refuses a path that changed type since the scan (a directory replaced by a symlink)', () => {
    const base = path.join(tmp, 'swap');
    const victim = path.join(base, 'elsewhere');
    mkdirSync(victim, { recursive: true });
    writeFileSync(path.join(victim, 'data'), 'must stay');
    const target = path.join(base, 'state');
    mkdirSync(target);
    const file = writeScript('swap.sh', script(makeResult([pathRule('p', [target])], { hostname: hostname() })));
    rmSync(target, { recursive: true });
    symlinkSync(victim, target);
    const run = runShell(DASH, [file]);
    expect(run.status, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/REFUSED at run time: .*state changed since the scan \(it saw type d, now it is l\)/);
    expect(readFileSync(path.join(victim, 'data'), 'utf8')).toBe('must stay');
  });

  it('ends a shim with its descendants, and a process only while its pid has the name the scan saw', async () => {
    // A stand-in shim: the kernel names a script's process after the script (comm "containerd-shim").
    const shim = path.join(tmp, 'containerd-shim-runc-v2');
    writeFileSync(shim, '#!/bin/sh\nsleep 300 &\nsleep 300 &\nwait\n', { mode: 0o755 });
    const tree = spawn(shim, [], { stdio: 'ignore' });
    const other = spawn('sleep', ['300'], { stdio: 'ignore' });
    children.push(tree, other);
    let kids: string[] = [];
    for (let i = 0; i < 50 && kids.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      kids = readFileSync(`/proc/${tree.pid}/task/${tree.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    }
    expect(kids).toHaveLength(2);
    expect(readFileSync(`/proc/${tree.pid}/comm`, 'utf8').trim()).toBe('containerd-shim');
    const procRule: RuleSpec = {
      id: 'container-runtime-k8s-shims',
      kind: 'process',
      findings: [
        { target: `containerd-shim[${tree.pid}]`, vars: { target: `containerd-shim[${tree.pid}]`, pid: String(tree.pid), comm: 'containerd-shim', pidNamespace: 'host' } },
        { target: `kube-apiserver[${other.pid}]`, vars: { target: `kube-apiserver[${other.pid}]`, pid: String(other.pid), comm: 'kube-apiserver', pidNamespace: 'host' } },
      ],
    };
    const file = writeScript('procs.sh', script(makeResult([procRule], { hostname: hostname() })));
    const run = runShell(DASH, [file]);
    expect(run.status, run.stdout).toBe(0);
    const killed = printedCommands(run.stdout).find((w) => w[0] === 'kill');
    expect(killed?.slice(0, 3)).toEqual(['kill', '-s', 'TERM']);
    expect(new Set(killed?.slice(3))).toEqual(new Set([String(tree.pid), ...kids]));
    for (const p of kids) expect(alive(Number(p))).toBe(false);
    expect(alive(tree.pid ?? 0)).toBe(false);
    expect(run.stdout).toMatch(new RegExp(`skip: process kube-apiserver\\[${other.pid}\\] is gone or the pid now has another name`));
    expect(alive(other.pid ?? 0)).toBe(true);
  });

  it.skipIf(!commandAvailable('ss'))('ends a port owner only while it still listens there', async () => {
    const server = spawn(process.execPath, ['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'ignore'] });
    const bystander = spawn('sleep', ['300'], { stdio: 'ignore' });
    children.push(server, bystander);
    const port = await new Promise<string>((resolve) => server.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())));
    const portRule: RuleSpec = {
      id: 'kubernetes-apiserver-port',
      kind: 'port',
      findings: [{ target: `tcp/${port}`, vars: { target: `tcp/${port}`, port, protocol: 'tcp', pids: [String(server.pid), String(bystander.pid)] } }],
    };
    const file = writeScript('port.sh', script(makeResult([portRule], { hostname: hostname() })));
    const dry = runShell(DASH, [file], { env: { DRY_RUN: '1' } });
    expect(printedCommands(dry.stdout)).toEqual([['kill', '-s', 'TERM', String(server.pid)]]);
    const run = runShell(DASH, [file]);
    expect(run.status, run.stdout).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(server.exitCode !== null || server.signalCode !== null).toBe(true);
    expect(alive(bystander.pid ?? 0)).toBe(true);
  });
});

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}
