import type { KindFix, Planner } from './planner.js';

/** Cluster objects are never removed from the node: their commands are shown for a person. */
export const planKubeResources: Planner<'kube-resource'> = (entries, b) => {
  // The rule's note goes with the commands: it carries warnings such as what patching out a finalizer skips.
  const why = 'a cluster-scope object: remove it through the API server (kubectl), not from this node';
  for (const e of entries) b.toManual(e, e.commands.map((c) => c.display), e.rule.fixNote ? `${why}. ${e.rule.fixNote}` : why);
};

/** The kube-resource kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const kubeResourceFix: KindFix<'kube-resource'> = {
  plan: planKubeResources,
  refusalPhase: 'rule-commands',
  readValues: (r) => ({ target: r.target(), resource: r.word('resource'), name: r.word('name'), namespace: r.optionalWord('namespace'), object: r.words('object') }),
  fits: (c, v) => (v.resource === c.resource ? undefined : `${v.resource} is not the resource the rule looks for`),
};
