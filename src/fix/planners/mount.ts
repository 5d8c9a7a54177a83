import type { Planner } from './planner.js';

/** Mounts: unmounted deepest first by the builder (rules' own `umount` commands join them). */
export const planMounts: Planner<'mount'> = (entries, b) => {
  for (const e of entries) b.addMount(e, e.values.target);
};
