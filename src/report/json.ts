// The JSON report: the ScanResult as is. Its shape is the versioned contract in src/schema/report.schema.json.
import type { Reporter } from './reporter.js';

export const jsonReporter: Reporter = {
  name: 'json',
  description: 'the versioned JSON report contract (src/schema/report.schema.json)',
  render(result) {
    return `${JSON.stringify(result, null, 2)}\n`;
  },
};
