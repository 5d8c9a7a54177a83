import { describe, expect, it } from 'vitest';
import type { RuleResult, ScanResult } from '../../src/model/result.js';
import { htmlReporter } from '../../src/report/html.js';
import { cloneResult, FIXTURE_NAMES, loadFixture } from './fixtures.js';

function render(result: ScanResult): string {
  return htmlReporter.render(result, { color: false });
}

describe('html reporter', () => {
  it.each(FIXTURE_NAMES)('%s is self-contained: no scripts, nothing fetched, a print stylesheet', (name) => {
    const page = render(loadFixture(name));
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|\bsrc=|url\(|@import|srcset/i);
    expect(page).not.toMatch(/\son[a-z]+=/i);
    for (const [, href] of page.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^(https?:\/\/|#rule-\d+$)/);
    expect(page).toContain('@media print');
    expect(page.match(/<svg /g)).toHaveLength(2);
    expect(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(page)).toBe(false);
  });

  it('shows the host identity, versions, time and summary numbers', () => {
    const page = render(loadFixture('dirty-node'));
    expect(page).toContain('<h1>worker-03.prod.example.internal</h1>');
    expect(page).toContain('0.1.0, rules 2026.03.0');
    expect(page).toContain('2026-03-14 09:26:53 UTC');
    expect(page).toContain('<div class="tile bad" id="sum-findings"><div class="num">28</div>');
    expect(page).toContain('<div class="tile warn" id="sum-unchecked"><div class="num">1</div>');
    expect(page).toContain('Findings by severity');
    expect(page).toContain('Findings by check kind');
    expect(page).toContain('cannot read /proc/&lt;pid&gt;/exe');
  });

  it('escapes every host-derived string and shows invisible characters', () => {
    const page = render(loadFixture('dirty-node'));
    expect(page).not.toContain('pvc-<&');
    expect(page).toContain(
      'pvc-&lt;&amp;&quot;&#39;&gt;]]&gt;<span class="ctl" title="invisible character U+000A">\\n</span>x<span class="ctl" title="invisible character U+0001">\\u0001</span>y/mount',
    );
    expect(page).toContain('kubelet<span class="ctl" title="invisible character U+202E">\\u202e</span>gpj.[4242]');
  });

  it('cannot be broken out of by hostile rule text or host names', () => {
    const scan = cloneResult(loadFixture('dirty-node'));
    const rule = scan.results[0] as RuleResult;
    rule.title = '</title><script>alert(1)</script>';
    rule.description = '<img src=x onerror=alert(1)>';
    rule.references = ['javascript:alert(1)', 'https://example.com/"onmouseover="alert(1)'];
    scan.host.hostname = '<style>body{display:none}</style>';
    const page = render(scan);
    expect(page).not.toMatch(/<script|<img|<style>body/);
    expect(page).not.toContain('href="javascript:');
    expect(page).not.toContain('"onmouseover=');
  });
});

describe('html verdict', () => {
  it('says "passed" rather than "clean" when findings sit below the fail-on severity', () => {
    const scan = cloneResult(loadFixture('dirty-node'));
    scan.results = scan.results.filter((r) => r.severity === 'low' || r.severity === 'info');
    scan.verdict = 'clean';
    const page = render(scan);
    expect(page).toContain('id="verdict">Passed: only residue below the fail-on severity (high)</span>');
  });
});
