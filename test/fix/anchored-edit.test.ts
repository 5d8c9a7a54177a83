// Shared-file edits are anchored to content: the script removes exactly the lines (or marker block) the scan
// saw, wherever they are now, and refuses when they are gone or more than once there. Real rules
// (kubespray's /etc/hosts block and sysctl lines), the real check, and the script run with dash on files in a
// temporary directory; the user's lines must survive byte for byte.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileContentCheck } from '../../src/checks/file-content.js';
import { renderFix } from '../../src/fix/template.js';
import { planFix } from '../../src/fix/plan.js';
import { renderScript } from '../../src/fix/script.js';
import type { FileContentCheck } from '../../src/model/rule.js';
import type { ProbeContext } from '../../src/probes/context.js';
import { loadRuleFiles } from '../../src/rules/load.js';
import { fromFindings, makeResult, runShell, type RuleSpec } from './helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kr-anchored-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const rules = loadRuleFiles(['rules/kubespray.yaml', 'rules/kubekey.yaml'], { builtin: true }).rules;
const META = { generatedAt: '2026-03-14T10:00:00.000Z', generatorVersion: '0.1.0', source: 'test' };

/** Scans `file` with the built-in rule `id` as if it were the rule's own path, as a scan would report it. */
function scanFile(id: string, file: string): RuleSpec {
  const rule = rules.find((r) => r.id === id);
  if (!rule || rule.check.kind !== 'file-content') throw new Error(`no file-content rule ${id}`);
  const check = rule.check as FileContentCheck;
  const facts = new Map(check.paths.map((p) => [p, [{ hostPath: file, text: readFileSync(file, 'utf8') }]]));
  const { findings } = fileContentCheck.match(check, facts, {} as ProbeContext);
  return { id, kind: 'file-content', findings: findings.map((f) => ({ target: f.target, evidence: f.evidence, vars: f.vars, fix: renderFix(rule.fix.commands, f.vars) })) };
}

function fixScript(specs: RuleSpec[], name: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, renderScript(planFix(makeResult(specs, { hostname: hostname() }), fromFindings), META));
  return file;
}

const BLOCK = '# Ansible inventory hosts BEGIN\n10.0.0.11 node1.cluster.local node1\n10.0.0.12 node2.cluster.local node2\n# Ansible inventory hosts END\n';
const HOSTS = `127.0.0.1 localhost\n::1 localhost ip6-localhost\n${BLOCK}192.168.1.5 printer\n`;
const SYSCTL = '# user settings\nvm.swappiness = 10\nfs.may_detach_mounts = 1\nnet.core.somaxconn = 4096\nkernel.keys.root_maxkeys = 1000000\n';

