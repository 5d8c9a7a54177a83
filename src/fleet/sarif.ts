// The fleet in SARIF 2.1.0: one run per node, each exactly the node's own SARIF run (src/report/sarif.ts, with
// its per-node automationDetails category). GitHub code scanning accepts at most 20 runs per file, so the runs
// are split into files of at most 20 (merge writes them as <file>, <stem>-2<ext>, <stem>-3<ext>, ...).
import type { Log } from 'sarif';
import { buildSarif, SARIF_SCHEMA_URI } from '../report/sarif.js';
import type { FleetReporter } from './reporter.js';

export const SARIF_RUNS_PER_FILE = 20;

export const fleetSarifReporter: FleetReporter = {
  name: 'sarif',
  description: `SARIF 2.1.0, one run per node, at most ${SARIF_RUNS_PER_FILE} runs per file (GitHub's limit)`,
  render({ fleet, reports }) {
    const runs = fleet.nodes.flatMap((n) => {
      const report = reports.get(n.name);
      return report ? buildSarif(report).runs : [];
    });
    const files: string[] = [];
    for (let i = 0; i === 0 || i < runs.length; i += SARIF_RUNS_PER_FILE) {
      const log: Log = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: runs.slice(i, i + SARIF_RUNS_PER_FILE) };
      files.push(`${JSON.stringify(log, null, 2)}\n`);
    }
    return files;
  },
};
