// The HTML report in a real headless Chromium (Debian's `chromium` package, driven by playwright-core): no console
// errors, no request other than the document itself, the numbers and a nasty target render as text, and a screenshot
// lands in test-output/report.png for people to look at. Without /usr/bin/chromium the test is skipped locally and
// fails in CI (CI=true).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { htmlReporter } from '../../src/report/html.js';
import { loadFixture } from './fixtures.js';
import { IN_CI } from '../helpers/ci.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUTPUT_DIR = new URL('../../test-output/', import.meta.url);

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`[html-browser] skipped: ${CHROMIUM} not found (apt-get install -y chromium); set CI=true to make this a failure`);
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('html report in headless Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing and CI is set: install Debian's chromium package`);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(fixture: 'dirty-node' | 'clean-node' | 'unchecked-node', screenshot?: string) {
    if (!browser) throw new Error('no browser');
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const file = new URL(`${fixture}.html`, OUTPUT_DIR);
    writeFileSync(file, htmlReporter.render(loadFixture(fixture), { color: false }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') consoleErrors.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(file.href, { waitUntil: 'load' });
    if (screenshot) await page.screenshot({ path: fileURLToPath(new URL(screenshot, OUTPUT_DIR)), fullPage: true });
    return { page, consoleErrors, requests, href: file.href };
  }

  it('renders the dirty node without errors or requests, with its numbers and nasty targets as text', async () => {
    const { page, consoleErrors, requests, href } = await open('dirty-node', 'report.png');
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([href]);
    expect(await page.locator('#sum-findings .num').innerText()).toBe('28');
    expect(await page.locator('#sum-found .num').innerText()).toBe('19');
    expect(await page.locator('#sum-clean .num').innerText()).toBe('3');
    expect(await page.locator('#sum-unchecked .num').innerText()).toBe('1');
    expect(await page.locator('#verdict').innerText()).toBe('Residue found');
    expect(await page.locator('h1').innerText()).toBe('worker-03.prod.example.internal');
    const targets = await page.locator('td.target code').allInnerTexts();
    expect(targets).toContain('/var/lib/kubelet/pods/e3b0c442-98fc-4c14-9afb-4c8996fb9242/volumes/kubernetes.io~csi/pvc-<&"\'>]]>\\nx\\u0001y/mount');
    expect(targets).toContain('kubelet\\u202egpj.[4242]');
    expect(targets).toContain('/var/log/pods/default_evil-`|`pod``_1b2c4d6e/```` | x');
    // Both charts are drawn: one bar label per severity, one per kind with findings.
    expect(await page.locator('svg.chart').count()).toBe(2);
    expect(await page.locator('svg.chart').first().locator('text.chart-label').count()).toBe(5);
    // Print media applies without errors and keeps the findings.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#findings article.rule').count()).toBe(19);
    await page.pdf({ path: fileURLToPath(new URL('report.pdf', OUTPUT_DIR)), format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    await page.close();
  }, 60_000);

  it.each(['clean-node', 'unchecked-node'] as const)('renders %s without errors or requests', async (fixture) => {
    const { page, consoleErrors, requests, href } = await open(fixture, `report-${fixture}.png`);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([href]);
    expect(await page.locator('#sum-findings .num').innerText()).toBe('0');
    await page.close();
  }, 60_000);
});
