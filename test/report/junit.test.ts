import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { RuleResult, ScanResult } from '../../src/model/result.js';
import { junitReporter } from '../../src/report/junit.js';
import { cloneResult, FIXTURE_NAMES, loadFixture } from './fixtures.js';

type Node = Record<string, unknown>;

function render(result: ScanResult): string {
  return junitReporter.render(result, { color: false });
}

function list(value: unknown): Node[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Node[];
}

function parse(xml: string): Node {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: true,
  });
  return parser.parse(xml) as Node;
}

/** Characters XML 1.0 forbids anywhere, and any character reference other than the tab and newline we emit. */
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|&#(?!9;|10;)/;

function checkStructure(xml: string, scan: ScanResult): void {
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(XML_FORBIDDEN.test(xml)).toBe(false);
  const doc = parse(xml);
  const root = doc['testsuites'] as Node;
  expect(root).toBeDefined();
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  let errors = 0;
  for (const suite of list(root['testsuite'])) {
    const cases = list(suite['testcase']);
    const f = cases.filter((c) => c['failure'] !== undefined).length;
    const s = cases.filter((c) => c['skipped'] !== undefined).length;
    const e = cases.filter((c) => c['error'] !== undefined).length;
    expect(Number(suite['@tests'])).toBe(cases.length);
    expect(Number(suite['@failures'])).toBe(f);
    expect(Number(suite['@skipped'])).toBe(s);
    expect(Number(suite['@errors'])).toBe(e);
    expect(suite['@hostname']).toBe(scan.host.hostname);
    expect(String(suite['@timestamp'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(String(suite['@name']).length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(String(c['@classname'])).toBe(suite['@name']);
      expect(String(c['@name']).length).toBeGreaterThan(0);
      expect(String(c['@time'])).toMatch(/^\d+\.\d{3}$/);
      for (const failure of list(c['failure'])) {
        expect(String(failure['@message'])).toMatch(/^\d+ leftovers?, severity (critical|high|medium|low|info)$/);
        expect(failure['@type']).toBeDefined();
      }
    }
    tests += cases.length;
    failures += f;
    skipped += s;
    errors += e;
  }
  expect(Number(root['@tests'])).toBe(tests);
  expect(Number(root['@failures'])).toBe(failures);
  expect(Number(root['@skipped'])).toBe(skipped);
  expect(Number(root['@errors'])).toBe(errors);
}

describe('junit reporter', () => {
  it.each(FIXTURE_NAMES)('%s is well-formed XML with correct counts on every suite and the root', (name) => {
    const scan = loadFixture(name);
    checkStructure(render(scan), scan);
  });

  it('has one suite per pack, one test per rule, failures for found rules and skips for unchecked ones', () => {
    const scan = loadFixture('dirty-node');
    const root = parse(render(scan))['testsuites'] as Node;
    const suites = list(root['testsuite']);
    expect(suites.map((s) => s['@name'])).toEqual(['kubeadm', 'calico', 'kube-proxy', 'containerd', 'kubespray', 'acme']);
    expect(Number(root['@tests'])).toBe(scan.summary.rules);
    expect(Number(root['@failures'])).toBe(scan.summary.found);
    expect(Number(root['@skipped'])).toBe(scan.summary.unchecked);
    const cases = suites.flatMap((s) => list(s['testcase']));
    const shims = cases.find((c) => String(c['@name']).startsWith('containerd.shims'));
    expect(list(shims?.['skipped'])[0]?.['@message']).toBe("cannot read /proc/<pid>/exe of other users' processes: not running as root");
    const mounts = cases.find((c) => String(c['@name']).startsWith('kubeadm.kubelet-mounts'));
    const failure = list(mounts?.['failure'])[0] as Node;
    expect(failure['@message']).toBe('2 leftovers, severity high');
    const body = String(failure['#text']);
    expect(body).toContain('/var/lib/kubelet/pods/e3b0c442-98fc-4c14-9afb-4c8996fb9242/volumes/kubernetes.io~csi/pvc-<&"\'>]]>\\nx\\u0001y/mount');
    expect(body).toContain('evidence: ext4 mounted from /dev/rbd0 (rw,relatime)');
    expect(body).toContain('umount /var/lib/kubelet/pods/5f0c2d1e-8a4b-4c1e-9d2f-1b7e6a3c9d40/volumes/kubernetes.io~projected/kube-api-access-x7k2p');
  });

  it('escapes hostile text in attributes and bodies, and makes forbidden characters visible', () => {
    const scan = cloneResult(loadFixture('dirty-node'));
    const rule = scan.results[0] as RuleResult;
    rule.title = 'a "b" <c> & \'d\' ]]> e\tf\ng\u0002h\u001bi';
    rule.findings[0] = { ...rule.findings[0]!, target: ']]><![CDATA[x]]>&amp;\u0000\u0007\ud800', evidence: '<!-- -->' };
    scan.host.hostname = 'h"<&>\'';
    const unchecked = scan.results.find((r) => r.status === 'unchecked') as RuleResult;
    unchecked.reason = 'no "root" <uid 1000> & \u0003';
    const xml = render(scan);
    checkStructure(xml, scan);
    const root = parse(xml)['testsuites'] as Node;
    const first = list(list(root['testsuite'])[0]?.['testcase'])[0] as Node;
    expect(first['@name']).toBe('kubeadm.pki: a "b" <c> & \'d\' ]]> e\\tf\\ng\\u0002h\\u001bi');
    const body = String(list(first['failure'])[0]?.['#text']);
    expect(body).toContain(']]><![CDATA[x]]>&amp;\\u0000\\u0007\\ud800');
    expect(body).toContain('evidence: <!-- -->');
    const cases = list(root['testsuite']).flatMap((s) => list(s['testcase']));
    const skippedCase = cases.find((c) => c['skipped'] !== undefined) as Node;
    expect(list(skippedCase['skipped'])[0]?.['@message']).toBe('no "root" <uid 1000> & \\u0003');
  });
});