describe('content-anchored shared-file edits', () => {
  it('removes exactly what the scan saw after the user inserted lines above and below, keeping theirs byte for byte', () => {
    const hosts = path.join(tmp, 'hosts');
    const sysctl = path.join(tmp, 'sysctl.conf');
    writeFileSync(hosts, HOSTS);
    writeFileSync(sysctl, SYSCTL);
    const script = fixScript([scanFile('kubespray-hosts-inventory-block', hosts), scanFile('kubespray-sysctl-settings', sysctl)], 'edit.sh');
    // Edited between scan and fix: lines inserted above (a line-number edit would now delete these).
    const userTop = '# added by the admin after the scan\n10.9.9.9 vault\n\t spaced  line \r\n';
    writeFileSync(hosts, userTop + HOSTS + '10.0.0.11 node1.cluster.local node1-user-copy\n');
    writeFileSync(sysctl, `kernel.keys.root_maxkeys_user = 1\n# fs.may_detach_mounts = 1 (a note)\n${SYSCTL}`);
    const run = runShell('dash', [script]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(hosts, 'utf8')).toBe(`${userTop}127.0.0.1 localhost\n::1 localhost ip6-localhost\n192.168.1.5 printer\n10.0.0.11 node1.cluster.local node1-user-copy\n`);
    expect(readFileSync(sysctl, 'utf8')).toBe('kernel.keys.root_maxkeys_user = 1\n# fs.may_detach_mounts = 1 (a note)\n# user settings\nvm.swappiness = 10\nnet.core.somaxconn = 4096\n');
    expect(run.stdout).not.toMatch(/\bsed\b/);
  });

  it('refuses and leaves the file as it is when the lines seen are gone, or are there more often than seen', () => {
    const hosts = path.join(tmp, 'hosts2');
    const sysctl = path.join(tmp, 'sysctl2.conf');
    writeFileSync(hosts, HOSTS);
    writeFileSync(sysctl, SYSCTL);
    const script = fixScript([scanFile('kubespray-hosts-inventory-block', hosts), scanFile('kubespray-sysctl-settings', sysctl)], 'edit2.sh');
    const hostsNow = HOSTS.replace('10.0.0.12 node2.cluster.local node2\n', ''); // the block is no longer the one seen
    const sysctlNow = `${SYSCTL}fs.may_detach_mounts = 1\n`; // a second copy: which one is residue is unclear
    writeFileSync(hosts, hostsNow);
    writeFileSync(sysctl, sysctlNow);
    const run = runShell('dash', [script]);
    expect(run.status, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/REFUSED at run time: none of the lines the scan saw is in .*hosts2 any more/);
    expect(run.stdout).toMatch(/REFUSED at run time: .*sysctl2\.conf changed since the scan: the lines it saw are there more often than it saw them/);
    expect(readFileSync(hosts, 'utf8')).toBe(hostsNow);
    expect(readFileSync(sysctl, 'utf8')).toBe(sysctlNow);
  });

  it('keeps a file without a final newline, and CRLF lines, byte for byte', () => {
    const hosts = path.join(tmp, 'hosts4');
    const crlf = '127.0.0.1 localhost\r\n# Ansible inventory hosts BEGIN\n10.0.0.11 node1\n# Ansible inventory hosts END\n10.9.9.9 vault\r\nlast line without newline';
    writeFileSync(hosts, crlf);
    const script = fixScript([scanFile('kubespray-hosts-inventory-block', hosts)], 'edit4.sh');
    const run = runShell('dash', [script]);
    expect(run.status, run.stdout).toBe(0);
    expect(readFileSync(hosts, 'utf8')).toBe('127.0.0.1 localhost\r\n10.9.9.9 vault\r\nlast line without newline');
  });

  it('applies a rule\u2019s substitution (kubekey\u2019s swap line) to exactly the lines seen, not to lines added since', () => {
    const fstab = path.join(tmp, 'fstab');
    writeFileSync(fstab, 'UUID=1 / ext4 defaults 0 1\n#/swap.img none swap sw 0 0\n');
    const script = fixScript([scanFile('kubekey-fstab-swap-commented', fstab)], 'fstab.sh');
    expect(readFileSync(script, 'utf8')).toMatch(/^kr_edit_replace /m);
    // After the scan the admin adds a swap entry of their own, commented out on purpose.
    writeFileSync(fstab, 'UUID=1 / ext4 defaults 0 1\n#/dev/sdb2 none swap sw 0 0\n#/swap.img none swap sw 0 0\n');
    const run = runShell('dash', [script]);
    expect(run.status, run.stdout).toBe(0);
    expect(readFileSync(fstab, 'utf8')).toBe('UUID=1 / ext4 defaults 0 1\n#/dev/sdb2 none swap sw 0 0\n/swap.img none swap sw 0 0\n');
    // Run again: the line seen is gone (changed by the first run): refused with a message, nothing changes.
    const again = runShell('dash', [script]);
    expect(again.status, again.stdout).toBe(1);
    expect(again.stdout).toMatch(/REFUSED at run time: none of the lines the scan saw is in .*fstab any more/);
    expect(readFileSync(fstab, 'utf8')).toBe('UUID=1 / ext4 defaults 0 1\n#/dev/sdb2 none swap sw 0 0\n/swap.img none swap sw 0 0\n');
  });

  it('previews without writing', () => {
    const hosts = path.join(tmp, 'hosts3');
    writeFileSync(hosts, HOSTS);
    const script = fixScript([scanFile('kubespray-hosts-inventory-block', hosts)], 'edit3.sh');
    const run = runShell('dash', [script, '--dry-run']);
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/the 1 block\(s\) the scan saw are still in .*hosts3: removing exactly those/);
    expect(readFileSync(hosts, 'utf8')).toBe(HOSTS);
  });
});
