import { describe, expect, it } from 'vitest';
import { mountCheck } from '../../src/checks/mount.js';
import type { MountEntry } from '../../src/parsers/mountinfo.js';
import { match, targets } from './facts.js';

let id = 100;
const mount = (mountPoint: string, fstype: string, source: string): MountEntry => ({
  id: id++,
  parentId: 1,
  majorMinor: '0:50',
  root: '/',
  mountPoint,
  options: 'rw',
  optionalFields: [],
  fstype,
  source,
  superOptions: 'rw',
});

const mounts = [
  mount('/', 'ext4', '/dev/sda1'),
  mount('/var/lib/kubelet/pods/abc/volumes/kubernetes.io~projected/token', 'tmpfs', 'tmpfs'),
  mount('/run/calico/cgroup', 'cgroup2', 'none'),
  mount('/run/netns/cni-1', 'nsfs', 'nsfs'),
];

describe('mount check', () => {
  it('matches mount points by glob and carries fstype and source', () => {
    const out = match(mountCheck, { mountPoints: ['/var/lib/kubelet/**'] }, mounts);
    expect(out.findings).toEqual([
      {
        target: '/var/lib/kubelet/pods/abc/volumes/kubernetes.io~projected/token',
        evidence: 'tmpfs mount from tmpfs',
        vars: { target: '/var/lib/kubelet/pods/abc/volumes/kubernetes.io~projected/token', fstype: 'tmpfs', source: 'tmpfs' },
      },
    ]);
  });

  it('every given field must match', () => {
    expect(targets(match(mountCheck, { fstypes: ['cgroup2'] }, mounts))).toEqual(['/run/calico/cgroup']);
    expect(targets(match(mountCheck, { mountPoints: ['/run/**'], fstypes: ['nsfs'] }, mounts))).toEqual(['/run/netns/cni-1']);
    expect(targets(match(mountCheck, { mountPoints: ['/run/**'], sources: ['/dev/*'] }, mounts))).toEqual([]);
  });

  it('mounts stacked on one point are one finding, described by the topmost', () => {
    const stacked = [mount('/var/lib/kubelet', 'tmpfs', 'a'), mount('/var/lib/kubelet', 'overlay', 'b')];
    expect(match(mountCheck, { mountPoints: ['/var/lib/kubelet'] }, stacked).findings).toEqual([
      { target: '/var/lib/kubelet', evidence: 'overlay mount from b', vars: { target: '/var/lib/kubelet', fstype: 'overlay', source: 'b' } },
    ]);
  });

  it('finds nothing on a clean mount table', () => {
    expect(match(mountCheck, { mountPoints: ['/var/lib/kubelet/**'] }, [mount('/', 'ext4', '/dev/sda1')])).toEqual({ findings: [] });
  });
});
