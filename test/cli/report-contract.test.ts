// The JSON report is a versioned contract: every report the CLI writes validates against the committed schema,
// is ordered deterministically, and two scans of the same state differ only in their timestamps and timings.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { reportSchema as schema } from '../../src/schema/report-schema.js';
import type { ScanResult } from '../../src/model/result.js';
import { fixture, repoRoot, runCli } from '../helpers/cli.js';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

function scan(args: string[]): ScanResult {
  return JSON.parse(runCli(['scan', '--format', 'json', ...args]).stdout) as ScanResult;
}

const hostroot = ['--no-builtin', '--rules', fixture('rules', 'hostroot-rules.yaml'), '--root', fixture('hostroot')];

function stable(r: ScanResult): unknown {
  const audit = r.audit ? { ...r.audit, startedAt: 0, finishedAt: 0 } : undefined;
  return { ...r, startedAt: 0, finishedAt: 0, probes: r.probes.map((p) => ({ ...p, durationMs: 0 })), audit, integrity: undefined };
}

describe('JSON report contract', () => {
  it('validates against the report schema for a dirty root and this host', () => {
    for (const report of [scan(hostroot), scan(['--allow-unchecked'])]) {
      const ok = validate(report);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('orders results by rule id and findings by target', () => {
    const r = scan(hostroot);
    const ids = r.results.map((x) => x.ruleId);
    expect(ids).toEqual([...ids].sort());
    for (const res of r.results) {
      const t = res.findings.map((f) => f.target);
      expect(t).toEqual([...t].sort());
    }
  });

  it('is identical across runs apart from timestamps and timings', () => {
    expect(stable(scan(hostroot))).toEqual(stable(scan(hostroot)));
  });

  it('names the schema version and the tool', () => {
    const r = scan(hostroot);
    const pkg = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as { version: string };
    expect(r.schemaVersion).toBe('1.1');
    expect(r.tool).toMatchObject({ name: 'kube-residue', version: pkg.version });
  });
});
