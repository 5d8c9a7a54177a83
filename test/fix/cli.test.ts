// `kube-residue fix` as a user runs it (the built CLI): from a saved report or a live scan, to stdout or a file;
// exit 0 when a script was written, 2 on usage errors and invalid reports. It never runs the script.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/cli.js';
import { commandAvailable, printedCommands, runShell } from './helpers.js';

const DASH = commandAvailable('dash') ? 'dash' : 'sh';
const tmp = mkdtempSync(path.join(tmpdir(), 'kr-fix-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The saved report and the rules it was made with: `fix --from` derives every command again from those. */
const NASTY = ['--from', fixture('fix', 'nasty-node.json'), '--no-builtin', '--rules', fixture('fix', 'nasty-rules.yaml')];

function shellcheckClean(file: string): void {
  if (!commandAvailable('shellcheck')) return;
  const r = runShell('shellcheck', [file]);
  expect(r.stdout + r.stderr).toBe('');
}

describe('kube-residue fix --from', () => {
  it('writes the script to stdout and a summary to stderr, exit 0', () => {
    const run = runCli(['fix', ...NASTY]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.startsWith('#!/bin/sh\n')).toBe(true);
    expect(run.stdout).toContain('# Host:         fixture-node (');
    expect(run.stdout).toContain(`(report ${fixture('fix', 'nasty-node.json')})`);
    expect(run.stderr).toMatch(/fix plan written to standard output \(\d+ steps for 14 findings, 2 refused, 1 left for you\); kube-residue ran none of it/);
  });

  it('writes an executable file with -o that passes shellcheck and previews cleanly', () => {
    const out = path.join(tmp, 'fix.sh');
    const run = runCli(['fix', ...NASTY, '-o', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`sh ${out} --dry-run`);
    expect(statSync(out).mode & 0o111).not.toBe(0);
    shellcheckClean(out);
    const dry = runShell(DASH, [out, '--dry-run']);
    expect(dry.status, dry.stderr).toBe(0);
    const cmds = printedCommands(dry.stdout);
    // Dangerous targets and the nft injection attempt are comments, never commands.
    expect(cmds.some((w) => w.includes('/etc') || w.includes('/sys/fs/bpf/cilium') || w.some((x) => x.includes('flush ruleset')))).toBe(false);
    expect(cmds).toContainEqual(['iptables-nft', '-w', '-t', 'nat', '-D', 'PREROUTING', '-m', 'comment', '--comment', "kubernetes service portals; it's $(x)", '-j', 'KUBE-SERVICES']);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# REFUSED \[fixture-dangerous\] \/sys\/fs\/bpf\/cilium: under \/sys: kernel state/m);
    expect(text).toMatch(/^# +kubectl delete customresourcedefinitions x\.example\.io$/m);
  });

  it('says there is nothing to do for a clean report, and the script does nothing', () => {
    const out = path.join(tmp, 'clean.sh');
    const run = runCli(['fix', '--from', fixture('scan-results', 'clean-node.json'), '--output', out]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/Nothing to fix/);
    const sh = runShell(DASH, [out]);
    expect(sh.status).toBe(0);
    expect(sh.stdout).toMatch(/nothing to do/);
    shellcheckClean(out);
  });

  it('exits 2 for a missing, non-JSON or non-report file, and for scan options with --from', () => {
    const missing = runCli(['fix', '--from', path.join(tmp, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: ENOENT/);
    const notJson = runCli(['fix', '--from', fixture('fix', '..', 'rules', 'hostroot-rules.yaml')]);
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toMatch(/is not JSON/);
    const invalid = runCli(['fix', '--from', fixture('fix', 'not-a-report.json')]);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toMatch(/is not a kube-residue JSON report/);
    const clash = runCli(['fix', ...NASTY, '--rule', 'x', '--root', '/']);
    expect(clash.status).toBe(2);
    expect(clash.stderr).toMatch(/--rule, --root only apply to a live scan/);
    expect(runCli(['fix', '--bogus']).status).toBe(2);
    expect(existsSync(path.join(tmp, 'nope.json'))).toBe(false);
  });
});

describe('kube-residue fix (live scan)', () => {
  it('scans with the scan selection options and plans for the --root host', () => {
    const run = runCli(['fix', '--no-builtin', '--rules', fixture('rules', 'hostroot-rules.yaml'), '--root', fixture('hostroot'), '--timeout', '20']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('# Host:         node1 (');
    expect(run.stdout).toContain(`scanned through --root ${fixture('hostroot')}: the paths are that host\u2019s; run this on that host itself`);
    expect(run.stdout).toContain(`(live scan of --root ${fixture('hostroot')})`);
    // Static manifests early, the calico cgroup2 unmounted before /run/calico is removed.
    const order = ['kr_rm -f f /etc/kubernetes/manifests/kube-apiserver.yaml', 'kr_umount /run/calico/cgroup', 'kr_rm -rf d /run/calico'].map((s) => run.stdout.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Never a script path under --root: targets are host paths.
    expect(run.stdout.split('\n').filter((l) => !l.startsWith('#') && l.includes(fixture('hostroot')))).toEqual([]);
  });

  it('rejects unknown rule ids like scan does', () => {
    const run = runCli(['fix', '--no-builtin', '--rules', fixture('rules', 'hostroot-rules.yaml'), '--rule', 'no-such-rule']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown rule id: no-such-rule/);
  });
});
