import { describe, expect, it } from 'vitest';
import { loadReporter, reporterNames } from '../../src/report/index.js';

describe('registry: machine and audit formats', () => {
  it.each(['sarif', 'junit', 'markdown', 'html'])('%s is registered and loads lazily', async (name) => {
    expect(reporterNames()).toContain(name);
    const reporter = await loadReporter(name);
    expect(reporter?.name).toBe(name);
    expect(reporter?.description.length).toBeGreaterThan(0);
  });
});
