import { FALLBACK_DEVICES } from '../safety.js';
import type { Planner } from './planner.js';

/** Interfaces: deleted by the builder (veths first, bridges last); tunnel fallback devices only flushed and downed. */
export const planInterfaces: Planner<'interface'> = (entries, b) => {
  for (const e of entries) {
    const name = e.values.target;
    b.addLink(e, name, e.values.linkKind, e.values.targetHex);
    if (FALLBACK_DEVICES.has(name) && e.finding.fix.some((f) => /^modprobe -r /.test(f))) {
      b.toManual(e, e.finding.fix.filter((f) => /^modprobe -r /.test(f)), 'unloads a kernel module for the whole host (every network namespace): run it yourself if nothing else uses that tunnel type');
    }
  }
};
