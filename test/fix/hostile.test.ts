// The hostile scenario (test/sandbox/scenarios/hostile.sh) end to end in the namespace sandbox: scan with the
// built CLI, write the fix script, shellcheck it, let the admin edit /etc/hosts (hostile-between.sh), run the
// script (sysctl, modprobe, swapon and other host-wide commands stubbed by sandbox-fix-run.sh), scan again.
// Every residue object must be gone, every user object unchanged byte for byte, no canary command may have
// run, and the rescan must be clean (a kubelet in its own PID namespace is not the host's: never a finding).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFix } from '../../src/fix/plan.js';
import type { ScanResult } from '../../src/model/result.js';
import { cliPath, repoRoot } from '../helpers/cli.js';
import { requireSandboxOrSkip, runInSandbox } from '../sandbox/sandbox.js';
import { builtinTemplates, commandAvailable, runShell } from './helpers.js';

const skip = requireSandboxOrSkip();
const DRIVER = path.join(repoRoot, 'test', 'fix', 'sandbox-fix-run.sh');
const BETWEEN = path.join(repoRoot, 'test', 'fix', 'hostile-between.sh');

function sections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = stdout.split(/^=====KR:([A-Z0-9_]+)=====\n/m);
  for (let i = 1; i < parts.length; i += 2) out.set(parts[i] ?? '', parts[i + 1] ?? '');
  return out;
}

const lines = (t: string | undefined): string[] => (t ?? '').split('\n').filter((l) => l !== '');
const targets = (scan: ScanResult): string[] => scan.results.flatMap((r) => r.findings.map((f) => `${r.ruleId} ${f.target}`));

describe.skipIf(skip !== undefined)('hostile names and near misses in the namespace sandbox', () => {
  it('removes exactly the residue, keeps the user\u2019s objects byte for byte, runs no canary', () => {
    const r = runInSandbox({
      scenarios: ['user-state', 'hostile'],
      command: ['bash', DRIVER],
      env: {
        KR_FIX_CLI: cliPath,
        KR_FIX_BETWEEN: BETWEEN,
      },
      timeoutMs: 170_000,
    });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    const s = sections(r.stdout);
    const status = s.get('STATUS') ?? '';
    expect(status, status).not.toMatch(/^OUTSIDE/);
    const st = /scan1=(\d+) fix=(\d+) run=(\d+) scan2=(\d+)/.exec(status);
    expect(st, r.stdout.slice(0, 3000)).not.toBeNull();
    const scan1 = JSON.parse(s.get('SCAN1') ?? 'null') as ScanResult;
    const scan2 = JSON.parse(s.get('SCAN2') ?? 'null') as ScanResult;
    const script = s.get('SCRIPT') ?? '';
    const run = s.get('RUN') ?? '';

    // What the first scan saw of the hostile names (escaped where not UTF-8).
    const seen = targets(scan1);
    expect(seen).toContain('kubernetes-cni-net-d /etc/cni/net.d/10-bad\\xff\\xfe.conflist');
    expect(seen).toContain('kubernetes-cni-net-d /etc/cni/net.d/10-new\nline.conf');
    expect(seen).toContain('k3s-env-files /etc/default/k3s-*');
    expect(seen).toContain('kubespray-etcd-backups /var/backups/etcd-bad\\xff\\xfe');
    expect(seen.filter((t) => /calico-user|kube-notes|etcdctl-notes|etcd-bad\ufffd/.test(t))).toEqual([]);
    expect(seen.filter((t) => t.includes('169.254.25.101'))).toEqual([]);
    // What a person would paste from the report for a hostile name gives dash that name's exact bytes (the words
    // are only expanded here, with `set --`: nothing is run), never the \xHH spelling, which names another file.
    const odd = scan1.results.flatMap((x) => x.findings).filter((f) => f.vars.targetHex !== undefined || /[\n\u001b\u202e]/.test(f.target));
    expect(odd.length).toBeGreaterThanOrEqual(3);
    for (const f of odd) {
      const want = typeof f.vars.targetHex === 'string' ? f.vars.targetHex : Buffer.from(f.target).toString('hex');
      for (const c of f.fix.filter((x) => x.startsWith('rm '))) {
        const args = runShell('dash', ['-c', `set -f; set -- ${c}; for a; do printf '%s' "$a" | od -An -v -tx1 | tr -d ' \\n'; echo; done`]).stdout.split('\n');
        expect(args, c).toContain(want);
      }
    }

    expect(Number(st?.[2]), s.get('FIX_STDERR')).toBe(0);
    if (commandAvailable('shellcheck')) {
      const sc = runShell('shellcheck', ['-s', 'sh', '-'], { input: script });
      expect(sc.stdout + sc.stderr, 'shellcheck').toBe('');
    }
    // The kubelet in its own PID namespace is not the host's: not a finding, nothing refused.
    expect(seen.filter((t) => t.startsWith('kubernetes-kubelet-process'))).toEqual([]);
    const plan = planFix(scan1, builtinTemplates);
    expect(plan.refused).toEqual([]);
    expect(Number(st?.[3]), run).toBe(0);
    expect(run).not.toMatch(/REFUSED at run time/);

    // No canary ran; the user's objects are all there and unchanged.
    expect(lines(s.get('CANARY'))).toEqual([]);
    const before = lines(s.get('USER_BEFORE'));
    expect(before.filter((l) => l.startsWith('MISSING'))).toEqual([]);
    expect(lines(s.get('USER_AFTER'))).toEqual(before);
    expect(before).toContain('OK path /var/backups/etcd-bad\ufffd\ufffd');
    expect(before).toContain('OK iptables-chain ip/nft/filter/MY"CHAIN');
    expect(before).toContain('OK process kubelet');
    expect(lines(s.get('UPPER_NEW'))).toEqual([]);
    const ipt = s.get('IPTABLES') ?? '';
    expect(ipt).toContain('-A PREROUTING -d 169.254.25.101/32 -p udp -m udp --dport 53 -j NOTRACK');
    expect(ipt).not.toContain('169.254.25.10/32');
    expect(ipt).toContain('-A INPUT -m comment --comment "user chain" -j MY"CHAIN');
    expect(ipt).not.toMatch(/KUBE-Q"X|KUBE-\\Z/);
    // /etc/hosts: the admin's lines (inserted after the scan, some not UTF-8) byte for byte, the block gone.
    expect(s.get('HOSTS')).toBe(
      '# added after the scan \t\n10.9.9.9 vault.home vault\n10.9.9.10 caf\ufffd.home\n127.0.0.1 localhost\n192.168.77.5 printer.home printer\n192.168.77.6 nas.home nas\n10.0.0.11 node1.cluster.local node1-but-mine\n',
    );

    // The rescan: clean but for what the plan says a reboot clears.
    const rebootOnly = new Set(plan.rebootOnly.filter((x) => x.check).map((x) => x.target));
    expect(targets(scan2).filter((t) => !rebootOnly.has(t.split(' ').slice(1).join(' ')))).toEqual([]);
  }, 180_000);
});
