// The fleet HTML page in a real headless Chromium (Debian's chromium via playwright-core): no console errors and
// no request but the page itself (the sort script runs under the page's own CSP), the chart has one bar per rule
// with leftovers, and clicking a header sorts the node table. Skipped locally without /usr/bin/chromium, an error
// on CI (CI=true).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { fleetHtmlReporter } from '../../src/fleet/html.js';
import { mergeReports } from '../../src/fleet/merge.js';
import type { ScanResult } from '../../src/model/result.js';
import { cloneResult, loadFixture } from '../report/fixtures.js';
import { IN_CI } from '../helpers/ci.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT_DIR = new URL('../../test-output/', import.meta.url);

function node(hostname: string, base: 'dirty-node' | 'clean-node', dropRules = 0): ScanResult {
  const r = cloneResult(loadFixture(base));
  r.host.hostname = hostname;
  // Fewer leftovers on some nodes, so the rules differ in how many nodes they are on.
  for (const rule of r.results.filter((x) => x.status === 'found').slice(0, dropRules)) {
    r.summary.findings -= rule.findings.length;
    r.summary.bySeverity[rule.severity] -= rule.findings.length;
    rule.status = 'clean';
    rule.findings = [];
  }
  return r;
}

describe.skipIf(!existsSync(CHROMIUM) && !IN_CI)('fleet HTML report in headless Chromium', () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'], headless: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('renders without errors or requests; the chart and the sortable node table work', async () => {
    const reports: Array<[string, ScanResult]> = [
      ['a.json', node('worker-a', 'dirty-node')],
      ['b.json', node('worker-b', 'dirty-node', 5)],
      ['c.json', node('cp-<c>', 'clean-node')],
    ];
    const fleet = mergeReports(reports.map(([file, report]) => ({ file, report })), { nameFrom: 'hostname', missing: ['worker-gone'], toolVersion: '1' });
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const file = new URL('fleet.html', OUTPUT_DIR);
    writeFileSync(file, fleetHtmlReporter.render({ fleet, reports: new Map() })[0]!);
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(file.href, { waitUntil: 'load' });
    await page.screenshot({ path: fileURLToPath(new URL('fleet.png', OUTPUT_DIR)), fullPage: true });

    expect(await page.locator('#count-nodes .num').innerText()).toBe('4');
    expect(await page.locator('#count-residue .num').innerText()).toBe('2');
    expect(await page.locator('#count-missing .num').innerText()).toBe('1');
    expect(await page.locator('#verdict').innerText()).toBe('Residue found on some nodes');
    // One bar per rule with leftovers; the first (most widespread) is on both dirty nodes.
    expect(await page.locator('#leftover-chart g.chart-bar').count()).toBe(fleet.rules.length);
    expect(await page.locator('#leftover-chart g.chart-bar').first().locator('text.chart-value').textContent()).toBe('2');

    const names = (): Promise<string[]> => page.locator('#nodes tbody tr td:first-child').allInnerTexts();
    expect(await names()).toEqual(['cp-<c>', 'worker-a', 'worker-b', 'worker-gone']);
    await page.locator('#nodes thead th', { hasText: 'Findings' }).click();
    expect((await names())[0]).toBe('cp-<c>');
    await page.locator('#nodes thead th', { hasText: 'Findings' }).click();
    expect(await names()).toEqual(['worker-a', 'worker-b', 'cp-<c>', 'worker-gone']);
    expect(await page.locator('#nodes thead th', { hasText: 'Findings' }).getAttribute('aria-sort')).toBe('descending');

    expect(problems).toEqual([]);
    expect(requests).toEqual([file.href]);
  }, 60_000);
});
