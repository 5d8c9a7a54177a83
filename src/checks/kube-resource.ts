// `kube-resource` check: cluster objects by resource, name globs and label selector, narrowed by a typed
// condition (stuck in Terminating, a webhook whose Service is gone, an unavailable APIService, a node-password
// Secret of a removed node, a binding whose ServiceAccounts are gone) and by this host's Node; clean while the
// owner named by unlessPresent still exists.
import { kubeResourceKind, type KubeResourceFixVars } from './kube-resource.meta.js';
import { globsMatcher } from '../glob.js';
import type { KubeResourceCheck } from '../model/rule.js';
import { resolveResource, kubectlResourceName } from '../probes/cluster/resources.js';
import { fieldAt, type KubeItem } from '../probes/cluster/source.js';
import { auxQueries, createKubeResourceProbe, mainQuery, queryKey, type ClusterOptions, type KubeFacts } from '../probes/kube-resources.js';
import type { CheckDefinition, MatchOutcome, RawFinding } from './check.js';

type Lists = KubeFacts['lists'];

function namesOf(lists: Lists, resource: string): Set<string> | string {
  const l = lists.get(queryKey({ resource }));
  if (!l?.ok) return l?.reason ?? `${resource} not read`;
  return new Set((l.data ?? []).map((i) => (i.namespace ? `${i.namespace}/${i.name}` : i.name)));
}

function terminatingDetail(o: KubeItem): string {
  const spec = (o.raw.spec ?? {}) as { finalizers?: unknown };
  const specFinalizers = Array.isArray(spec.finalizers) ? spec.finalizers.filter((f): f is string => typeof f === 'string') : [];
  const status = (o.raw.status ?? {}) as { conditions?: Array<{ type?: string; status?: string; message?: string }> };
  // The namespace controller says what holds it: remaining content and the finalizers of that content.
  const waits = (status.conditions ?? [])
    .filter((c) => c.status === 'True' && (c.type === 'NamespaceFinalizersRemaining' || c.type === 'NamespaceContentRemaining' || c.type === 'NamespaceDeletionContentFailure'))
    .map((c) => c.message ?? c.type ?? '');
  const holders = [...o.finalizers, ...specFinalizers];
  return [
    `terminating since ${o.deletionTimestamp ?? '?'}`,
    holders.length > 0 ? `held by finalizer${holders.length === 1 ? '' : 's'} ${holders.join(', ')}` : 'no finalizer left on the object itself',
    ...waits,
  ].join('; ');
}

/** An object the condition holds for, and what shows it. */
interface Hit {
  evidence: string;
}

type Condition = (o: KubeItem, lists: Lists, check: KubeResourceCheck) => Hit | undefined | string;

const CONDITIONS: Record<NonNullable<KubeResourceCheck['condition']>, Condition> = {
  present: (o) => ({ evidence: o.deletionTimestamp ? terminatingDetail(o) : 'present' }),
  terminating: (o) => (o.deletionTimestamp ? { evidence: terminatingDetail(o) } : undefined),
  'webhook-service-missing': (o, lists) => {
    const services = namesOf(lists, 'services');
    if (typeof services === 'string') return services;
    const hooks = Array.isArray(o.raw.webhooks) ? (o.raw.webhooks as Array<{ name?: string; failurePolicy?: string; clientConfig?: { service?: { namespace?: string; name?: string } } }>) : [];
    const broken = hooks.filter((h) => h.clientConfig?.service && !services.has(`${h.clientConfig.service.namespace ?? ''}/${h.clientConfig.service.name ?? ''}`));
    if (broken.length === 0) return undefined;
    return {
      evidence: broken
        .map((h) => `webhook ${h.name ?? '?'} calls Service ${h.clientConfig?.service?.namespace ?? '?'}/${h.clientConfig?.service?.name ?? '?'}, which no longer exists (failurePolicy ${h.failurePolicy ?? 'Fail'})`)
        .join('; '),
    };
  },
  'apiservice-unavailable': (o) => {
    const status = (o.raw.status ?? {}) as { conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };
    const available = (status.conditions ?? []).find((c) => c.type === 'Available');
    if (!available || available.status === 'True') return undefined;
    const svc = (o.raw.spec as { service?: { namespace?: string; name?: string } } | undefined)?.service;
    return { evidence: `Available=${available.status ?? '?'} (${available.reason ?? ''}${available.message ? `: ${available.message}` : ''})${svc ? `; served by Service ${svc.namespace ?? '?'}/${svc.name ?? '?'}` : ''}` };
  },
  'node-gone': (o, lists, check) => {
    const suffix = check.nodeNameSuffix ?? '';
    if (!o.name.endsWith(suffix) || o.name.length === suffix.length) return undefined;
    const node = o.name.slice(0, o.name.length - suffix.length);
    const nodes = namesOf(lists, 'nodes');
    if (typeof nodes === 'string') return nodes;
    return nodes.has(node) ? undefined : { evidence: `for node ${node}, which is no longer registered` };
  },
  'binding-subject-gone': (o, lists, check) => {
    const roleRef = (o.raw.roleRef ?? {}) as { name?: string };
    if (check.roleRef && roleRef.name !== check.roleRef) return undefined;
    const subjects = Array.isArray(o.raw.subjects) ? (o.raw.subjects as Array<{ kind?: string; name?: string; namespace?: string }>) : [];
    const sas = subjects.filter((s) => s.kind === 'ServiceAccount');
    if (sas.length === 0) return undefined;
    const accounts = namesOf(lists, 'serviceaccounts');
    if (typeof accounts === 'string') return accounts;
    const namespaces = namesOf(lists, 'namespaces');
    if (typeof namespaces === 'string') return namespaces;
    const gone = sas.filter((s) => !accounts.has(`${s.namespace ?? ''}/${s.name ?? ''}`));
    if (gone.length < sas.length) return undefined; // someone it binds still exists
    const why = gone.map((s) => `${s.namespace ?? '?'}/${s.name ?? '?'}${namespaces.has(s.namespace ?? '') ? '' : ' (namespace gone)'}`);
    return { evidence: `binds ${roleRef.name ?? '?'} to ServiceAccount${gone.length === 1 ? '' : 's'} that no longer exist: ${why.join(', ')}` };
  },
};

