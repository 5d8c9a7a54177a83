// The audit trail and the integrity of an export, through the real CLI: every field an auditor needs is in the
// report; the rule pack hashes change when a rule file changes; `verify` catches a one-byte edit and, with an
// OpenSSH key, a re-signed or unsigned forgery; systeminformation is loaded for --audit and never on a plain scan.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/schema/report-schema.js';
import type { ScanResult } from '../../src/model/result.js';
import { cliPath, fixture, repoRoot, runCli } from '../helpers/cli.js';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validateReport = ajv.compile(reportSchema);

const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hostroot = ['--no-builtin', '--rules', fixture('rules', 'hostroot-rules.yaml'), '--root', fixture('hostroot')];
const read = (f: string): ScanResult => JSON.parse(readFileSync(f, 'utf8')) as ScanResult;

describe('audit trail', () => {
  const file = path.join(dir, 'report.json');
  const run = runCli(['scan', '--profile', 'pre-join', '--allow-unchecked', '--label', 'cluster=prod', '--label', 'ticket=CHG-1234', '--format', 'json', '--output', file]);
  const report = read(file);

  it('records tool build, rule packs with hashes, selection, labels, times, root and host identity', () => {
    expect(run.status, run.stderr).not.toBe(2);
    const a = report.audit;
    expect(a?.tool).toMatchObject({ name: 'kube-residue', build: { node: process.version, bundled: true } });
    expect(a?.rulePacks.map((p) => p.pack)).toContain('kubernetes');
    for (const p of a?.rulePacks ?? []) {
      const bytes = readFileSync(path.join(repoRoot, p.file));
      expect(p.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(a?.selection).toMatchObject({ profile: 'pre-join', allowUnchecked: true, cluster: false, root: '/' });
    expect(a?.labels).toEqual({ cluster: 'prod', ticket: 'CHG-1234' });
    expect(a?.startedAt).toBe(report.startedAt);
    expect(a?.finishedAt).toBe(report.finishedAt);
    expect(a?.ranAsRoot).toBe(process.getuid?.() === 0);
    expect(a?.host.hostname).toBe(os.hostname());
    expect(a?.host.kernel).toBe(os.release());
    expect(a?.host.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    expect(a?.host.machineId).toMatch(/^[0-9a-f]{32}$/);
    expect(a?.hardware).toBeUndefined();
  });

  it('changes a pack hash when its rule file changes', () => {
    const rules = path.join(dir, 'my-rules.yaml');
    copyFileSync(fixture('rules', 'hostroot-rules.yaml'), rules);
    const scan = (): string | undefined => {
      const r = runCli(['scan', '--no-builtin', '--rules', rules, '--root', fixture('hostroot'), '--format', 'json']);
      return (JSON.parse(r.stdout) as ScanResult).audit?.rulePacks[0]?.sha256;
    };
    const before = scan();
    writeFileSync(rules, readFileSync(rules, 'utf8').replace('title:', 'title: x'));
    const after = scan();
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
  });

  it('rejects a malformed --label', () => {
    const r = runCli(['scan', ...hostroot, '--label', 'no-equals-sign']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--label "no-equals-sign": expected key=value');
  });
});

describe('kube-residue verify', () => {
  const file = path.join(dir, 'export.json');
  runCli(['scan', ...hostroot, '--format', 'json', '--output', file]);
  const original = readFileSync(file);

  it('accepts the report as written', () => {
    const r = runCli(['verify', file]);
    expect(r.stdout).toMatch(/^digest OK: sha256 [0-9a-f]{64}\nVERIFIED\n$/);
    expect(r.status).toBe(0);
  });

  it('catches a one-byte edit anywhere in the file', () => {
    const edited = path.join(dir, 'edited.json');
    // A value, a target, and whitespace only (a tab for an indenting space: still the same JSON).
    for (const [needle, offset, byte] of [['"critical"', 1, 0x61], ['kube-apiserver.yaml', 1, 0x61], ['\n  "verdict"', 1, 0x09]] as const) {
      const at = original.indexOf(needle);
      const copy = Buffer.from(original);
      copy[at + offset] = byte;
      writeFileSync(edited, copy);
      const r = runCli(['verify', edited]);
      expect(r.stdout).toMatch(/digest FAILED: content digest mismatch: the file was changed after it was written/);
      expect(r.status).toBe(1);
    }
  });

  it('refuses a report without a digest', () => {
    const bare = path.join(dir, 'bare.json');
    const data = JSON.parse(original.toString('utf8')) as ScanResult;
    delete data.integrity;
    writeFileSync(bare, JSON.stringify(data));
    expect(runCli(['verify', bare]).stdout).toContain('digest FAILED: the report records no content digest');
  });
});

const hasSshKeygen = spawnSync('ssh-keygen', ['-Y', 'sign'], { encoding: 'utf8' }).stderr?.includes('sign') ?? false;
// .ci/install-test-deps installs openssh-client: on CI a missing ssh-keygen is an error, not a skip.
if (!hasSshKeygen && ['true', '1'].includes((process.env.CI ?? '').toLowerCase())) throw new Error('ssh-keygen is required on CI (apt-get install openssh-client)');

describe.skipIf(!hasSshKeygen)('signed exports (ssh-keygen -Y sign / verify)', () => {
  const key = path.join(dir, 'signer');
  const other = path.join(dir, 'other');
  for (const k of [key, other]) spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kube-residue test', '-f', k]);
  const file = path.join(dir, 'signed.json');
  const html = path.join(dir, 'signed.html');
  const run = runCli(['scan', ...hostroot, '--format', 'json', '--output', file, '--report', `html=${html}`, '--sign-key', key]);

  it('signs every report file next to it', () => {
    expect(run.stderr).toContain(`signed ${file} → ${file}.sig`);
    expect(run.stderr).toContain(`signed ${html} → ${html}.sig`);
    expect(readFileSync(`${file}.sig`, 'utf8')).toMatch(/^-----BEGIN SSH SIGNATURE-----/);
  });

  it('verifies with the public key, and fails on a tampered file or another key', () => {
    const ok = runCli(['verify', file, '--sign-key', `${key}.pub`]);
    expect(ok.stdout).toMatch(/digest OK[^\n]*\nsignature OK[^\n]*\nVERIFIED\n$/);
    expect(ok.status).toBe(0);
    expect(runCli(['verify', html, '--sign-key', `${key}.pub`]).status).toBe(0);
    expect(runCli(['verify', file, '--sign-key', `${other}.pub`]).stdout).toMatch(/signature FAILED/);
    // A forger who edits the report and recomputes the digest still cannot sign it with the right key.
    const forged = path.join(dir, 'forged.html');
    writeFileSync(forged, readFileSync(html, 'utf8').replace('node1', 'node2'));
    copyFileSync(`${html}.sig`, `${forged}.sig`);
    const bad = runCli(['verify', forged, '--sign-key', `${key}.pub`]);
    expect(bad.stdout).toMatch(/signature FAILED/);
    expect(bad.status).toBe(1);
  });
});

describe('scan --audit --root', () => {
  it('leaves the running machine’s hardware out of a report about a mounted root, and says why', () => {
    const r = runCli(['scan', ...hostroot, '--audit', '--format', 'json']);
    const report = JSON.parse(r.stdout) as ScanResult;
    expect(report.audit?.hardware).toBeUndefined();
    expect(report.audit?.hardwareUnavailable).toBe('hardware facts describe the running machine, not the --root filesystem');
    expect(r.stderr).toContain('--audit: hardware facts describe the running machine, not the --root filesystem; hardware facts left out');
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
  });
});

describe('systeminformation is loaded only for --audit', () => {
  const loaded = (args: string[]): string[] => {
    const log = path.join(dir, `requires-${args.length}.txt`);
    const r = spawnSync(process.execPath, ['--require', path.join(repoRoot, 'test/audit/record-requires.cjs'), cliPath, ...args], {
      encoding: 'utf8',
      env: { ...process.env, KR_REQUIRE_LOG: log },
    });
    expect(r.status, r.stderr).not.toBe(2);
    return readFileSync(log, 'utf8').split('\n');
  };

  it('a plain scan never requires it', () => {
    const mods = loaded(['scan', '--format', 'json', '--output', '/dev/null', '--allow-unchecked']);
    expect(mods.some((m) => m.endsWith('dist/kube-residue-main.cjs') || m.endsWith('kube-residue.cjs'))).toBe(true);
    expect(mods.filter((m) => /systeminformation/.test(m))).toEqual([]);
  });

  it('scan --audit loads it and records hardware and OS facts', () => {
    const out = path.join(dir, 'audit.json');
    const mods = loaded(['scan', '--audit', '--format', 'json', '--output', out, '--allow-unchecked']);
    expect(mods.filter((m) => /systeminformation/.test(m))).toEqual([path.join(repoRoot, 'dist', 'systeminformation.cjs')]);
    const report = read(out);
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    const a = report.audit;
    expect(a?.hardware).toEqual(expect.objectContaining({ manufacturer: expect.any(String), uuid: expect.any(String), virtual: expect.any(Boolean) }));
    expect(a?.osInfo).toEqual(expect.objectContaining({ platform: 'linux', kernel: os.release(), hostname: os.hostname() }));
  });
});
