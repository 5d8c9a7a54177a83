import { FALLBACK_DEVICES } from '../safety.js';
import type { Planner } from './planner.js';

/** Interfaces: deleted by the builder (veths first, bridges last); tunnel fallback devices only flushed and downed. */
export const planInterfaces: Planner<'interface'> = (entries, b) => {
  for (const e of entries) {
    const name = e.values.target;
    b.addLink(e, name, e.values.linkKind, e.values.targetHex);
    const unloads = e.commands.filter((c) => c.ok && c.words[0]?.text === 'modprobe' && c.words[1]?.text === '-r');
    if (FALLBACK_DEVICES.has(name) && unloads.length > 0) {
      b.toManual(e, unloads.map((c) => c.display), 'unloads a kernel module for the whole host (every network namespace): run it yourself if nothing else uses that tunnel type');
    }
  }
};
