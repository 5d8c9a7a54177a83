// The kube-resource kind on hand-built facts (what the API server or a dump returned); no API server is involved.
import { describe, expect, it } from 'vitest';
import { createKubeResourceCheck } from '../../src/checks/kube-resource.js';
import { toItem, type KubeItem } from '../../src/probes/cluster/source.js';
import { mainQuery, queryKey, type KubeFacts } from '../../src/probes/kube-resources.js';
import type { PartialSource } from '../../src/probes/probe.js';
import type { KubeResourceCheck } from '../../src/model/rule.js';
import { match, targets } from './facts.js';

const check = createKubeResourceCheck({ nodeName: 'node-1' });
const obj = (name: string, extra: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): KubeItem => toItem({ metadata: { name, ...metadata }, ...extra });
type Lists = Array<[{ resource: string; labelSelector?: string; namespace?: string }, KubeItem[] | { reason: string }]>;
function facts(lists: Lists, instances: Array<[string, number | string]> = []): KubeFacts {
  const m = new Map<string, PartialSource<KubeItem[]>>();
  for (const [q, data] of lists) m.set(queryKey(q), Array.isArray(data) ? { label: q.resource, ok: true, data } : { label: q.resource, ok: false, reason: data.reason });
  return { lists: m, instances: new Map(instances), nodeName: 'node-1', source: 'test' };
}
const of = (params: Omit<KubeResourceCheck, 'kind'>): { resource: string; labelSelector?: string; namespace?: string } => mainQuery({ kind: 'kube-resource', ...params });

describe('kube-resource check', () => {
  it('matches object names; a terminating object says since when and which finalizers hold it', () => {
    const params = { resource: 'namespaces', names: ['cattle-*'] };
    const out = match(check, params, facts([[of(params), [obj('cattle-system', {}, { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['controller.cattle.io/x'] }), obj('default')]]]));
    expect(out.findings).toEqual([
      {
        target: 'namespaces/cattle-system',
        evidence: 'terminating since 2026-01-01T00:00:00Z; held by finalizer controller.cattle.io/x',
        vars: { target: 'namespaces/cattle-system', resource: 'namespaces', name: 'cattle-system', object: ['namespaces', 'cattle-system'] },
      },
    ]);
  });

  it('a namespaced object carries its namespace, and kubectl words that name it', () => {
    const params = { resource: 'secrets' };
    const [f] = match(check, params, facts([[of(params), [obj('token', {}, { namespace: 'kube-system' })]]])).findings;
    expect(f).toEqual({
      target: 'secrets/kube-system/token',
      evidence: 'present',
      vars: { target: 'secrets/kube-system/token', resource: 'secrets', name: 'token', namespace: 'kube-system', object: ['--namespace', 'kube-system', 'secrets', 'token'] },
    });
  });

  it('objects of this node only (thisNode), with a prefix', () => {
    const params = { resource: 'ipamblocks.crd.projectcalico.org', thisNode: { field: 'spec.affinity', prefix: 'host:' } };
    const blocks = [obj('a', { spec: { affinity: 'host:node-1' } }), obj('b', { spec: { affinity: 'host:node-10' } }), obj('c', { spec: {} })];
    expect(targets(match(check, params, facts([[of(params), blocks]])))).toEqual(['ipamblocks.crd.projectcalico.org/a']);
  });

  it('node-gone: a node-password secret of a node that is no longer registered; unknown nodes make it unchecked', () => {
    const params = { resource: 'secrets', namespace: 'kube-system', condition: 'node-gone' as const, nodeNameSuffix: '.node-password.k3s' };
    const secrets = [obj('node-1.node-password.k3s', {}, { namespace: 'kube-system' }), obj('node-2.node-password.k3s', {}, { namespace: 'kube-system' })];
    expect(targets(match(check, params, facts([[of(params), secrets], [{ resource: 'nodes' }, [obj('node-1')]]])))).toEqual(['secrets/kube-system/node-2.node-password.k3s']);
    expect(match(check, params, facts([[of(params), secrets], [{ resource: 'nodes' }, { reason: 'forbidden: cannot list nodes' }]]))).toEqual({ findings: [], partial: 'nodes: forbidden: cannot list nodes' });
  });

  it('unlessPresent: clean while the owner exists, and the finding names the gone owner otherwise', () => {
    const params = { resource: 'customresourcedefinitions', names: ['*.cilium.io'], countInstances: true, unlessPresent: { resource: 'daemonsets', names: ['cilium'] } };
    const crds = [obj('ciliumnodes.cilium.io')];
    const withOwner = match(check, params, facts([[of(params), crds], [{ resource: 'daemonsets' }, [obj('cilium', {}, { namespace: 'kube-system' })]]]));
    expect(withOwner).toEqual({ findings: [], note: 'still in use: daemonsets/kube-system/cilium exists' });
    const gone = match(check, params, facts([[of(params), crds], [{ resource: 'daemonsets' }, []]], [['ciliumnodes.cilium.io', 3]]));
    expect(gone.findings[0]?.evidence).toBe('present; owner gone: no daemonsets cilium; 3 instances');
  });

  it('a list the source could not answer makes the rule unchecked with its reason', () => {
    const params = { resource: 'nodes' };
    expect(match(check, params, facts([[of(params), { reason: 'listing nodes: connect ECONNREFUSED' }]]))).toEqual({ findings: [], partial: 'listing nodes: connect ECONNREFUSED' });
    expect(match(check, { resource: 'crds' }, facts([])).partial).toBe('not queried');
  });
});
