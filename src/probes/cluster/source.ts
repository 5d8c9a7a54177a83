// What the cluster rules read, from either a live API server (client.ts, through @kubernetes/client-node) or
// `kubectl get ... -o json` dumps (dump.ts): lists of objects by resource name, label selector and namespace.
// Both only ever read.

export type JsonObject = { [key: string]: unknown };

export interface KubeItem {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  deletionTimestamp?: string;
  finalizers: string[];
  /** The whole object as the API returned it (spec, status, webhooks, subjects...). */
  raw: JsonObject;
}

export interface ListQuery {
  /** kubectl's name: `namespaces`, `customresourcedefinitions`, `ipamblocks.crd.projectcalico.org`. */
  resource: string;
  namespace?: string;
  labelSelector?: string;
}

export type ListOutcome = { ok: true; items: KubeItem[] } | { ok: false; reason: string };

export interface ClusterSource {
  /** For the report: `https://10.0.0.1:6443 (context admin@k8s, from ~/.kube/config)` or `dump a.json, b.json`. */
  readonly description: string;
  list(q: ListQuery): Promise<ListOutcome>;
  /** Ends anything still open (client sockets); the probe calls it when done or out of time. */
  close(): void;
}

function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x === 'string') out[k] = x;
  return out;
}

export function toItem(raw: JsonObject, fallback: { apiVersion?: string; kind?: string } = {}): KubeItem {
  const md = (raw.metadata ?? {}) as JsonObject;
  return {
    apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : (fallback.apiVersion ?? ''),
    kind: typeof raw.kind === 'string' ? raw.kind : (fallback.kind ?? ''),
    name: typeof md.name === 'string' ? md.name : '',
    namespace: typeof md.namespace === 'string' ? md.namespace : undefined,
    labels: stringMap(md.labels),
    deletionTimestamp: typeof md.deletionTimestamp === 'string' ? md.deletionTimestamp : undefined,
    finalizers: Array.isArray(md.finalizers) ? md.finalizers.filter((f): f is string => typeof f === 'string') : [],
    raw,
  };
}

/** A dotted path into an object (`spec.nodeName`, `metadata.name`); undefined unless it ends at a string. */
export function fieldAt(obj: unknown, dotted: string): string | undefined {
  let cur: unknown = obj;
  for (const key of dotted.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'string' ? cur : undefined;
}
