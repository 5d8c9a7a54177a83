// The live cluster, through the official client @kubernetes/client-node (1.4.x: 2.x needs Node >= 22.19). This
// module is the only one that imports it; it is loaded only when `scan --cluster` is given (load-client.ts), and
// built into its own file (dist/kube-residue-cluster.cjs), so a node scan never loads 5 MB of client code.
//
// The client authenticates (kubeconfig certificates, tokens, exec plugins, in-cluster service account) and sends;
// kube-residue builds only GET requests: discovery (/api/v1, /apis, /apis/<group>/<version>) and lists.
// The client has no request timeout (kubernetes-client/javascript#1613), so every request carries an abort
// signal set by a middleware, and exec credential plugins run with the same signal and a kill timer: a plugin
// that hangs would otherwise hang the scan (measured, fleet-runtime-facts.md §4.1).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { HttpMethod, KubeConfig, ServerConfiguration, createConfiguration, type RequestContext, type ResponseContext } from '@kubernetes/client-node';
import type { KubeconfigSource } from './kubeconfig.js';
import { resolveResource } from './resources.js';
import { toItem, type ClusterSource, type JsonObject, type KubeItem, type ListOutcome, type ListQuery } from './source.js';

export class ClusterUnavailable extends Error {}

export interface LiveOptions {
  source: Exclude<KubeconfigSource, { kind: 'none' }>;
  context?: string;
  /** Per request, including an exec plugin's run. */
  requestTimeoutMs: number;
  /** Aborted when the whole cluster probe is out of time. */
  signal: AbortSignal;
}

