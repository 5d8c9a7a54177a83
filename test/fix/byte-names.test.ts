// Names that are not valid UTF-8 are read as bytes, reported with \xHH escapes, and removed as themselves:
// a directory "etcd-bad\xff\xfe" (residue) beside "etcd-bad\uFFFD\uFFFD" (the lossy spelling, a different,
// user-owned directory excluded by the rule). The built CLI scans the live host for a rule confined to a
// temporary directory, writes the script from the report, and dash runs it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeInvalidUtf8, nameFromBytes } from '../../src/byte-names.js';
import type { ScanResult } from '../../src/model/result.js';
import { runCli } from '../helpers/cli.js';
import { runShell } from './helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kr-bytes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** A rule file with one rule of the pack `bytes`: its id, title, description, check and fix command (YAML flow). */
function rulePack(file: string, id: string, title: string, description: string, check: string, fix: string): string {
  const rules = path.join(tmp, file);
  writeFileSync(
    rules,
    `pack: bytes
rules:
  - id: ${id}
    title: ${title}
    severity: low
    description: ${description}
    tags: []
    profiles: [post-reset]
    check: ${check}
    fix: { commands: ['${fix}'] }
    rebootClears: false
    references: []
`,
  );
  return rules;
}

/** The built CLI scans with only `rules` into `report` (residue found: exit 1); the report and its findings. */
function scanToReport(rules: string, report: string): ScanResult {
  const scan = runCli(['scan', '--no-builtin', '--rules', rules, '--format', 'json', '--output', report]);
  expect(scan.status, scan.stderr).toBe(1);
  return JSON.parse(runShell('cat', [report]).stdout) as ScanResult;
}

/** `fix --from report` writes `script`, shellcheck finds nothing in it, and dash runs it without error. */
function fixAndRun(rules: string, report: string, script: string): void {
  const fix = runCli(['fix', '--no-builtin', '--rules', rules, '--from', report, '-o', script]);
  expect(fix.status, fix.stderr).toBe(0);
  expect(runShell('shellcheck', [script]).stdout).toBe('');
  const run = runShell('dash', [script]);
  expect(run.status, run.stdout + run.stderr).toBe(0);
}

describe('byte names', () => {
  it('keep valid UTF-8 as text and escape every other byte (and backslashes) unambiguously', () => {
    expect(nameFromBytes(Buffer.from('calico-\u00fc'))).toEqual({ text: 'calico-\u00fc' });
    expect(nameFromBytes(b('etcd-bad\xff\xfe')).text).toBe('etcd-bad\\xff\\xfe');
    expect(escapeInvalidUtf8(b('a\\xff\xff'))).toBe('a\\\\xff\\xff');
    expect(escapeInvalidUtf8(Buffer.concat([Buffer.from('\u00e9'), b('\xc3')]))).toBe('\u00e9\\xc3');
  });

  it('are scanned, reported and removed as their bytes; the U+FFFD twin is never touched', () => {
    const lib = path.join(tmp, 'lib');
    mkdirSync(lib);
    const residue = Buffer.concat([Buffer.from(`${lib}/`), b('etcd-bad\xff\xfe')]);
    mkdirSync(residue);
    writeFileSync(Buffer.concat([residue, Buffer.from('/member')]), 'residue');
    const twin = path.join(lib, 'etcd-bad\ufffd\ufffd');
    mkdirSync(twin);
    writeFileSync(path.join(twin, 'keep'), 'user data');
    const rules = rulePack('rules.yaml', 'bytes-etcd', 'etcd dirs', 'etcd data dirs', `{ kind: path, paths: ['${lib}/etcd*'], exclude: ['${twin}'] }`, 'rm -rf -- {{target}}');
    const report = path.join(tmp, 'scan.json');
    const result = scanToReport(rules, report);
    const findings = result.results.flatMap((r) => r.findings);
    expect(findings.map((f) => [f.target, f.vars.targetHex])).toEqual([[`${lib}/etcd-bad\\xff\\xfe`, residue.toString('hex')]]);
    fixAndRun(rules, report, path.join(tmp, 'fix.sh'));
    expect(existsSync(residue)).toBe(false);
    expect(readdirSync(twin)).toEqual(['keep']);
    expect(readdirSync(lib)).toEqual(['etcd-bad\ufffd\ufffd']);
    // A report whose bytes were changed to name another path is refused.
    const edited = JSON.parse(JSON.stringify(result)) as ScanResult;
    const f = edited.results.flatMap((r) => r.findings)[0];
    if (f) f.vars.targetHex = Buffer.concat([Buffer.from(`${lib}/`), b('etcd-bad\xff\xfd')]).toString('hex');
    writeFileSync(report, JSON.stringify(edited));
    const refused = runCli(['fix', '--no-builtin', '--rules', rules, '--from', report]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/value "targetHex" is not the bytes of/);
  });
});

