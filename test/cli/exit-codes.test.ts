// Exit codes 0/1/2/3 through the real CLI; never dependent on the output format.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/cli.js';

const hostroot = ['--no-builtin', '--rules', fixture('rules', 'hostroot-rules.yaml'), '--root', fixture('hostroot')];
const emptyPath = mkdtempSync(path.join(os.tmpdir(), 'kr-nopath-'));
afterAll(() => rmSync(emptyPath, { recursive: true, force: true }));

describe('exit codes', () => {
  it('0: every selected rule checked, nothing found', () => {
    expect(runCli(['scan', ...hostroot, '--rule', 't-user-file', '--format', 'json']).status).toBe(0);
  });

  it('0: findings below --fail-on do not fail', () => {
    expect(runCli(['scan', ...hostroot, '--rule', 't-kubekey-hosts', '--fail-on', 'low', '--format', 'json']).status).toBe(0);
    expect(runCli(['scan', ...hostroot, '--rule', 't-container-logs', '--fail-on', 'medium', '--format', 'json']).status).toBe(0);
  });

  it('1: residue at or above --fail-on, whatever the format', () => {
    for (const format of ['json', 'table']) {
      expect(runCli(['scan', ...hostroot, '--format', format]).status).toBe(1);
    }
    expect(runCli(['scan', ...hostroot, '--quiet']).status).toBe(1);
  });

  it('2: usage errors', () => {
    expect(runCli(['scan', '--bogus']).status).toBe(2);
    expect(runCli(['scan', '--fail-on', 'severe']).status).toBe(2);
    expect(runCli(['scan', '--format', 'yaml']).stderr).toMatch(/unknown format "yaml"/);
    expect(runCli(['scan', '--rule', 'no-such-rule']).status).toBe(2);
  });

  it('2: selecting zero rules is an error, not a pass', () => {
    const run = runCli(['scan', ...hostroot, '--tag', 'no-such-tag']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no rule selected/);
  });

  it('3: nothing found but a probe could not run; --allow-unchecked accepts it', () => {
    const rules = ['--no-builtin', '--rules', fixture('rules', 'unchecked-rules.yaml')];
    const env = { PATH: emptyPath };
    const run = runCli(['scan', ...rules, '--format', 'json'], { env });
    expect(run.status).toBe(3);
    const report = JSON.parse(run.stdout) as { verdict: string; results: Array<{ status: string; reason?: string }> };
    expect(report.verdict).toBe('unchecked');
    expect(report.results[0]?.status).toBe('unchecked');
    expect(report.results[0]?.reason).toBe('nft not found');
    expect(runCli(['scan', ...rules, '--allow-unchecked', '--format', 'json'], { env }).status).toBe(0);
  });

  it('documents the exit codes in --help', () => {
    const run = runCli(['scan', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/3 {2}nothing found at or above --fail-on, but some rules could not be checked/);
  });
});
