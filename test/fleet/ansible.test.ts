// The Ansible role and playbooks (deploy/ansible) with Debian's real ansible-core, not a mock: several inventory
// hosts on this machine (ansible_connection=local), each with its own install directory and its own --root host
// filesystem — one dirty (blocked), one clean (ready), one whose /proc is missing (unchecked: blocked). The
// playbook copies the standalone binary, scans, fetches each report, fails exactly the blocked hosts (and one
// that cannot be reached: ssh to a closed port) and writes the merged fleet report on the controller. In front of a stand-in for Kubespray's scale.yml (no cluster can
// run here; the stand-in only records that it ran), a blocked node stops the run before "scale" starts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetReport } from '../../src/fleet/model.js';
import type { ScanResult } from '../../src/model/result.js';
import { repoRoot } from '../helpers/cli.js';
import { cleanRoot, dirtyRoot, noProcRoot } from './host-roots.js';
import { ensureSeaBinaries } from './sea-binaries.js';
import { IN_CI } from '../helpers/ci.js';

const ANSIBLE_DIR = path.join(repoRoot, 'deploy/ansible');
const haveAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
if (!haveAnsible && IN_CI) throw new Error('ansible-playbook is required on CI (apt-get install ansible ansible-lint)');

const work = mkdtempSync(path.join(tmpdir(), 'kr-ansible-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Host {
  name: string;
  root: string;
  /** Where the binary goes on the "node" (default: a directory of its own below the test's). */
  installDir?: string;
}

function inventory(file: string, hosts: readonly Host[], unreachable: readonly string[] = []): string {
  const lines = ['[kube_node]'];
  // A host nobody answers for: ssh to a closed port on this machine.
  for (const name of unreachable) lines.push(`${name} ansible_connection=ssh ansible_host=127.0.0.1 ansible_port=9 ansible_ssh_common_args='-o ConnectTimeout=5 -o BatchMode=yes'`);
  for (const h of hosts) {
    lines.push(`${h.name} ansible_connection=local ansible_python_interpreter=/usr/bin/python3 kube_residue_root=${h.root} kube_residue_install_dir=${h.installDir ?? path.join(work, 'nodes', h.name)}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function playbook(book: string, inv: string, reportDir: string, extra: string[] = []): { status: number; out: string } {
  const r = spawnSync(
    'ansible-playbook',
    ['-i', inv, book, '-e', 'kube_residue_become=false', '-e', `kube_residue_report_dir=${reportDir}`, '-e', `kube_residue_binary_dir=${path.join(repoRoot, 'dist')}`, ...extra],
    {
      cwd: ANSIBLE_DIR,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_HOME: path.join(work, 'ansible-home'), ANSIBLE_LOCAL_TEMP: path.join(work, 'ansible-tmp'), ANSIBLE_REMOTE_TEMP: path.join(work, 'ansible-tmp') },
    },
  );
  return { status: r.status ?? -1, out: `${r.stdout}\n${r.stderr}` };
}

/** PLAY RECAP line of one host: `node-a : ok=12 changed=1 unreachable=0 failed=1 ...`. */
function recap(out: string, host: string): Record<string, number> {
  const line = out.split('\n').find((l) => l.startsWith(`${host} `) && l.includes('ok='));
  if (!line) throw new Error(`no recap for ${host} in:\n${out}`);
  return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
}

describe.skipIf(!haveAnsible)('Ansible role kube_residue_precheck (real ansible-core, local hosts)', () => {
  const hosts: Host[] = [];
  beforeAll(async () => {
    await ensureSeaBinaries(['x64']);
    hosts.push({ name: 'node-dirty', root: dirtyRoot(path.join(work, 'roots/dirty')) });
    hosts.push({ name: 'node-clean', root: cleanRoot(path.join(work, 'roots/clean'), 'clean-1') });
    hosts.push({ name: 'node-noproc', root: noProcRoot(path.join(work, 'roots/noproc'), 'noproc-1') });
    hosts.push({ name: 'node-clean2', root: cleanRoot(path.join(work, 'roots/clean2'), 'clean-2') });
  }, 600_000);

  it('fails exactly the blocked hosts, fetches every report and writes the merged fleet report', () => {
    const reports = path.join(work, 'reports-1');
    // A node where a step fails (its install directory cannot be created): rescued, no report, failed at the end.
    const broken: Host = { name: 'node-broken', root: hosts[1]!.root, installDir: '/proc/kr-no-such-dir' };
    const inv = inventory(path.join(work, 'inventory-1.ini'), [...hosts, broken], ['node-gone']);
    const run = playbook('precheck.yml', inv, reports);
    expect(run.status, run.out).toBe(2);
    // Unreachable (ignored, so the others' reports are still written), then failed with the blocked nodes.
    expect(recap(run.out, 'node-gone')).toMatchObject({ ignored: 1, failed: 1 });
    expect(recap(run.out, 'node-broken')).toMatchObject({ rescued: 1, failed: 1 });
    expect(recap(run.out, 'node-dirty').failed).toBe(1);
    expect(recap(run.out, 'node-noproc').failed).toBe(1);
    expect(recap(run.out, 'node-clean').failed).toBe(0);
    expect(recap(run.out, 'node-clean2').failed).toBe(0);

    // Each node's own report, fetched to a destination of its own.
    const report = (host: string): ScanResult => JSON.parse(readFileSync(path.join(reports, `${host}.json`), 'utf8')) as ScanResult;
    expect(report('node-dirty').verdict).toBe('residue');
    expect(report('node-dirty').results.filter((r) => r.status === 'found').map((r) => r.ruleId)).toContain('kubernetes-kubelet-process');
    expect(report('node-clean').verdict).toBe('clean');
    expect(report('node-clean').host.hostname).toBe('clean-1');
    expect(report('node-noproc').verdict).toBe('unchecked');
    // The binary was copied to each node's install directory (no Node.js involved on the "node").
    expect(existsSync(path.join(work, 'nodes/node-clean/kube-residue'))).toBe(true);

    const fleet = JSON.parse(readFileSync(path.join(reports, 'fleet.json'), 'utf8')) as FleetReport;
    expect(fleet.counts).toEqual({ nodes: 6, clean: 2, residue: 1, unchecked: 1, missing: 2 });
    expect(fleet.nodes.map((n) => [n.name, n.verdict])).toEqual([
      ['node-broken', 'missing'],
      ['node-clean', 'clean'],
      ['node-clean2', 'clean'],
      ['node-dirty', 'residue'],
      ['node-gone', 'missing'],
      ['node-noproc', 'unchecked'],
    ]);
    expect(fleet.notChecked.map((n) => n.node)).toEqual(['node-broken', 'node-gone', 'node-noproc']);
    expect(fleet.rules.find((r) => r.ruleId === 'kubernetes-kubelet-process')?.nodes).toEqual(['node-dirty']);
    expect(readFileSync(path.join(reports, 'fleet.md'), 'utf8')).toContain('| `node-dirty` | residue |');
    expect(readFileSync(path.join(reports, 'fleet.html'), 'utf8')).toContain('<table class="sortable" id="nodes">');
  }, 300_000);

  it('with kube_residue_command=gate, the gate answer decides: the dirty node is blocked, the clean one ready', () => {
    const reports = path.join(work, 'reports-gate');
    const inv = inventory(path.join(work, 'inventory-gate.ini'), hosts.filter((h) => h.name === 'node-dirty' || h.name === 'node-clean'));
    const run = playbook('precheck.yml', inv, reports, ['-e', 'kube_residue_command=gate', '-e', 'kube_residue_cni=calico']);
    expect(run.status, run.out).toBe(2);
    expect(recap(run.out, 'node-dirty').failed).toBe(1);
    expect(recap(run.out, 'node-clean').failed).toBe(0);
    expect(run.out).toContain('Ask kube-residue gate whether the node may join');
    const fleet = JSON.parse(readFileSync(path.join(reports, 'fleet.json'), 'utf8')) as FleetReport;
    expect(fleet.counts).toMatchObject({ nodes: 2, residue: 1, clean: 1 });
  }, 300_000);

  it('accepts unchecked nodes only when told to (kube_residue_allow_unchecked)', () => {
    const reports = path.join(work, 'reports-2');
    const inv = inventory(path.join(work, 'inventory-2.ini'), hosts.filter((h) => h.name !== 'node-dirty'));
    const run = playbook('precheck.yml', inv, reports, ['-e', 'kube_residue_allow_unchecked=true']);
    expect(run.status, run.out).toBe(0);
    expect(recap(run.out, 'node-noproc').failed).toBe(0);
  }, 300_000);

  it('in front of Kubespray scale: a blocked node stops the run before scale starts; all ready, scale runs', () => {
    const standIn = path.join(work, 'kubespray/playbooks');
    mkdirSync(standIn, { recursive: true });
    const marker = path.join(work, 'scale-ran');
    // Stand-in for kubespray/playbooks/scale.yml: no cluster can run here; it records that it started.
    writeFileSync(
      path.join(standIn, 'scale.yml'),
      `---\n- name: Stand-in for Kubespray scale\n  hosts: kube_node\n  gather_facts: false\n  tasks:\n    - name: Record that scale ran\n      ansible.builtin.lineinfile:\n        path: ${marker}\n        line: "{{ inventory_hostname }}"\n        create: true\n        mode: "0644"\n      delegate_to: localhost\n      throttle: 1\n`,
    );
    const kubespray = ['-e', `kubespray_dir=${path.join(work, 'kubespray')}`];
    const blocked = playbook('scale-with-precheck.yml', inventory(path.join(work, 'inventory-3.ini'), hosts), path.join(work, 'reports-3'), kubespray);
    expect(blocked.status, blocked.out).toBe(2);
    expect(blocked.out).toContain('NO MORE HOSTS LEFT');
    expect(existsSync(marker)).toBe(false);

    const ready = hosts.filter((h) => h.name.startsWith('node-clean'));
    const ok = playbook('scale-with-precheck.yml', inventory(path.join(work, 'inventory-4.ini'), ready), path.join(work, 'reports-4'), kubespray);
    expect(ok.status, ok.out).toBe(0);
    expect(readFileSync(marker, 'utf8').trim().split('\n').sort()).toEqual(['node-clean', 'node-clean2']);
  }, 300_000);

  it('passes ansible-lint in its production profile', () => {
    const r = spawnSync('ansible-lint', ['--offline', '--profile', 'production'], { cwd: ANSIBLE_DIR, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ANSIBLE_HOME: path.join(work, 'ansible-home') }, timeout: 180_000 });
    expect(`${r.stdout}${r.stderr}`).toMatch(/Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);
    expect(r.status).toBe(0);
  }, 180_000);
});
