import { globsMatcher } from '../glob.js';
import { createKubeResourceProbe, kubeQueryKey, type KubeFacts } from '../probes/kube-resources.js';
import type { CheckDefinition, RawFinding } from './check.js';

export function createKubeResourceCheck(kubeconfig: string | undefined): CheckDefinition<'kube-resource', KubeFacts> {
  return {
    kind: 'kube-resource',
    probe: createKubeResourceProbe(kubeconfig),
    match(check, facts) {
      const src = facts.get(kubeQueryKey(check));
      if (!src?.ok || !src.data) return { findings: [], partial: src?.reason ?? 'not queried' };
      const names = check.names ? globsMatcher(check.names) : () => true;
      const findings: RawFinding[] = src.data
        .filter((o) => names(o.name))
        .map((o) => {
          const target = o.namespace ? `${check.resource}/${o.namespace}/${o.name}` : `${check.resource}/${o.name}`;
          const stuck = o.deletionTimestamp ? `terminating since ${o.deletionTimestamp}${o.finalizers.length ? `, finalizers ${o.finalizers.join(', ')}` : ''}` : 'present';
          const vars: RawFinding['vars'] = { target, resource: check.resource, name: o.name };
          if (o.namespace) vars.namespace = o.namespace;
          return { target, evidence: stuck, vars };
        });
      return { findings };
    },
  };
}
