import { globsMatcher } from '../glob.js';
import { createKubeResourceProbe, kubeQueryKey, type KubeFacts } from '../probes/kube-resources.js';
import type { CheckDefinition, RawFinding } from './check.js';

export type KubeResourceFixVars = { target: string; resource: string; name: string; namespace?: string };

export function createKubeResourceCheck(kubeconfig: string | undefined): CheckDefinition<'kube-resource', KubeFacts, KubeResourceFixVars> {
  return {
    kind: 'kube-resource',
    doc: { fields: '`resource`, `names`, `labelSelector`, `namespace` (only with `--cluster`)', findingPer: 'object' },
    params: { resource: 'required', names: 'optional', labelSelector: 'optional', namespace: 'optional' },
    regexFields: [],
    fixVars: { target: '`<resource>/[<namespace>/]<name>`', resource: 'the resource', name: 'the object name', namespace: 'its namespace (namespaced objects only)' },
    sarifPrecision: 'very-high',
    startOrder: 1,
    probe: createKubeResourceProbe(kubeconfig),
    match(check, facts) {
      const src = facts.get(kubeQueryKey(check));
      if (!src?.ok || !src.data) return { findings: [], partial: src?.reason ?? 'not queried' };
      const names = check.names ? globsMatcher(check.names) : () => true;
      const findings: RawFinding<KubeResourceFixVars>[] = src.data
        .filter((o) => names(o.name))
        .map((o) => {
          const target = o.namespace ? `${check.resource}/${o.namespace}/${o.name}` : `${check.resource}/${o.name}`;
          const stuck = o.deletionTimestamp ? `terminating since ${o.deletionTimestamp}${o.finalizers.length ? `, finalizers ${o.finalizers.join(', ')}` : ''}` : 'present';
          const vars: KubeResourceFixVars = { target, resource: check.resource, name: o.name };
          if (o.namespace) vars.namespace = o.namespace;
          return { target, evidence: stuck, vars };
        });
      return { findings };
    },
  };
}
