// The fleet report as JSON (src/fleet/model.ts, schemaVersion fleet-1.0): for scripts and dashboards.
import type { FleetReporter } from './reporter.js';

export const fleetJsonReporter: FleetReporter = {
  name: 'json',
  description: 'the fleet report as JSON (schemaVersion fleet-1.0)',
  render: ({ fleet }) => [`${JSON.stringify(fleet, null, 2)}\n`],
};
