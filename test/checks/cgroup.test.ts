import { describe, expect, it } from 'vitest';
import { cgroupCheck } from '../../src/checks/cgroup.js';
import type { CgroupDir } from '../../src/probes/cgroups.js';
import { match, targets } from './facts.js';

const cg = (hostPath: string, hierarchy: string, depth: number, children = 0): CgroupDir => ({
  hostPath,
  name: hostPath.slice(hostPath.lastIndexOf('/') + 1),
  hierarchy,
  depth,
  children,
});

describe('cgroup check', () => {
  it('reports the top-most matching cgroup of each tree, per hierarchy', () => {
    const dirs = [
      cg('/sys/fs/cgroup/kubepods.slice', 'v2', 1, 2),
      cg('/sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice', 'v2', 2),
      cg('/sys/fs/cgroup/memory/kubepods', 'memory', 1, 1),
      cg('/sys/fs/cgroup/system.slice', 'v2', 1, 40),
    ];
    const out = match(cgroupCheck, { names: ['kubepods*'] }, dirs);
    expect(out.findings).toEqual([
      {
        target: '/sys/fs/cgroup/kubepods.slice',
        evidence: 'cgroup v2, 2 child cgroups',
        vars: { target: '/sys/fs/cgroup/kubepods.slice', name: 'kubepods.slice', hierarchy: 'v2' },
      },
      {
        target: '/sys/fs/cgroup/memory/kubepods',
        evidence: 'cgroup hierarchy memory, 1 child cgroup',
        vars: { target: '/sys/fs/cgroup/memory/kubepods', name: 'kubepods', hierarchy: 'memory' },
      },
    ]);
  });

  it('looks no deeper than maxDepth (default 2)', () => {
    const deep = [cg('/sys/fs/cgroup/a/b/kubepods', 'v2', 3)];
    expect(targets(match(cgroupCheck, { names: ['kubepods'] }, deep))).toEqual([]);
    expect(targets(match(cgroupCheck, { names: ['kubepods'], maxDepth: 3 }, deep))).toEqual(['/sys/fs/cgroup/a/b/kubepods']);
  });

  it('a sibling whose name only starts like a match is its own tree', () => {
    const dirs = [cg('/sys/fs/cgroup/kube', 'v2', 1), cg('/sys/fs/cgroup/kube.slice', 'v2', 1)];
    expect(targets(match(cgroupCheck, { names: ['kube*'] }, dirs))).toEqual(['/sys/fs/cgroup/kube', '/sys/fs/cgroup/kube.slice']);
  });
});
