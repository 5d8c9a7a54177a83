// Finding the kubeconfig the way kubectl does (decided before the client is loaded, so that "no configuration"
// never becomes the client's silent http://localhost:8080), and label selectors evaluated for dumps.
import { describe, expect, it } from 'vitest';
import { findKubeconfig, NO_KUBECONFIG } from '../../src/probes/cluster/kubeconfig.js';
import { parseSelector } from '../../src/probes/cluster/selector.js';

const files = (...present: string[]) => (p: string): boolean => present.includes(p);

describe('kubeconfig lookup', () => {
  it('--kubeconfig wins, and a missing one is said so', () => {
    expect(findKubeconfig({ kubeconfig: '/k/a', env: { KUBECONFIG: '/k/b', HOME: '/h' }, exists: files('/k/a', '/k/b', '/h/.kube/config') })).toEqual({ kind: 'files', files: ['/k/a'], origin: '--kubeconfig /k/a' });
    expect(findKubeconfig({ kubeconfig: '/k/x', env: {}, exists: files() })).toEqual({ kind: 'none', reason: '--kubeconfig /k/x: no such file: cluster rules not run' });
  });

  it('KUBECONFIG: every existing file in order, missing ones skipped, and no fallback to ~/.kube/config', () => {
    expect(findKubeconfig({ env: { KUBECONFIG: '/k/gone:/k/b:/k/c:/k/b', HOME: '/h' }, exists: files('/k/b', '/k/c', '/h/.kube/config') })).toEqual({ kind: 'files', files: ['/k/b', '/k/c'], origin: 'KUBECONFIG (/k/b, /k/c)' });
    expect(findKubeconfig({ env: { KUBECONFIG: '/k/gone', HOME: '/h' }, exists: files('/h/.kube/config') })).toEqual({ kind: 'none', reason: `${NO_KUBECONFIG} (KUBECONFIG names no existing file)` });
  });

  it('then ~/.kube/config, then the in-cluster service account, then nothing', () => {
    expect(findKubeconfig({ env: { HOME: '/h' }, exists: files('/h/.kube/config') })).toMatchObject({ kind: 'files', files: ['/h/.kube/config'] });
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount/token';
    expect(findKubeconfig({ env: { HOME: '/h', KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, exists: files(sa) })).toMatchObject({ kind: 'in-cluster' });
    expect(findKubeconfig({ env: { HOME: '/h', KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, exists: files() })).toEqual({ kind: 'none', reason: NO_KUBECONFIG });
    expect(findKubeconfig({ env: {}, exists: files() })).toEqual({ kind: 'none', reason: NO_KUBECONFIG });
  });
});

describe('label selectors (dumps)', () => {
  const l = { 'kubesphere.io/managed': 'true', tier: 'web', 'cattle.io/creator': 'norman' };
  it.each([
    ['kubesphere.io/managed=true', true],
    ['kubesphere.io/managed==true', true],
    ['kubesphere.io/managed=false', false],
    ['kubesphere.io/workspace', false],
    ['!kubesphere.io/workspace', true],
    ['tier!=web', false],
    ['tier in (web, db)', true],
    ['tier notin (web)', false],
    ['cattle.io/creator=norman,tier=web', true],
    ['cattle.io/creator=norman,tier=db', false],
  ])('%s → %s', (selector, want) => {
    expect(parseSelector(selector)(l)).toBe(want);
  });
});
