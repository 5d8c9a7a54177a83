// The kube-resource kind on hand-built facts (what kubectl returned); no API server is involved.
import { describe, expect, it } from 'vitest';
import { createKubeResourceCheck } from '../../src/checks/kube-resource.js';
import { kubeQueryKey, type KubeFacts, type KubeObject } from '../../src/probes/kube-resources.js';
import type { KubeResourceCheck } from '../../src/model/rule.js';
import { match, targets } from './facts.js';

const check = createKubeResourceCheck(undefined);
const obj = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({ name, labels: {}, finalizers: [], ...extra });
const factsFor = (params: Omit<KubeResourceCheck, 'kind'>, data: KubeObject[] | { reason: string }): KubeFacts =>
  new Map([[kubeQueryKey({ kind: 'kube-resource', ...params }), Array.isArray(data) ? { label: params.resource, ok: true, data } : { label: params.resource, ok: false, reason: data.reason }]]);

describe('kube-resource check', () => {
  it('matches object names; a terminating object says since when and which finalizers hold it', () => {
    const params = { resource: 'namespaces', names: ['cattle-*'] };
    const out = match(check, params, factsFor(params, [obj('cattle-system', { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['controller.cattle.io/x'] }), obj('default')]));
    expect(out.findings).toEqual([
      {
        target: 'namespaces/cattle-system',
        evidence: 'terminating since 2026-01-01T00:00:00Z, finalizers controller.cattle.io/x',
        vars: { target: 'namespaces/cattle-system', resource: 'namespaces', name: 'cattle-system' },
      },
    ]);
  });

  it('a namespaced object carries its namespace', () => {
    const params = { resource: 'secrets' };
    const [f] = match(check, params, factsFor(params, [obj('token', { namespace: 'kube-system' })])).findings;
    expect(f).toEqual({ target: 'secrets/kube-system/token', evidence: 'present', vars: { target: 'secrets/kube-system/token', resource: 'secrets', name: 'token', namespace: 'kube-system' } });
  });

  it('a query kubectl could not answer makes the rule unchecked with its reason', () => {
    const params = { resource: 'nodes' };
    expect(match(check, params, factsFor(params, { reason: 'kubectl: connection refused' }))).toEqual({ findings: [], partial: 'kubectl: connection refused' });
    expect(targets(match(check, { resource: 'crds' }, new Map()))).toEqual([]);
    expect(match(check, { resource: 'crds' }, new Map()).partial).toBe('not queried');
  });
});
