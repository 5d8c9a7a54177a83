// Golden files: each machine/audit reporter rendered from each fixture must match test/report/golden/ byte for byte,
// and two renders of the same input must be identical. `UPDATE_GOLDEN=1 npx vitest run test/report` rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Reporter } from '../../src/report/reporter.js';
import { htmlReporter } from '../../src/report/html.js';
import { junitReporter } from '../../src/report/junit.js';
import { markdownReporter } from '../../src/report/markdown.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { FIXTURE_NAMES, loadFixture } from './fixtures.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const GOLDEN_DIR = new URL('./golden/', import.meta.url);

const REPORTERS: Array<{ reporter: Reporter; ext: string }> = [
  { reporter: sarifReporter, ext: 'sarif' },
  { reporter: junitReporter, ext: 'junit.xml' },
  { reporter: markdownReporter, ext: 'md' },
  { reporter: htmlReporter, ext: 'html' },
];

describe.each(FIXTURE_NAMES)('golden output for %s', (fixture) => {
  it.each(REPORTERS.map((r) => [r.reporter.name, r] as const))('%s matches its golden file', (_name, { reporter, ext }) => {
    const first = reporter.render(loadFixture(fixture), { color: false });
    const second = reporter.render(loadFixture(fixture), { color: true });
    expect(second).toBe(first);

    const file = new URL(`${fixture}.${ext}`, GOLDEN_DIR);
    if (UPDATE || !existsSync(file)) {
      if (!UPDATE) throw new Error(`golden file ${file.pathname} is missing: run UPDATE_GOLDEN=1 npx vitest run test/report`);
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, first);
    }
    expect(first).toBe(readFileSync(file, 'utf8'));
  });
});
