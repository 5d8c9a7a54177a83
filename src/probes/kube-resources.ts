// Cluster probe (only with `scan --cluster` or `--cluster-dump`): lists the objects the cluster rules ask for,
// once per distinct (resource, label selector, namespace), plus what their conditions compare against (Services
// for webhooks, Nodes, ServiceAccounts and Namespaces for bindings, the owners named by unlessPresent, the
// instances of matching CRDs). Read-only: the live client only ever sends GET. Bounded: every request has its
// own time limit and the whole probe an outer one, so one slow resource makes its rules unchecked, not the scan
// hang.
import type { KubeResourceCheck } from '../model/rule.js';
import { DumpError, loadDumps } from './cluster/dump.js';
import { findKubeconfig } from './cluster/kubeconfig.js';
import { loadClusterClient } from './cluster/load-client.js';
import { resolveResource } from './cluster/resources.js';
import type { ClusterSource, KubeItem, ListQuery } from './cluster/source.js';
import { ProbeUnavailable, type PartialSource, type Probe } from './probe.js';

export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  /** `--cluster-dump` files: read instead of an API server. */
  dumps?: string[];
  /** This host's Node name (--node-name, default the host name). */
  nodeName: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface KubeFacts {
  lists: Map<string, PartialSource<KubeItem[]>>;
  /** CRD name → its instance count (`12`, or a reason it could not be counted). */
  instances: Map<string, number | string>;
  nodeName: string;
  source: string;
}

export function queryKey(q: ListQuery): string {
  return `${q.resource}|${q.labelSelector ?? ''}|${q.namespace ?? '*'}`;
}

export function mainQuery(c: KubeResourceCheck): ListQuery {
  return { resource: c.resource, labelSelector: c.labelSelector, namespace: c.namespace };
}

/** The lists a rule's condition compares against, besides its own. */
export function auxQueries(c: KubeResourceCheck): ListQuery[] {
  const out: ListQuery[] = [];
  if (c.condition === 'webhook-service-missing' || c.condition === 'apiservice-unavailable') out.push({ resource: 'services' });
  if (c.condition === 'node-gone') out.push({ resource: 'nodes' });
  if (c.condition === 'binding-subject-gone') out.push({ resource: 'serviceaccounts' }, { resource: 'namespaces' });
  if (c.unlessPresent) out.push({ resource: c.unlessPresent.resource, namespace: c.unlessPresent.namespace });
  return out;
}

/** Per request: a share of the probe's limit, so one slow endpoint leaves time for the others. */
export function requestTimeoutMs(probeMs: number): number {
  return Math.max(500, Math.min(10_000, Math.floor(probeMs * 0.4)));
}

async function openSource(opts: ClusterOptions, probeMs: number, signal: AbortSignal): Promise<ClusterSource> {
  if (opts.dumps && opts.dumps.length > 0) {
    try {
      return loadDumps(opts.dumps);
    } catch (err) {
      throw new ProbeUnavailable(err instanceof DumpError ? err.message : `cannot read the cluster dump: ${(err as Error).message}`);
    }
  }
  const found = findKubeconfig({ kubeconfig: opts.kubeconfig, env: opts.env ?? process.env });
  if (found.kind === 'none') throw new ProbeUnavailable(found.reason);
  const client = await loadClusterClient();
  try {
    return await client.openLiveCluster({ source: found, context: opts.context, requestTimeoutMs: requestTimeoutMs(probeMs), signal });
  } catch (err) {
    throw new ProbeUnavailable(err instanceof client.ClusterUnavailable ? err.message : `cluster client failed: ${(err as Error).message}`);
  }
}

function crdPlural(crd: KubeItem): { resource: string } | undefined {
  const spec = crd.raw.spec as { group?: string; names?: { plural?: string } } | undefined;
  return spec?.group && spec.names?.plural ? { resource: `${spec.names.plural}.${spec.group}` } : undefined;
}

export function createKubeResourceProbe(opts: ClusterOptions): Probe<KubeResourceCheck, KubeFacts> {
  return {
    id: 'kube-resource',
    async gather(ctx, requests) {
      const outer = new AbortController();
      // Leave a little of the engine's limit to return what was read.
      const timer = setTimeout(() => outer.abort(), Math.max(500, ctx.timeoutMs - 500));
      timer.unref();
      const source = await openSource(opts, ctx.timeoutMs, outer.signal);
      try {
        const queries = new Map<string, ListQuery>();
        for (const r of requests) for (const q of [mainQuery(r), ...auxQueries(r)]) queries.set(queryKey(q), q);
        const lists = new Map<string, PartialSource<KubeItem[]>>();
        await Promise.all(
          [...queries].map(async ([key, q]) => {
            const res = await source.list(q);
            lists.set(key, res.ok ? { label: q.resource, ok: true, data: res.items } : { label: q.resource, ok: false, reason: res.reason });
          }),
        );
        // Instances of the CRDs that counting rules match (one list per CRD, in parallel).
        const instances = new Map<string, number | string>();
        const crds = new Set<KubeItem>();
        for (const r of requests) {
          if (!r.countInstances || resolveResource(r.resource).plural !== 'customresourcedefinitions') continue;
          for (const crd of lists.get(queryKey(mainQuery(r)))?.data ?? []) crds.add(crd);
        }
        await Promise.all(
          [...crds].map(async (crd) => {
            const ref = crdPlural(crd);
            if (!ref) return;
            const res = await source.list(ref);
            instances.set(crd.name, res.ok ? res.items.length : res.reason);
          }),
        );
        if (lists.size > 0 && [...lists.values()].every((l) => !l.ok)) {
          throw new ProbeUnavailable(`${source.description}: ${[...lists.values()][0]?.reason ?? 'nothing could be read'}`);
        }
        return { lists, instances, nodeName: opts.nodeName, source: source.description };
      } finally {
        clearTimeout(timer);
        outer.abort();
        source.close();
      }
    },
  };
}
