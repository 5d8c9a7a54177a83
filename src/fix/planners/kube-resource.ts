import type { Planner } from './planner.js';

/** Cluster objects are never removed from the node: their commands are shown for a person. */
export const planKubeResources: Planner<'kube-resource'> = (entries, b) => {
  for (const e of entries) b.toManual(e, e.finding.fix, 'a cluster-scope object: remove it through the API server (kubectl), not from this node');
};
