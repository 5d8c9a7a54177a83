import type { Planner } from './planner.js';

/** Files and directories: the rule's rm commands become checked removals, collapsed under removed parents. */
export const planPaths: Planner<'path'> = (entries, b) => {
  for (const e of entries) {
    b.routeRuleFix(e);
    if (e.commands.length === 0) b.toManual(e, [], 'the rule gives no fix command');
  }
};
