// What a kind's fix side is (one file per kind in this folder, one line in ./index.ts): its planner, which reads
// its kind's findings (values already typed) and writes steps, refusals and shared work (units, mounts, removals,
// edits) into the plan builder; where its refusals show; how a report's values are read; and which values the
// rule can have produced.
import type { CheckKind, CheckOf } from '../../model/rule.js';
import type { Entry, PlanBuilder } from '../builder.js';
import type { PhaseId } from '../phases.js';
import type { FixValues, ValueReader } from '../values.js';

export type Planner<K extends CheckKind> = (entries: ReadonlyArray<Entry<K>>, b: PlanBuilder) => void;

export interface KindFix<K extends CheckKind> {
  /** Writes the kind's findings into the plan. */
  plan: Planner<K>;
  /** The phase whose place in the script shows the kind's refusals (the phase that would have acted). */
  refusalPhase: PhaseId;
  /** A finding's values in the kind's typed shape: a report is data from elsewhere (values.ts reads each field). */
  readValues: (r: ValueReader) => FixValues<K>;
  /** Why values cannot have come from this rule's check (`fix --from`), or undefined when they can. */
  fits: (check: CheckOf<K>, v: FixValues<K>) => string | undefined;
}
