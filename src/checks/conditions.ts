// Pure: decides whether a match meets its rule's conditions (all of `when`; `anyOf` any), from the facts the
// conditions probe gathered, and says why in words for the finding's evidence.
import { isAnyOf, isPresentWithoutPackage, type Condition } from '../model/conditions.js';
import type { FindingProvenance } from '../model/result.js';
import { factKey, type ConditionFact } from '../probes/conditions.js';

/** `removable`: what a clean-up may remove, when the conditions that held narrow it; absent: the whole match. */
export type ConditionOutcome = { holds: boolean; details: string[]; provenance?: FindingProvenance; removable?: string[] } | { missing: string };

type OneOutcome = { holds: boolean; details: string[]; removable?: string[] };

function factsFor(subjects: readonly string[], c: Condition, facts: ReadonlyMap<string, ConditionFact>): ConditionFact[] | string {
  const keys = isPresentWithoutPackage(c) ? [factKey('', c)] : subjects.map((s) => factKey(s, c));
  const found: ConditionFact[] = [];
  for (const k of keys) {
    const f = facts.get(k);
    if (!f) return `no fact for ${JSON.stringify(c)}`;
    if (f.unseen !== undefined) return f.unseen;
    found.push(f);
  }
  return found;
}

function one(subjects: readonly string[], c: Condition, facts: ReadonlyMap<string, ConditionFact>, prov: FindingProvenance): OneOutcome | string {
  if (isAnyOf(c)) {
    const misses: string[] = [];
    for (const sub of c.anyOf) {
      const r = one(subjects, sub, facts, prov);
      if (typeof r === 'string') return r;
      if (r.holds) return r;
      misses.push(...r.details);
    }
    return { holds: false, details: misses };
  }
  const list = factsFor(subjects, c, facts);
  if (typeof list === 'string') return list;
  for (const f of list) {
    if (f.owners) prov.owners = [...new Set([...prov.owners, ...f.owners])];
    if (f.unowned) prov.unowned = [...new Set([...prov.unowned, ...f.unowned])];
  }
  const held = list.filter((f) => f.holds);
  // Several subjects (a unit file and its drop-ins): one that meets the condition is enough.
  if (held.length === 0) return { holds: false, details: list.map((f) => f.detail) };
  const narrowed = held.every((f) => f.removable !== undefined);
  return { holds: true, details: held.map((f) => f.detail), ...(narrowed ? { removable: held.flatMap((f) => f.removable ?? []) } : {}) };
}

/** All conditions must hold. `subjects` are the host paths the match stands for. */
export function evaluateConditions(subjects: readonly string[], conditions: readonly Condition[], facts: ReadonlyMap<string, ConditionFact>): ConditionOutcome {
  const prov: FindingProvenance = { owners: [], unowned: [] };
  const details: string[] = [];
  let removable: string[] | undefined;
  for (const c of conditions) {
    const r = one(subjects, c, facts, prov);
    if (typeof r === 'string') return { missing: r };
    if (!r.holds) return { holds: false, details: r.details, provenance: prov };
    details.push(...r.details);
    // Every condition that narrows what may go narrows it further.
    if (r.removable) removable = removable ? removable.filter((p) => r.removable?.includes(p)) : r.removable;
  }
  return { holds: true, details, provenance: prov, ...(removable ? { removable } : {}) };
}
