// The registry of output formats. A new format is one new file in this folder plus one line here; each is
// loaded only when asked for, so a scan pays only for the formats it writes.
import type { Reporter } from './reporter.js';

type ReporterLoader = () => Promise<Reporter>;

const REPORTERS: Record<string, { description: string; load: ReporterLoader }> = {
  table: { description: 'a table for people (default on a terminal)', load: async () => (await import('./table.js')).tableReporter },
  json: { description: 'the versioned JSON report contract (dist/schema/report.schema.json)', load: async () => (await import('./json.js')).jsonReporter },
  sarif: { description: 'SARIF 2.1.0 for GitHub code scanning (upload-sarif), one category per node', load: async () => (await import('./sarif.js')).sarifReporter },
  junit: { description: 'JUnit XML for CI test reports (Jenkins, GitLab): a test per rule, a suite per pack', load: async () => (await import('./junit.js')).junitReporter },
  markdown: { description: 'Markdown for a pull-request comment or ticket: verdict, counts, findings, fix commands', load: async () => (await import('./markdown.js')).markdownReporter },
  html: { description: 'a self-contained HTML audit report (inline CSS and SVG charts, printable)', load: async () => (await import('./html.js')).htmlReporter },
};

export function reporterNames(): string[] {
  return Object.keys(REPORTERS);
}

export function describeReporters(): string {
  return Object.entries(REPORTERS)
    .map(([name, r]) => `${name}: ${r.description}`)
    .join('\n');
}

export async function loadReporter(name: string): Promise<Reporter | undefined> {
  const entry = REPORTERS[name];
  return entry ? entry.load() : undefined;
}
