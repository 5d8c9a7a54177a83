// The hand-written scan results the reporters and the fix planner are tested with must be reports a real scan
// could write: each validates against the report schema, so a golden never shows a section no scan produces.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { reportSchema as schema } from '../../src/schema/report-schema.js';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

const dir = (rel: string): URL => new URL(`../../fixtures/${rel}/`, import.meta.url);
const reports = [
  ...readdirSync(dir('scan-results')).filter((f) => f.endsWith('.json')).map((f) => `scan-results/${f}`),
  // not-a-report.json is the fix command's negative case.
  ...readdirSync(dir('fix')).filter((f) => f.endsWith('.json') && f !== 'not-a-report.json').map((f) => `fix/${f}`),
];

describe('report fixtures', () => {
  it('there are some', () => {
    expect(reports.length).toBeGreaterThanOrEqual(4);
  });

  it.each(reports)('%s is a valid report', (rel) => {
    const report: unknown = JSON.parse(readFileSync(new URL(`../../fixtures/${rel}`, import.meta.url), 'utf8'));
    validate(report);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('fix/not-a-report.json is not one', () => {
    expect(validate(JSON.parse(readFileSync(new URL('../../fixtures/fix/not-a-report.json', import.meta.url), 'utf8')))).toBe(false);
  });
});