function loadKubeConfig(opts: LiveOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.source.kind === 'in-cluster') {
      kc.loadFromCluster();
    } else {
      const [first, ...rest] = opts.source.files;
      kc.loadFromFile(first as string);
      for (const f of rest) {
        const more = new KubeConfig();
        more.loadFromFile(f);
        // The first file's current-context wins, as with kubectl.
        kc.mergeConfig(more, true);
      }
    }
  } catch (err) {
    throw new ClusterUnavailable(`cannot read the kubeconfig (${opts.source.origin}): ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) throw new ClusterUnavailable(`context "${opts.context}" is not in the kubeconfig (${opts.source.origin})`);
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  // The client's silent default when nothing was configured: never a cluster of the user's.
  if (!cluster || !cluster.server || (cluster.server === 'http://localhost:8080' && kc.getCurrentContext() === 'loaded-context')) {
    throw new ClusterUnavailable(`no kubeconfig: cluster rules not run (${opts.source.origin} has no current context with a server)`);
  }
  return kc;
}

/** Exec credential plugins run with the probe's abort signal and a kill timer (the client spawns them with none). */
function boundExecPlugins(kc: KubeConfig, opts: LiveOptions): void {
  const authenticators = (kc as unknown as { authenticators?: Array<{ execFn?: unknown }> }).authenticators ?? [];
  for (const a of authenticators) {
    if (typeof a.execFn !== 'function') continue;
    a.execFn = (command: string, args: readonly string[], spawnOpts: SpawnOptions): ChildProcess =>
      spawn(command, args ?? [], { ...spawnOpts, signal: opts.signal, timeout: opts.requestTimeoutMs, killSignal: 'SIGKILL' });
  }
}

interface Discovered {
  path: string;
  namespaced: boolean;
}

type ApiResourceList = { resources?: Array<{ name?: string; namespaced?: boolean; kind?: string }> };
type ApiGroupList = { groups?: Array<{ name?: string; preferredVersion?: { groupVersion?: string } }> };

function describeError(err: unknown, what: string, timeoutMs: number): string {
  const e = err as Error & { code?: string; type?: string };
  if (e.name === 'CredentialTimeout') return `${what}: ${e.message}`;
  if (e.name === 'AbortError' || e.type === 'aborted') return `${what}: no answer within ${Math.round(timeoutMs / 100) / 10}s`;
  const msg = (e.message ?? String(err)).split('\n')[0] ?? '';
  return `${what}: ${msg}`;
}

export async function openLiveCluster(opts: LiveOptions): Promise<ClusterSource> {
  const kc = loadKubeConfig(opts);
  boundExecPlugins(kc, opts);
  const cluster = kc.getCurrentCluster() as NonNullable<ReturnType<KubeConfig['getCurrentCluster']>>;
  const config = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        pre: async (ctx: RequestContext) => {
          ctx.setSignal(withDeadline(opts.signal, opts.requestTimeoutMs));
          return ctx;
        },
        post: async (res: ResponseContext) => res,
      },
    ],
  });

  /** One GET through the client's transport: its authentication, then the middleware (the abort signal). */
  async function get(path: string, query: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    let ctx = config.baseServer.makeRequestContext(path, HttpMethod.GET);
    ctx.setHeaderParam('Accept', 'application/json');
    for (const [k, v] of Object.entries(query)) ctx.setQueryParam(k, v);
    // The exec plugin runs here; bound it by the same wall clock as the request.
    await raceAbort(kc.applySecurityAuthentication(ctx), opts.signal, opts.requestTimeoutMs);
    for (const m of config.middleware) ctx = await m.pre(ctx).toPromise();
    let res = await config.httpApi.send(ctx).toPromise();
    for (const m of config.middleware) res = await m.post(res).toPromise();
    const text = await res.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.httpStatusCode, body };
  }

  const server = cluster.server;
  const context = kc.getCurrentContext();
  let groups: Promise<Map<string, string>> | undefined;
  const groupResources = new Map<string, Promise<Map<string, Discovered> | string>>();

  async function preferredVersions(): Promise<Map<string, string>> {
    const res = await get('/apis');
    if (res.status !== 200) throw new Error(`GET /apis: HTTP ${res.status}`);
    const map = new Map<string, string>();
    for (const g of (res.body as ApiGroupList).groups ?? []) if (g.name && g.preferredVersion?.groupVersion) map.set(g.name, g.preferredVersion.groupVersion);
    return map;
  }

  /** The resources one group serves (its preferred version), or why they could not be read. */
  function resourcesOf(group: string): Promise<Map<string, Discovered> | string> {
    let p = groupResources.get(group);
    if (p) return p;
    p = (async () => {
      let base: string;
      if (group === '') {
        base = '/api/v1';
      } else {
        groups ??= preferredVersions();
        const gv = (await groups).get(group);
        if (!gv) return new Map<string, Discovered>(); // the group is not served: nothing of it exists
        base = `/apis/${gv}`;
      }
      const res = await get(base);
      if (res.status === 404) return new Map<string, Discovered>();
      if (res.status !== 200) return `discovery GET ${base}: HTTP ${res.status}`;
      const map = new Map<string, Discovered>();
      for (const r of (res.body as ApiResourceList).resources ?? []) {
        if (r.name && !r.name.includes('/')) map.set(r.name, { path: `${base}/${r.name}`, namespaced: Boolean(r.namespaced) });
      }
      return map;
    })().catch((err: unknown) => describeError(err, `discovery of ${group || 'the core API'}`, opts.requestTimeoutMs));
    groupResources.set(group, p);
    return p;
  }

  return {
    description: `${server} (context ${context}, from ${opts.source.origin})`,
    close() {
      // Nothing is pooled beyond the requests themselves; aborting the signal (the probe does) ends those.
    },
    async list(q: ListQuery): Promise<ListOutcome> {
      const ref = resolveResource(q.resource);
      const resources = await resourcesOf(ref.group);
      if (typeof resources === 'string') return { ok: false, reason: resources };
      const found = resources.get(ref.plural);
      if (!found) return { ok: true, items: [] }; // not served: no such objects in this cluster
      const path = found.namespaced && q.namespace ? found.path.replace(/\/([^/]+)$/, `/namespaces/${encodeURIComponent(q.namespace)}/$1`) : found.path;
      const items: KubeItem[] = [];
      let cont: string | undefined;
      try {
        do {
          const query: Record<string, string> = { limit: '500' };
          if (q.labelSelector) query.labelSelector = q.labelSelector;
          if (cont) query.continue = cont;
          const res = await get(path, query);
          if (res.status === 403) return { ok: false, reason: `forbidden: cannot list ${q.resource}${(res.body as { message?: string })?.message ? ` (${(res.body as { message: string }).message})` : ''}` };
          if (res.status === 404) return { ok: true, items: [] };
          if (res.status !== 200) return { ok: false, reason: `GET ${path}: HTTP ${res.status}` };
          const body = res.body as { items?: unknown[]; metadata?: { continue?: string } };
          const [apiVersion, kind] = [String((res.body as JsonObject).apiVersion ?? ''), String((res.body as JsonObject).kind ?? '').replace(/List$/, '')];
          for (const i of body.items ?? []) if (i && typeof i === 'object') items.push(toItem(i as JsonObject, { apiVersion, kind }));
          cont = body.metadata?.continue || undefined;
        } while (cont);
      } catch (err) {
        return { ok: false, reason: describeError(err, `listing ${q.resource}`, opts.requestTimeoutMs) };
      }
      return { ok: true, items };
    },
  };
}

/** `signal`, or `ms` from now, whichever comes first. (AbortSignal.any is Node 20.3+; the package says >= 20.) */
function withDeadline(signal: AbortSignal, ms: number): AbortSignal {
  const own = AbortSignal.timeout(ms);
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([signal, own]);
  const both = new AbortController();
  const stop = (): void => both.abort();
  if (signal.aborted || own.aborted) stop();
  signal.addEventListener('abort', stop, { once: true });
  own.addEventListener('abort', stop, { once: true });
  return both.signal;
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal, ms: number): Promise<T> {
  const both = withDeadline(signal, ms);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(Object.assign(new Error(`authentication (the kubeconfig's exec credential plugin) did not finish within ${Math.round(ms / 100) / 10}s`), { name: 'CredentialTimeout' }));
    if (both.aborted) return onAbort();
    both.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => both.removeEventListener('abort', onAbort));
  });
}
