// The JSON report: the ScanResult as is. Its shape is the versioned contract in src/schema/report-schema.ts.
import { jsonChunks } from './json-chunks.js';
import type { Reporter } from './reporter.js';

/** About 1 MB of JSON. */
const STREAM_FROM_FINDINGS = 1000;

export const jsonReporter: Reporter = {
  name: 'json',
  description: 'the versioned JSON report contract (dist/schema/report.schema.json)',
  render(result) {
    return `${JSON.stringify(result, null, 2)}\n`;
  },
  // The same text in pieces when the report is large (a huge node's is tens of MB): the report, each result
  // and its findings list are taken apart, and the findings are stringified a batch at a time. A small report
  // is quicker as one JSON.stringify.
  *renderChunks(result, options) {
    if (result.summary.findings < STREAM_FROM_FINDINGS) {
      yield this.render(result, options);
      return;
    }
    yield* jsonChunks(result, { streamDepth: 4 });
    yield '\n';
  },
};
