import type { KindFix, Planner } from './planner.js';
import { matches } from '../fits.js';

/** Mounts: unmounted deepest first by the builder (rules' own `umount` commands join them). */
export const planMounts: Planner<'mount'> = (entries, b) => {
  for (const e of entries) b.addMount(e, e.values.target);
};

/** The mount kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const mountFix: KindFix<'mount'> = {
  plan: planMounts,
  refusalPhase: 'unmount',
  readValues: (r) => ({ target: r.target(), fstype: r.word('fstype'), source: r.word('source') }),
  fits: (c, v) => (matches(c.mountPoints, v.target) && (!c.fstypes || c.fstypes.includes(v.fstype)) && matches(c.sources, v.source) ? undefined : `${v.target} (${v.fstype}) is not a mount the rule looks for`),
};
