// What a planner is: the fix plan's part for one check kind. It reads its kind's findings (values already typed)
// and writes steps, refusals and shared work (units, mounts, removals, edits) into the plan builder.
import type { CheckKind } from '../../model/rule.js';
import type { Entry, PlanBuilder } from '../builder.js';

export type Planner<K extends CheckKind> = (entries: ReadonlyArray<Entry<K>>, b: PlanBuilder) => void;
