// Typed conditions a path or systemd-unit check can put on its matches (`when:` in a rule, all must hold).
// They say declaratively what per-rule code would otherwise decide: whether something came from a package
// (provenance, src/probes/provenance.ts) and whether a directory holds a given kind of state.

/** Not residue when an installed package owns it unmodified (a directory: everything in it, `ignore` aside). */
export interface NotOwnedByPackageCondition {
  notOwnedByPackage: true | { ignore: string[] };
}

/** Residue only when the matched directory holds an entry matching one of these globs (relative to it). */
export interface ContainsEntryCondition {
  containsEntry: string[];
}

/**
 * Residue only when one of these host paths exists and no installed package owns it unmodified: e.g. the
 * runtime's binary or unit was put there by a Kubernetes installer, not by a package.
 */
export interface PresentWithoutPackageCondition {
  presentWithoutPackage: string[];
}

/** At least one of the nested conditions holds. */
export interface AnyOfCondition {
  anyOf: Condition[];
}

export type Condition = NotOwnedByPackageCondition | ContainsEntryCondition | PresentWithoutPackageCondition | AnyOfCondition;

export function isNotOwnedByPackage(c: Condition): c is NotOwnedByPackageCondition {
  return 'notOwnedByPackage' in c;
}
export function isContainsEntry(c: Condition): c is ContainsEntryCondition {
  return 'containsEntry' in c;
}
export function isPresentWithoutPackage(c: Condition): c is PresentWithoutPackageCondition {
  return 'presentWithoutPackage' in c;
}
export function isAnyOf(c: Condition): c is AnyOfCondition {
  return 'anyOf' in c;
}

/** Every condition in a tree, flattened (to know which facts a scan must gather). */
export function flattenConditions(list: readonly Condition[]): Condition[] {
  return list.flatMap((c) => (isAnyOf(c) ? [c, ...flattenConditions(c.anyOf)] : [c]));
}
