import type { KindFix, Planner } from './planner.js';
import { pathFits, within } from '../fits.js';

/** Files and directories: the rule's rm commands become checked removals, collapsed under removed parents. */
export const planPaths: Planner<'path'> = (entries, b) => {
  for (const e of entries) {
    b.routeRuleFix(e);
    if (e.commands.length === 0) b.toManual(e, [], 'the rule gives no fix command');
  }
};

/** The path kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const pathFix: KindFix<'path'> = {
  plan: planPaths,
  refusalPhase: 'files',
  readValues: (r) => ({ target: r.target(), linkTarget: r.optionalWord('linkTarget'), removable: r.optionalWords('removable'), targetHex: r.bytesOf('targetHex', r.target()) }),
  fits: (c, v) => {
    if (!pathFits(c.paths, v.target) || (c.exclude && pathFits(c.exclude, v.target))) return `${v.target} is not a path the rule looks for`;
    const outside = (v.removable ?? []).find((u) => !within(u, v.target));
    return outside === undefined ? undefined : `${outside} (removable) is not within ${v.target}`;
  },
};
