import type { Planner } from './planner.js';

/** Cluster objects are never removed from the node: their commands are shown for a person. */
export const planKubeResources: Planner<'kube-resource'> = (entries, b) => {
  // The rule's note goes with the commands: it carries warnings such as what patching out a finalizer skips.
  const why = 'a cluster-scope object: remove it through the API server (kubectl), not from this node';
  for (const e of entries) b.toManual(e, e.commands.map((c) => c.display), e.rule.fixNote ? `${why}. ${e.rule.fixNote}` : why);
};
