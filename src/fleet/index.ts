// The fleet output formats by name (kube-residue merge --format).
import { fleetHtmlReporter } from './html.js';
import { fleetJsonReporter } from './json.js';
import { fleetMarkdownReporter } from './markdown.js';
import type { FleetReporter } from './reporter.js';
import { fleetSarifReporter } from './sarif.js';
import { fleetTableReporter } from './table.js';

export const FLEET_REPORTERS: Readonly<Record<string, FleetReporter>> = {
  table: fleetTableReporter,
  json: fleetJsonReporter,
  markdown: fleetMarkdownReporter,
  html: fleetHtmlReporter,
  sarif: fleetSarifReporter,
};

export function describeFleetReporters(): string {
  return Object.values(FLEET_REPORTERS)
    .map((r) => `${r.name}: ${r.description}`)
    .join('\n');
}