// Patterns that fast-glob would walk (`**`, extglobs, braces) read names as bytes too: a directory whose name
// is not UTF-8 below such a pattern is found and entered, reported with \xHH and its bytes, and kept apart from
// the U+FFFD spelling (a user's directory, excluded) and from a name spelled with real backslashes (another
// directory of the same text, also matched: two findings, each removed as itself).
describe('byte names below `**`, extglob and brace patterns', () => {
  it('are found, reported and removed as their bytes; look-alikes are other objects', () => {
    const lib = path.join(tmp, 'deep');
    const nested = path.join(lib, 'a', 'nested');
    mkdirSync(nested, { recursive: true });
    const residue = Buffer.concat([Buffer.from(`${nested}/`), b('etcd-bad\xff\xfe')]);
    mkdirSync(residue);
    // A byte-named directory on the way: only a byte-exact walk can enter it.
    const wayDir = Buffer.concat([Buffer.from(`${lib}/`), b('k\xe9-old')]);
    mkdirSync(Buffer.concat([wayDir, Buffer.from('/kine-bad')]), { recursive: true });
    writeFileSync(Buffer.concat([residue, Buffer.from('/member')]), 'residue');
    const twin = path.join(nested, 'etcd-bad\ufffd\ufffd');
    mkdirSync(twin);
    writeFileSync(path.join(twin, 'keep'), 'user data');
    const backslashes = path.join(nested, 'etcd-bad\\xff\\xfe');
    mkdirSync(backslashes);
    const rules = rulePack('deep-rules.yaml', 'bytes-deep', 'etcd dirs anywhere below', 'etcd data dirs', `{ kind: path, paths: ['${lib}/**/@(etcd|kine)-bad*', '${lib}/{a,b}/nested/etcd-bad*'], exclude: ['${twin}'] }`, 'rm -rf -- {{target}}');
    const report = path.join(tmp, 'deep-scan.json');
    const result = scanToReport(rules, report);
    const findings = result.results.flatMap((r) => r.findings).map((f) => [f.target, f.vars.targetHex]);
    expect(findings.sort()).toEqual(
      [
        [`${lib}/k\\xe9-old/kine-bad`, Buffer.concat([wayDir, Buffer.from('/kine-bad')]).toString('hex')],
        [`${nested}/etcd-bad\\xff\\xfe`, residue.toString('hex')],
        [`${nested}/etcd-bad\\xff\\xfe`, undefined],
      ].sort(),
    );
    fixAndRun(rules, report, path.join(tmp, 'deep-fix.sh'));
    expect(existsSync(residue)).toBe(false);
    expect(existsSync(backslashes)).toBe(false);
    expect(existsSync(Buffer.concat([wayDir, Buffer.from('/kine-bad')]))).toBe(false);
    expect(existsSync(wayDir)).toBe(true);
    expect(readdirSync(twin)).toEqual(['keep']);
    expect(readdirSync(nested)).toEqual(['etcd-bad\ufffd\ufffd']);
  });
});

// A reader that addresses files as text (file-content) cannot read a match whose name is not UTF-8 as itself:
// the rule is partly unchecked with the name, never clean because the name was decoded into another one.
describe('byte names matched by a file-content glob', () => {
  it('make the rule unchecked with the escaped name (exit 3), not clean', () => {
    const dir = path.join(tmp, 'conf');
    mkdirSync(dir);
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), b('99-k8s\xff.conf')]), 'net.bridge.bridge-nf-call-iptables = 1\n');
    writeFileSync(path.join(dir, '10-user.conf'), 'vm.swappiness = 10\n');
    const rules = rulePack('content-rules.yaml', 'bytes-sysctl', 'Kubernetes sysctl lines', 'bridge-nf lines', `{ kind: file-content, paths: ['${dir}/*.conf', '${dir}/**/*.conf'], regex: '^net\\.bridge\\.' }`, 'sed -i {{sedDelete}} -- {{target}}');
    const scan = runCli(['scan', '--no-builtin', '--rules', rules, '--format', 'json']);
    const r = (JSON.parse(scan.stdout) as ScanResult).results[0];
    expect(r?.status, scan.stderr).toBe('unchecked');
    expect(r?.reason).toContain(`${dir}/99-k8s\\xff.conf: the name is not valid UTF-8 (not read)`);
    expect(scan.status).toBe(3);
  });
});

// Conditions judge what a directory holds (notOwnedByPackage lists what a clean-up may remove): a name in it that
// is not UTF-8 would be judged, and listed for removal, as its U+FFFD look-alike. The match is not judged then:
// partly unchecked with the name, and nothing of the directory is planned for removal.
describe('byte names inside a directory judged by a condition', () => {
  it('leave the match unjudged (unchecked, exit 3) instead of listing the look-alike as removable', () => {
    const dir = path.join(tmp, 'judged');
    mkdirSync(dir);
    writeFileSync(path.join(dir, '10-calico.conflist'), '{}');
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), b('x\xff')]), 'residue');
    writeFileSync(path.join(dir, 'x\ufffd'), 'user data');
    const rules = rulePack('judged-rules.yaml', 'bytes-judged', 'CNI configuration no package owns', 'CNI configuration', `{ kind: path, paths: ['${dir}'], type: dir, when: [{ notOwnedByPackage: true }] }`, 'rm -rf -- {{removable[]}}');
    const scan = runCli(['scan', '--no-builtin', '--rules', rules, '--format', 'json']);
    const r = (JSON.parse(scan.stdout) as ScanResult).results[0];
    expect(r?.status, scan.stderr).toBe('unchecked');
    expect(r?.reason).toContain(`cannot tell what in ${dir} a package owns: ${dir}/x\\xff: the name is not valid UTF-8`);
    expect(scan.stdout).not.toContain('x\ufffd');
    expect(scan.status).toBe(3);
  });
});
