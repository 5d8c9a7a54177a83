// Every permission error is `unchecked`, never "nothing there". Run as an unprivileged user against a --root
// whose files only root may read: the legacy iptables table list (once read as "no legacy tables", so a
// legacy-only rule said CLEAN while a KUBE chain existed), a directory a non-empty rule must list, and a
// directory a glob must walk through.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { repoRoot } from '../helpers/cli.js';

const canSwitchUser = process.getuid?.() === 0 && spawnSync('runuser', ['-u', 'nobody', '--', 'true']).status === 0;

function rule(id: string, check: string): string {
  return `  - id: ${id}\n    title: t\n    severity: high\n    description: d\n    tags: []\n    profiles: []\n    check: ${check}\n    fix: { commands: [] }\n    rebootClears: false\n    references: []\n`;
}

describe.skipIf(!canSwitchUser)('permission errors as a user who is not root', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-perm-'));
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'), { recursive: true });

  // The mounted host: root-only files and directories, as on a real node.
  const root = path.join(dir, 'host');
  const make = (p: string, text: string, mode: number): void => {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), text);
    chmodSync(path.join(root, p), mode);
  };
  make('etc/hostname', 'node\n', 0o644);
  make('proc/1/net/ip_tables_names', 'filter\nnat\n', 0o440);
  make('var/lib/etcd/member/snap/db', 'x', 0o600);
  chmodSync(path.join(root, 'var/lib/etcd'), 0o700);
  make('var/lib/secret/pods/x/volume', 'x', 0o600);
  chmodSync(path.join(root, 'var/lib/secret'), 0o700);
  for (const d of ['', 'etc', 'proc', 'proc/1', 'proc/1/net', 'var', 'var/lib']) chmodSync(path.join(root, d), 0o755);

  const rules = path.join(dir, 'rules.yaml');
  writeFileSync(
    rules,
    `pack: perm\nrules:\n${rule('t-legacy-kube-chains', '{ kind: iptables, chains: ["KUBE-*"], backends: [legacy], families: [ipv4] }')}${rule(
      't-etcd-data',
      '{ kind: path, paths: [/var/lib/etcd], type: dir, condition: non-empty }',
    )}${rule('t-pod-volumes', '{ kind: path, paths: ["/var/lib/*/*/x"] }')}${rule('t-pod-dirs', '{ kind: path, paths: ["/var/lib/*/pods/x"] }')}${rule('t-deep-glob', '{ kind: path, paths: ["/var/lib/**/volume"] }')}`,
  );
  chmodSync(rules, 0o644);

  const run = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, path.join(dir, 'dist', 'kube-residue.cjs'), 'scan', '--root', root, '--no-builtin', '--rules', rules, '--format', 'json'], {
    encoding: 'utf8',
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' },
  });
  const report = JSON.parse(run.stdout) as ScanResult;
  const result = (id: string) => report.results.find((r) => r.ruleId === id);

  it('an unreadable ip_tables_names makes the legacy rule unchecked, not clean', () => {
    expect(result('t-legacy-kube-chains')?.status).toBe('unchecked');
    expect(result('t-legacy-kube-chains')?.reason).toMatch(/ip_tables_names: EACCES \(permission denied; run as root\)/);
  });

  it('a directory that cannot be listed is not "empty" for a non-empty rule', () => {
    expect(result('t-etcd-data')?.status).toBe('unchecked');
    expect(result('t-etcd-data')?.reason).toMatch(/\/var\/lib\/etcd: EACCES/);
  });

  it('a glob whose way runs through an unreadable directory is unchecked', () => {
    expect(result('t-pod-volumes')?.status).toBe('unchecked');
    expect(result('t-pod-volumes')?.reason).toMatch(/\/var\/lib\/secret: EACCES/);
  });

  it('a literal step below an unreadable directory is unchecked too, and the other rules still run', () => {
    expect(result('t-pod-dirs')?.status).toBe('unchecked');
    expect(result('t-pod-dirs')?.reason).toMatch(/\/var\/lib\/(secret|etcd): EACCES/);
  });

  it('a ** glob (walked by fast-glob) through an unreadable directory is unchecked too', () => {
    expect(result('t-deep-glob')?.status).toBe('unchecked');
    expect(result('t-deep-glob')?.reason).toMatch(/\/var\/lib\/(secret|etcd): EACCES/);
  });

  it('so the scan exits 3, not 0', () => {
    expect(report.verdict).toBe('unchecked');
    expect(run.status).toBe(3);
  });
});

describe.skipIf(!canSwitchUser)('/proc with hidepid, as a user who is not root', () => {
  it('the process rules are unchecked (other users’ processes are hidden), not clean', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-hidepid-'));
    chmodSync(dir, 0o755);
    try {
      cpSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'), { recursive: true });
      // A PID and mount namespace of its own with a fresh /proc remounted hidepid=2: the host's /proc is untouched.
      const script = `mount -o remount,hidepid=2 /proc && exec runuser -u nobody -- "$0" "$1" scan --rule kubernetes-kubelet-process --format json`;
      const run = spawnSync('unshare', ['--pid', '--fork', '--mount', '--mount-proc', 'sh', '-c', script, process.execPath, path.join(dir, 'dist', 'kube-residue.cjs')], {
        encoding: 'utf8',
        cwd: '/',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' },
      });
      const report = JSON.parse(run.stdout) as ScanResult;
      expect(report.results[0]?.status).toBe('unchecked');
      expect(report.results[0]?.reason).toMatch(/\/proc is mounted with hidepid=(2|invisible): other users' processes are hidden \(run as root\)/);
      expect(run.status).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
