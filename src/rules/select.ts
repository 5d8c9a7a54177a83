// Which rules a scan evaluates: profile, tags, explicit ids and skips. Cluster-scope rules need --cluster, so
// a node scan never depends on (or goes unchecked for want of) an API server.
import type { ProfileSelector, Rule } from '../model/rule.js';
import { ruleInProfile } from './profile.js';

export interface Selection {
  profile: ProfileSelector;
  tags: readonly string[];
  rules: readonly string[];
  skip: readonly string[];
  cluster: boolean;
}

export interface SelectionOutcome {
  selected: Rule[];
  /** Usage errors: unknown ids, or nothing selected. */
  errors: string[];
}

export function selectRules(all: readonly Rule[], sel: Selection): SelectionOutcome {
  const errors: string[] = [];
  const known = new Set(all.map((r) => r.id));
  for (const id of [...sel.rules, ...sel.skip]) if (!known.has(id)) errors.push(`unknown rule id: ${id}`);
  let selected = all.filter((r) => ruleInProfile(r, sel.profile));
  if (sel.tags.length > 0) selected = selected.filter((r) => r.tags.some((t) => sel.tags.includes(t)));
  if (sel.rules.length > 0) selected = selected.filter((r) => sel.rules.includes(r.id));
  if (sel.skip.length > 0) selected = selected.filter((r) => !sel.skip.includes(r.id));
  if (!sel.cluster) {
    for (const r of selected) {
      if (r.check.kind === 'kube-resource' && sel.rules.includes(r.id)) errors.push(`rule ${r.id} reads the cluster: add --cluster`);
    }
    selected = selected.filter((r) => r.check.kind !== 'kube-resource');
  }
  if (errors.length === 0 && selected.length === 0) errors.push('no rule selected: a scan of zero rules proves nothing (check --profile, --tag, --rule, --skip)');
  return { selected, errors };
}
