// Issue 3's promise end to end: one `kube-residue scan` of a real dirty node writes the table on standard output
// and JSON, SARIF, JUnit, Markdown and HTML files together; the SARIF passes the official schema and GitHub's
// ingestion rules, fingerprints are stable across two scans, the JUnit parses strictly, the exit code is the
// same whatever formats are asked for.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { RESIDUE_SCENARIOS, requireSandboxOrSkip, runInSandbox } from '../sandbox/sandbox.js';
import { fingerprintProblems, sarifProblems } from '../report/sarif-checks.js';

const skip = requireSandboxOrSkip();

const SEP = '=====KR-FILE=====';

function scanAllFormats(): { status: number; stdout: string; files: Record<string, string> } {
  const script = [
    'd="$KR_SANDBOX_DIR"',
    'node dist/kube-residue.cjs scan --format table --report json="$d/r.json" --report sarif="$d/r.sarif" --report junit="$d/r.xml" --report markdown="$d/r.md" --report html="$d/r.html"',
    'status=$?',
    'node dist/kube-residue.cjs scan --quiet --report sarif="$d/r2.sarif"',
    `for f in r.json r.sarif r2.sarif r.xml r.md r.html; do printf '\\n${SEP} %s\\n' "$f"; cat "$d/$f"; done`,
    'exit $status',
  ].join('\n');
  const run = runInSandbox({ scenarios: ['user-state', ...RESIDUE_SCENARIOS], command: ['bash', '-c', script], timeoutMs: 120_000 });
  const [table = '', ...parts] = run.stdout.split(`\n${SEP} `);
  const files: Record<string, string> = {};
  for (const p of parts) {
    const nl = p.indexOf('\n');
    files[p.slice(0, nl)] = p.slice(nl + 1);
  }
  return { status: run.status, stdout: table, files };
}

describe.skipIf(skip !== undefined)(`all report formats from one scan of a dirty node${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  const run = scanAllFormats();

  it('prints the table and exits 1, as with any single format', () => {
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/RESIDUE FOUND/);
    expect(run.stdout).toContain('calico-cgroup2-mount');
  });

  it('writes a SARIF that the official schema and GitHub ingestion accept, with stable fingerprints', () => {
    const sarif = run.files['r.sarif'] ?? '';
    expect(sarifProblems(sarif)).toEqual([]);
    expect(fingerprintProblems(sarif, run.files['r2.sarif'] ?? '')).toEqual([]);
    const log = JSON.parse(sarif) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    const cgroup = log.runs[0]?.results.find((r) => r.ruleId === 'calico-cgroup2-mount');
    expect(cgroup?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('rules/calico.yaml');
  });

  it('writes JUnit that parses strictly with a failure per found rule', () => {
    const xml = run.files['r.xml'] ?? '';
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as { testsuites: { '@_failures': string } };
    const json = JSON.parse(run.files['r.json'] ?? '{}') as { summary: { found: number } };
    expect(Number(doc.testsuites['@_failures'])).toBe(json.summary.found);
  });

  it('writes Markdown and self-contained HTML naming the same findings', () => {
    expect(run.files['r.md']).toContain('calico-cgroup2-mount');
    const html = run.files['r.html'] ?? '';
    expect(html).toContain('/run/calico/cgroup');
    expect(html).not.toMatch(/<script|<link[^>]+stylesheet|src="https?:/i);
  });
});
