import { describe, expect, it } from 'vitest';
import { decodeOctalEscapes, parseMountinfo, type MountEntry } from '../../src/parsers/mountinfo.js';
import { fixture } from './fixture.js';

describe('parseMountinfo: real capture', () => {
  const text = fixture('mountinfo/mountinfo.txt');
  const mounts = parseMountinfo(text);
  const at = (mountPoint: string): MountEntry => {
    const m = mounts.find((x) => x.mountPoint === mountPoint);
    if (!m) throw new Error(`no mount at ${JSON.stringify(mountPoint)}`);
    return m;
  };

  it('parses every line', () => {
    expect(mounts).toHaveLength(text.split('\n').filter((l) => l.length > 0).length);
    expect(at('/').fstype).toBe('ext4');
    expect(at('/').source).toBe('/dev/vda');
    expect(at('/proc')).toMatchObject({ root: '/', options: 'rw,relatime', fstype: 'proc', source: 'proc', superOptions: 'rw', optionalFields: [] });
  });

  it('decodes a mount point with a space, a tab and a backslash, and a source with a space', () => {
    const spaced = at('/tmp/x/with space');
    expect(spaced.fstype).toBe('tmpfs');
    expect(spaced.source).toBe('pod vol');
    expect(spaced.superOptions).toBe('rw,size=4k');
    expect(at('/tmp/x/tab\there').fstype).toBe('tmpfs');
    expect(at('/tmp/x/back\\slash').fstype).toBe('tmpfs');
  });

  it('finds the calico-style cgroup2 mount', () => {
    expect(at('/run/calico/cgroup')).toMatchObject({ fstype: 'cgroup2', source: 'none' });
  });

  it('finds the nsfs bind mount of a CNI netns', () => {
    const ns = at('/run/netns/cni-1234abcd-5678-90ef-1234-567890abcdef');
    expect(ns.fstype).toBe('nsfs');
    expect(ns.majorMinor).toBe('0:4');
    expect(ns.root).toMatch(/^net:\[\d+\]$/);
    expect(ns.optionalFields).toEqual([expect.stringMatching(/^shared:\d+$/)]);
    expect(mounts.filter((m) => m.fstype === 'nsfs')).toHaveLength(1);
  });

  it('keeps optional fields (shared:N / master:N) apart from the fixed fields', () => {
    const kubelet = at('/var/lib/kubelet');
    expect(kubelet.optionalFields).toEqual(['shared:1']);
    expect(kubelet.root).toBe('/kubelet');
    expect(kubelet.fstype).toBe('tmpfs');
    expect(at('/tmp/slave-of-kubelet').optionalFields).toEqual(['master:1']);
    const token = mounts.find((m) => m.mountPoint.endsWith('/volumes/kubernetes.io~projected/kube-api-access-x7k2p'));
    expect(token?.parentId).toBe(kubelet.id);
    expect(token?.optionalFields).toEqual(['shared:2']);
  });

  it('reads containerd overlay and shm mounts', () => {
    const overlay = mounts.find((m) => m.fstype === 'overlay');
    expect(overlay?.mountPoint).toMatch(/^\/run\/containerd\/io\.containerd\.runtime\.v2\.task\/k8s\.io\/[0-9a-f]{64}\/rootfs$/);
    expect(overlay?.superOptions).toContain('lowerdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/2/fs:');
    const shm = mounts.find((m) => m.mountPoint.endsWith('/shm') && m.source === 'shm');
    expect(shm?.options).toBe('rw,nosuid,nodev,noexec,relatime');
  });
});

describe('parseMountinfo: edge cases', () => {
  it('empty input gives no mounts', () => {
    expect(parseMountinfo('')).toEqual([]);
    expect(parseMountinfo('\n\n')).toEqual([]);
  });

  it('several optional fields, an empty source and CRLF', () => {
    const [m] = parseMountinfo('100 1 0:50 / /a rw shared:5 master:1 propagate_from:2 unbindable - tmpfs  rw,size=4k\r\n');
    expect(m).toEqual({
      id: 100,
      parentId: 1,
      majorMinor: '0:50',
      root: '/',
      mountPoint: '/a',
      options: 'rw',
      optionalFields: ['shared:5', 'master:1', 'propagate_from:2', 'unbindable'],
      fstype: 'tmpfs',
      source: '',
      superOptions: 'rw,size=4k',
    });
  });

  it('skips garbage lines', () => {
    const text = [
      'garbage',
      '1 2 3 4 5 6 7 8 9 10',
      'x 1 0:1 / /a rw - tmpfs tmpfs rw',
      '1 1 01 / /a rw - tmpfs tmpfs rw',
      '5 1 0:1 / /no-separator rw tmpfs tmpfs rw x',
      '6 1 0:1 / /short rw - tmpfs tmpfs',
      '7 1 0:1 / /ok rw - tmpfs tmpfs rw',
    ].join('\n');
    expect(parseMountinfo(text).map((m) => m.mountPoint)).toEqual(['/ok']);
  });

  it('a path component named "-" is not taken for the separator', () => {
    const [m] = parseMountinfo('7 1 0:1 - /x/- rw - tmpfs tmpfs rw');
    expect(m).toMatchObject({ root: '-', mountPoint: '/x/-', fstype: 'tmpfs', optionalFields: [] });
  });
});

describe('decodeOctalEscapes', () => {
  it('decodes the four escapes the kernel writes', () => {
    expect(decodeOctalEscapes('a\\040b\\011c\\012d\\134e')).toBe('a b\tc\nd\\e');
  });

  it('leaves text without escapes and malformed escapes alone', () => {
    expect(decodeOctalEscapes('/var/lib/kubelet')).toBe('/var/lib/kubelet');
    expect(decodeOctalEscapes('a\\9bc')).toBe('a\\9bc');
    expect(decodeOctalEscapes('a\\04')).toBe('a\\04');
    expect(decodeOctalEscapes('trailing\\')).toBe('trailing\\');
    expect(decodeOctalEscapes('\\400')).toBe('\\400');
  });

  it('decodes other octal codes and consecutive escapes', () => {
    expect(decodeOctalEscapes('\\043\\040\\0401')).toBe('#  1');
    expect(decodeOctalEscapes('\\\\040')).toBe('\\ ');
  });
});
