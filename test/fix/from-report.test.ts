// `fix --from report.json` takes nothing from the report as a command: each finding's commands are derived
// again from its rule (built-in packs, or --rules files) and its typed values. A schema-valid report whose fix
// was edited, whose rule is unknown, or whose values are not ones the rule could have produced is refused
// with exit 2 and no script. The built CLI, as a user runs it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { fixture, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kr-fix-from-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const RULES = ['--no-builtin', '--rules', fixture('fix', 'nasty-rules.yaml')];

function report(): ScanResult {
  return JSON.parse(readFileSync(fixture('fix', 'nasty-node.json'), 'utf8')) as ScanResult;
}

function edited(name: string, edit: (r: ScanResult) => void): string {
  const r = report();
  edit(r);
  const file = path.join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(r));
  return file;
}

function finding(r: ScanResult, ruleId: string, i = 0) {
  const f = r.results.find((x) => x.ruleId === ruleId)?.findings[i];
  if (!f) throw new Error(`no finding ${i} of ${ruleId}`);
  return f;
}

function refused(file: string, extra: string[] = RULES): { stderr: string } {
  const out = path.join(tmp, `${path.basename(file)}.sh`);
  const run = runCli(['fix', '--from', file, ...extra, '-o', out]);
  expect(run.status, run.stderr).toBe(2);
  expect(existsSync(out)).toBe(false);
  expect(run.stderr).toMatch(/the report does not match .*; no plan is written from it/);
  expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  return run;
}

describe('fix --from derives every command from the rules', () => {
  it('refuses a report whose fix command was edited (chmod 4755 /bin/bash)', () => {
    const file = edited('chmod', (r) => {
      finding(r, 'fixture-kubelet-dir').fix = ['chmod 4755 /bin/bash'];
    });
    const run = refused(file);
    expect(run.stderr).toMatch(/rule fixture-kubelet-dir, finding 1 \(\/var\/lib\/kubelet\): its fix commands are not what the rule gives for its values/);
  });

  it('refuses a report naming a rule the rule set does not have, or with the wrong rules', () => {
    const file = edited('unknown', (r) => {
      const rr = r.results.find((x) => x.ruleId === 'fixture-kubelet-dir');
      if (rr) rr.ruleId = 'no-such-rule';
    });
    expect(refused(file).stderr).toMatch(/rule no-such-rule is not in --rules .*nasty-rules\.yaml/);
    // The built-in packs do not have the fixture's rules either.
    expect(refused(fixture('fix', 'nasty-node.json'), []).stderr).toMatch(/rule fixture-chains is not in the built-in rules/);
  });

  it('refuses values the rule cannot have produced, even with a matching command', () => {
    const outside = edited('outside', (r) => {
      const f = finding(r, 'fixture-kubelet-dir');
      f.target = '/usr/bin';
      f.vars = { target: '/usr/bin' };
      f.fix = ['rm -rf -- /usr/bin'];
    });
    expect(refused(outside).stderr).toMatch(/finding 1 \(\/usr\/bin\): its values do not fit the rule: \/usr\/bin is not a path the rule looks for/);
    const jump = edited('jump', (r) => {
      const f = finding(r, 'fixture-chains');
      f.vars = { ...f.vars, jumps: [['INPUT', '-p', 'tcp', '--dport', '22', '-j', 'ACCEPT']] };
    });
    expect(refused(jump).stderr).toMatch(/"INPUT -p tcp --dport 22 -j ACCEPT" does not jump into KUBE-SERVICES/);
    const unitPaths = edited('unit-paths', (r) => {
      const f = finding(r, 'fixture-units');
      f.vars = { ...f.vars, paths: ['/etc/pam.d'] };
      f.fix = ['systemctl disable --now kubelet.service', 'rm -rf -- /etc/pam.d', 'systemctl daemon-reload'];
    });
    expect(refused(unitPaths).stderr).toMatch(/\/etc\/pam\.d is not a file or drop-in directory of kubelet\.service/);
    const removable = edited('removable', (r) => {
      finding(r, 'fixture-kubelet-dir').vars = { target: '/var/lib/kubelet', removable: ['/etc/pam.d'] };
    });
    expect(refused(removable).stderr).toMatch(/\/etc\/pam\.d \(removable\) is not within \/var\/lib\/kubelet/);
    const shape = edited('shape', (r) => {
      finding(r, 'fixture-kubelet-dir').vars = { target: ['/var/lib/kubelet', '/etc'] };
    });
    expect(refused(shape).stderr).toMatch(/value "target" is not a single word/);
  });

  it('accepts a report of the built-in rules made by a real scan (every finding fits its rule)', () => {
    const saved = path.join(tmp, 'builtin.json');
    const scan = runCli(['scan', '--root', fixture('hostroot'), '--format', 'json', '--output', saved, '--timeout', '20']);
    expect(scan.status, scan.stderr).toBe(1);
    const fix = runCli(['fix', '--from', saved]);
    expect(fix.status, fix.stderr).toBe(0);
  });

  it('plans from a report made by a real scan with the same rules', () => {
    const saved = path.join(tmp, 'hostroot.json');
    const rules = ['--no-builtin', '--rules', fixture('rules', 'hostroot-rules.yaml')];
    const scan = runCli(['scan', ...rules, '--root', fixture('hostroot'), '--format', 'json', '--output', saved, '--timeout', '20']);
    expect(scan.status, scan.stderr).toBe(1);
    const fromReport = runCli(['fix', '--from', saved, ...rules]);
    expect(fromReport.status, fromReport.stderr).toBe(0);
    const live = runCli(['fix', ...rules, '--root', fixture('hostroot'), '--timeout', '20']);
    // The same script but for the times and the source line.
    const body = (s: string) => s.split('\n').filter((l) => !/^# (Scanned|Generated):|from the scan of/.test(l)).join('\n');
    expect(body(fromReport.stdout)).toBe(body(live.stdout));
  });
});