function objectWords(resource: string, o: KubeItem): string[] {
  return o.namespace ? ['--namespace', o.namespace, resource, o.name] : [resource, o.name];
}

function ownerPresent(check: KubeResourceCheck, lists: Lists): { present?: string; reason?: string } {
  const owner = check.unlessPresent;
  if (!owner) return {};
  const l = lists.get(queryKey({ resource: owner.resource, namespace: owner.namespace }));
  if (!l?.ok) return { reason: `whether ${owner.resource} ${owner.names?.join(', ') ?? ''} still exist: ${l?.reason ?? 'not read'}` };
  const names = owner.names ? globsMatcher(owner.names) : () => true;
  const hit = (l.data ?? []).find((o) => names(o.name));
  return hit ? { present: `${owner.resource}/${hit.namespace ? `${hit.namespace}/` : ''}${hit.name}` } : {};
}

export function matchKubeResource(check: KubeResourceCheck, facts: KubeFacts): MatchOutcome<KubeResourceFixVars> {
  const src = facts.lists.get(queryKey(mainQuery(check)));
  if (!src?.ok || !src.data) return { findings: [], partial: src?.reason ?? 'not queried' };
  for (const q of auxQueries(check)) {
    const l = facts.lists.get(queryKey(q));
    if (!l?.ok && q.resource !== check.unlessPresent?.resource) return { findings: [], partial: `${q.resource}: ${l?.reason ?? 'not read'}` };
  }
  const owner = ownerPresent(check, facts.lists);
  if (owner.reason) return { findings: [], partial: owner.reason };
  if (owner.present) return { findings: [], note: `still in use: ${owner.present} exists` };
  const names = check.names ? globsMatcher(check.names) : () => true;
  const condition = CONDITIONS[check.condition ?? 'present'];
  const resource = kubectlResourceName(resolveResource(check.resource));
  const findings: RawFinding<KubeResourceFixVars>[] = [];
  const partial: string[] = [];
  for (const o of src.data) {
    if (!names(o.name)) continue;
    if (check.thisNode && fieldAt(o.raw, check.thisNode.field) !== `${check.thisNode.prefix ?? ''}${facts.nodeName}`) continue;
    const v = condition(o, facts.lists, check);
    if (v === undefined) continue;
    if (typeof v === 'string') {
      partial.push(v);
      continue;
    }
    const target = o.namespace ? `${resource}/${o.namespace}/${o.name}` : `${resource}/${o.name}`;
    const count = check.countInstances ? facts.instances.get(o.name) : undefined;
    const parts = [v.evidence];
    if (check.unlessPresent) parts.push(`owner gone: no ${check.unlessPresent.resource} ${(check.unlessPresent.names ?? ['at all']).join(' or ')}${check.unlessPresent.namespace ? ` in ${check.unlessPresent.namespace}` : ''}`);
    if (count !== undefined) parts.push(typeof count === 'number' ? `${count} instance${count === 1 ? '' : 's'}` : `instances not counted: ${count}`);
    const evidence = parts.join('; ');
    const vars: KubeResourceFixVars = { target, resource, name: o.name, object: objectWords(resource, o) };
    if (o.namespace) vars.namespace = o.namespace;
    findings.push({ target, evidence, vars });
  }
  return { findings, partial: partial.length > 0 ? [...new Set(partial)].join('; ') : undefined };
}

export function createKubeResourceCheck(opts: ClusterOptions): CheckDefinition<'kube-resource', KubeFacts, KubeResourceFixVars> {
  return {
    ...kubeResourceKind,
    probe: createKubeResourceProbe(opts),
    match: (check, facts) => matchKubeResource(check, facts),
  };
}
