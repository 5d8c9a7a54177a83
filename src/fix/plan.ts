// planFix: a scan result → an ordered fix plan. Pure: it reads the result and nothing else, so the same report
// always gives the same plan. Each finding's values are read into its kind's typed shape (values.ts), each
// kind's planner (planners/) writes into one plan builder (builder.ts), and the builder orders the steps by
// phase (phases.ts). What is refused is decided in safety.ts, path collapsing in removals.ts.
import type { ScanResult } from '../model/result.js';
import type { CheckKind } from '../model/rule.js';
import { PlanBuilder, type Entry } from './builder.js';
import type { FixPlan } from './model.js';
import { PLANNERS, type Planner } from './planners/index.js';
import { readValues } from './values.js';

const KINDS = Object.keys(PLANNERS) as CheckKind[];

function entriesOf(result: ScanResult, b: PlanBuilder): Entry[] {
  const entries: Entry[] = [];
  for (const rule of result.results) {
    if (rule.status !== 'found') continue;
    for (const finding of rule.findings) {
      // A waived finding is accepted (src/waivers): nothing to plan for it.
      if (finding.waiver) continue;
      const read = readValues(finding.kind, finding);
      if (read.ok) entries.push({ rule, finding, values: read.values });
      else b.refuse({ rule, finding }, `the finding's values do not have the shape of a ${finding.kind} finding: ${read.problem}`);
    }
  }
  return entries;
}

function runPlanner<K extends CheckKind>(kind: K, entries: readonly Entry[], b: PlanBuilder): void {
  // The registry's type pairs each kind with its planner; indexing it with a type parameter loses the pairing.
  const planner = PLANNERS[kind] as unknown as Planner<K>;
  // entriesOf read each finding's values for the finding's own kind, so these are Entry<K>.
  planner(entries.filter((e) => e.finding.kind === kind) as unknown as Array<Entry<K>>, b);
}

/** Builds the ordered plan. */
export function planFix(result: ScanResult): FixPlan {
  const b = new PlanBuilder();
  const entries = entriesOf(result, b);
  for (const kind of KINDS) runPlanner(kind, entries, b);
  // A kind this version has no planner for (a newer report): shown for a person, never run.
  for (const e of entries.filter((x) => !(x.finding.kind in PLANNERS))) b.toManual(e, e.finding.fix, `kind ${e.finding.kind} is not planned by this version`);
  return b.finish(result, entries);
}
