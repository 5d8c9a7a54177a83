import { describe, expect, it } from 'vitest';
import { pathCheck } from '../../src/checks/path.js';
import type { PathEntry, PathFacts } from '../../src/probes/paths.js';
import { fakeContext, match, targets } from './facts.js';

const dir = (hostPath: string, nonEmpty = true): PathEntry => ({ hostPath, type: 'dir', size: 4096, nonEmpty });
const file = (hostPath: string, size: number): PathEntry => ({ hostPath, type: 'file', size, nonEmpty: size > 0 });
const link = (hostPath: string, linkTarget: string): PathEntry => ({ hostPath, type: 'symlink', size: 0, nonEmpty: true, linkTarget });
const facts = (byPattern: Record<string, PathEntry[]>, problems: Record<string, string[]> = {}): PathFacts =>
  new Map(Object.entries(byPattern).map(([p, entries]) => [p, { entries, problems: problems[p] ?? [] }]));

describe('path check', () => {
  it('reports each existing path once, with what it is', () => {
    const out = match(pathCheck, { paths: ['/var/lib/kubelet', '/etc/kubernetes/*.conf'] }, facts({
      '/var/lib/kubelet': [dir('/var/lib/kubelet')],
      '/etc/kubernetes/*.conf': [file('/etc/kubernetes/admin.conf', 5432), file('/etc/kubernetes/kubelet.conf', 0)],
    }));
    expect(out.findings).toEqual([
      { target: '/var/lib/kubelet', evidence: 'directory, not empty', vars: { target: '/var/lib/kubelet' } },
      { target: '/etc/kubernetes/admin.conf', evidence: 'file, 5432 bytes', vars: { target: '/etc/kubernetes/admin.conf' } },
      { target: '/etc/kubernetes/kubelet.conf', evidence: 'file, 0 bytes', vars: { target: '/etc/kubernetes/kubelet.conf' } },
    ]);
    expect(out.partial).toBeUndefined();
  });

  it('carries a symlink target in linkTarget', () => {
    const out = match(pathCheck, { paths: ['/etc/cni/net.d/*'] }, facts({ '/etc/cni/net.d/*': [link('/etc/cni/net.d/10-x.conflist', '/opt/x.conflist')] }));
    expect(out.findings[0]).toEqual({
      target: '/etc/cni/net.d/10-x.conflist',
      evidence: 'symbolic link to /opt/x.conflist',
      vars: { target: '/etc/cni/net.d/10-x.conflist', linkTarget: '/opt/x.conflist' },
    });
  });

  it('filters by type and by non-empty', () => {
    const f = facts({ '/run/k/*': [dir('/run/k/empty', false), dir('/run/k/full'), file('/run/k/f', 3)] });
    expect(targets(match(pathCheck, { paths: ['/run/k/*'], type: 'dir' }, f))).toEqual(['/run/k/empty', '/run/k/full']);
    expect(targets(match(pathCheck, { paths: ['/run/k/*'], type: 'dir', condition: 'non-empty' }, f))).toEqual(['/run/k/full']);
    expect(targets(match(pathCheck, { paths: ['/run/k/*'], type: 'file' }, f))).toEqual(['/run/k/f']);
  });

  it('never reports an excluded path; /var/run in an exclude means /run', () => {
    const f = facts({ '/run/flannel/*': [file('/run/flannel/subnet.env', 10), file('/run/flannel/keep', 1)] });
    expect(targets(match(pathCheck, { paths: ['/run/flannel/*'], exclude: ['/var/run/flannel/keep'] }, f))).toEqual(['/run/flannel/subnet.env']);
    // Where /var/run is its own directory, the exclude keeps its spelling and does not hide /run.
    const separate = fakeContext({ varRunIsRun: false });
    expect(targets(match(pathCheck, { paths: ['/run/flannel/*'], exclude: ['/var/run/flannel/keep'] }, f, separate))).toHaveLength(2);
  });

  it('one path named by two patterns is one finding', () => {
    const e = dir('/etc/kubernetes');
    expect(match(pathCheck, { paths: ['/etc/kubernetes', '/etc/kube*'] }, facts({ '/etc/kubernetes': [e], '/etc/kube*': [e] })).findings).toHaveLength(1);
  });

  it('what could not be looked at makes the result partial (unchecked when nothing was found)', () => {
    const out = match(pathCheck, { paths: ['/root/.kube'] }, facts({ '/root/.kube': [] }, { '/root/.kube': ['/root/.kube: EACCES'] }));
    expect(out.findings).toEqual([]);
    expect(out.partial).toBe('cannot look at /root/.kube: EACCES');
  });
});
