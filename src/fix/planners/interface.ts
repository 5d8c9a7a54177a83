import { FALLBACK_DEVICES } from '../safety.js';
import type { KindFix, Planner } from './planner.js';
import { nameFits } from '../fits.js';

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

/** The interface kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const interfaceFix: KindFix<'interface'> = {
  plan: planInterfaces,
  refusalPhase: 'interfaces',
  readValues: (r) => ({ target: r.target(), linkKind: r.word('linkKind'), targetHex: r.bytesOf('targetHex', r.target()) }),
  fits: (c, v) => (nameFits(c.names, c.nameRegex, v.target) && (!c.linkKinds || c.linkKinds.includes(v.linkKind)) ? undefined : `${v.target} is not an interface the rule looks for`),
};
