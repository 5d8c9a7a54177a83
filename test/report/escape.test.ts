import { describe, expect, it } from 'vitest';
import type { Severity } from '../../src/model/rule.js';
import { html, multiLine, oneLine, uriPath, xmlAttr, xmlText } from '../../src/report/escape.js';
import { FIXTURE_NAMES, loadFixture } from './fixtures.js';

describe('escaping', () => {
  it('makes invisible and forbidden characters visible on one line', () => {
    expect(oneLine('a\nb\tc\rd\u0000e\u0001f\u007fg\u0085h\u202ei\u2066j\u200bk\ufeffl')).toBe(
      'a\\nb\\tc\\rd\\u0000e\\u0001f\\u007fg\\u0085h\\u202ei\\u2066j\\u200bk\\ufeffl',
    );
    expect(oneLine('plain /etc/kubernetes ✓ ünïcode 日本')).toBe('plain /etc/kubernetes ✓ ünïcode 日本');
    expect(oneLine('\ud800x')).toBe('\\ud800x');
    expect(oneLine('😀')).toBe('😀');
  });

  it('keeps newlines and tabs in multi-line text but nothing else invisible', () => {
    expect(multiLine('a\n\tb\r\u0001')).toBe('a\n\tb\\r\\u0001');
  });

  it('escapes XML text and attributes', () => {
    expect(xmlText('<a> & ]]> "q" \'s\' \u0002')).toBe('&lt;a&gt; &amp; ]]&gt; "q" \'s\' \\u0002');
    expect(xmlAttr('<a> & "q" \'s\'\n\t\u0002')).toBe('&lt;a&gt; &amp; &quot;q&quot; &apos;s&apos;&#10;&#9;\\u0002');
    expect(html('<a href="x">\'&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('percent-encodes URI path segments', () => {
    expect(uriPath('/etc/kube residue/a#b?c%d.yaml')).toBe('/etc/kube%20residue/a%23b%3Fc%25d.yaml');
  });
});

describe('fixtures', () => {
  it.each(FIXTURE_NAMES)('%s has a summary that matches its results', (name) => {
    const scan = loadFixture(name);
    const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const r of scan.results) bySeverity[r.severity] += r.findings.length;
    expect(scan.summary).toEqual({
      rules: scan.results.length,
      found: scan.results.filter((r) => r.status === 'found').length,
      clean: scan.results.filter((r) => r.status === 'clean').length,
      unchecked: scan.results.filter((r) => r.status === 'unchecked').length,
      findings: scan.results.reduce((n, r) => n + r.findings.length, 0),
      bySeverity,
    });
    for (const r of scan.results) expect(r.status === 'found').toBe(r.findings.length > 0);
  });
});
