// The fleet output formats (kube-residue merge --format). Like the node reporters (src/report), each is a pure
// function of its input; unlike them a fleet format may produce several documents (SARIF: at most 20 runs each).
import type { ScanResult } from '../model/result.js';
import type { FleetReport } from './model.js';

export interface FleetInput {
  fleet: FleetReport;
  /** Each node's own scan report by fleet node name (missing nodes have none). */
  reports: ReadonlyMap<string, ScanResult>;
}

export interface FleetReporter {
  readonly name: string;
  readonly description: string;
  /** One document, or several when the format has a size limit (written as <name>, <name>-2, ...). */
  render(input: FleetInput): string[];
}

export const VERDICT_TEXT: Readonly<Record<FleetReport['nodes'][number]['verdict'], string>> = {
  clean: 'clean',
  residue: 'residue',
  unchecked: 'not fully checked',
  missing: 'no report',
};

export const FLEET_VERDICT_TEXT: Readonly<Record<FleetReport['verdict'], string>> = {
  clean: 'Every node is clean',
  residue: 'Residue found on some nodes',
  unchecked: 'No residue found, but some nodes could not be fully checked',
  missing: 'No node reports',
};
