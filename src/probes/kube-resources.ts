// Cluster probe (only with `scan --cluster`): `kubectl get <resource> -o json`, read-only, once per distinct
// (resource, selector, namespace). kubectl finds the cluster the way a person's kubectl does (KUBECONFIG,
// ~/.kube/config) unless --kubeconfig names one.
import type { KubeResourceCheck } from '../model/rule.js';
import { runTool } from './exec.js';
import { ProbeUnavailable, type PartialSource, type Probe } from './probe.js';

export interface KubeObject {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  deletionTimestamp?: string;
  finalizers: string[];
}

export type KubeFacts = Map<string, PartialSource<KubeObject[]>>;

export function kubeQueryKey(c: KubeResourceCheck): string {
  return `${c.resource}|${c.labelSelector ?? ''}|${c.namespace ?? '*'}`;
}

interface KubeList {
  items?: Array<{ metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; deletionTimestamp?: string; finalizers?: string[] } }>;
}

export function createKubeResourceProbe(kubeconfig: string | undefined): Probe<KubeResourceCheck, KubeFacts> {
  return {
    id: 'kube-resource',
    async gather(ctx, requests) {
      const queries = new Map<string, KubeResourceCheck>();
      for (const r of requests) queries.set(kubeQueryKey(r), r);
      const facts: KubeFacts = new Map();
      await Promise.all(
        [...queries].map(async ([key, q]) => {
          const args = ['get', q.resource, '-o', 'json', '--request-timeout', `${Math.ceil(ctx.timeoutMs / 1000)}s`];
          if (kubeconfig) args.unshift('--kubeconfig', kubeconfig);
          if (q.labelSelector) args.push('-l', q.labelSelector);
          args.push(...(q.namespace ? ['-n', q.namespace] : ['--all-namespaces']));
          const res = await runTool('kubectl', args, ctx.timeoutMs);
          if (!res.ok) {
            facts.set(key, { label: q.resource, ok: false, reason: res.reason });
            return;
          }
          let list: KubeList;
          try {
            list = JSON.parse(res.stdout) as KubeList;
          } catch {
            facts.set(key, { label: q.resource, ok: false, reason: 'kubectl printed no JSON' });
            return;
          }
          const items = (list.items ?? []).map((i) => ({
            name: i.metadata?.name ?? '',
            namespace: i.metadata?.namespace,
            labels: i.metadata?.labels ?? {},
            deletionTimestamp: i.metadata?.deletionTimestamp,
            finalizers: i.metadata?.finalizers ?? [],
          }));
          facts.set(key, { label: q.resource, ok: true, data: items });
        }),
      );
      if ([...facts.values()].every((f) => !f.ok) && facts.size > 0) {
        throw new ProbeUnavailable([...facts.values()][0]?.reason ?? 'kubectl failed');
      }
      return facts;
    },
  };
}
