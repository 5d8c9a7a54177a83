// Under --root, a path whose names are not valid UTF-8 is resolved inside the root like any other: an absolute
// symlink on its way (/var/lib -> <abs>/data/lib, as the mounted host wrote it) is followed inside the root, not
// on the scanning machine, where a decoy of the same spelling waits (a file where the root has a directory, and
// a directory the root does not have). Plain globs, `**` globs and braces alike.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kr-root-bytes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const join = (...parts: Array<string | Buffer>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

describe('--root with names that are not valid UTF-8', () => {
  const root = path.join(tmp, 'root');
  // The data directory's absolute path: the same spelling exists on the scanning machine (the decoy side).
  const data = path.join(tmp, 'data', 'lib');
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  mkdirSync(path.join(root, 'var'), { recursive: true });
  mkdirSync(path.join(root, data), { recursive: true });
  symlinkSync(data, path.join(root, 'var', 'lib'));
  const residue = join(root, data, '/', b('etcd-bad\xff\xfe'));
  mkdirSync(residue);
  writeFileSync(join(residue, '/member'), 'residue');
  // The scanning machine's side of the same absolute path.
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, '/', b('etcd-bad\xff\xfe')), 'decoy file on the scanning machine');
  mkdirSync(join(data, '/', b('etcd-decoy\xff')));

  // A literal path through an absolute link to that directory, and one through a loop of links.
  symlinkSync(join(data, '/', b('etcd-bad\xff\xfe')), join(root, '/var/etcd-old'));
  symlinkSync('/var/loop-b', path.join(root, 'var', 'loop-a'));
  symlinkSync('/var/loop-a', path.join(root, 'var', 'loop-b'));

  const rules = path.join(tmp, 'rules.yaml');
  const rule = (id: string, p: string): string => `  - id: ${id}
    title: etcd data dirs
    severity: low
    description: etcd data dirs
    tags: []
    profiles: [post-reset]
    check: { kind: path, paths: ['${p}'] }
    fix: { commands: ['rm -rf -- {{target}}'] }
    rebootClears: false
    references: []
`;
  writeFileSync(rules, `pack: rootbytes\nrules:\n${rule('t-plain', '/var/lib/etcd*')}${rule('t-deep', '/var/lib/**/etcd*')}${rule('t-brace', '/var/{lib,opt}/etcd*')}${rule('t-literal', '/var/etcd-old/member')}${rule('t-loop', '/var/loop-a/member')}`);

  it('finds the residue inside the root, never the scanning machine’s decoy', () => {
    const run = runCli(['scan', '--no-builtin', '--rules', rules, '--root', root, '--format', 'json']);
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as ScanResult;
    const hex = join('/var/lib/', b('etcd-bad\xff\xfe')).toString('hex');
    for (const id of ['t-plain', 't-deep', 't-brace']) {
      const r = report.results.find((x) => x.ruleId === id);
      expect(r?.status, id).toBe('found');
      expect(r?.findings.map((f) => [f.target, f.vars.targetHex, f.evidence]), id).toEqual([
        ['/var/lib/etcd-bad\\xff\\xfe', hex, 'directory, not empty; the name is not valid UTF-8 (\\xHH marks its raw bytes)'],
      ]);
    }
    expect(run.stdout).not.toContain('etcd-decoy');
    // The literal path is text; the directory its link leads to is not: resolved as bytes, inside the root.
    const literal = report.results.find((x) => x.ruleId === 't-literal');
    expect(literal?.findings.map((f) => [f.target, f.vars.targetHex, f.evidence])).toEqual([['/var/etcd-old/member', undefined, 'file, 7 bytes']]);
    // A loop of links is that rule's problem only.
    const loop = report.results.find((x) => x.ruleId === 't-loop');
    expect([loop?.status, loop?.reason]).toEqual(['unchecked', 'cannot look at /var/loop-a/member: ELOOP']);
  });
});

// Other names the kernel gives as bytes: network namespaces in /run/netns, cgroups, mount points in mountinfo. One whose name is not UTF-8
// is neither decoded into its U+FFFD look-alike (a different, real object, found as itself) nor acted on by
// text: the rule is partly checked with the escaped name.
describe('--root: namespaces and cgroups with names that are not valid UTF-8', () => {
  const host = path.join(tmp, 'host2');
  mkdirSync(path.join(host, 'etc'), { recursive: true });
  mkdirSync(path.join(host, 'proc', '1'), { recursive: true });
  // The host's mount table as the kernel prints it: raw bytes in a path (only space, tab, newline, \\ are escaped).
  writeFileSync(
    path.join(host, 'proc', '1', 'mountinfo'),
    join(
      '22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n',
      '100 22 0:50 / /var/lib/kubelet/pods/p1/volumes/kubernetes.io~empty-dir/', b('cache\xff'), ' rw,relatime shared:2 - tmpfs tmpfs rw\n',
      '101 22 0:51 / /var/lib/kubelet/pods/p1/volumes/kubernetes.io~empty-dir/cache\ufffd rw,relatime shared:3 - tmpfs tmpfs rw\n',
    ),
  );
  mkdirSync(path.join(host, 'run', 'netns'), { recursive: true });
  writeFileSync(join(host, '/run/netns/', b('cni-\xff')), '');
  writeFileSync(path.join(host, 'run', 'netns', 'cni-\ufffd'), '');
  mkdirSync(path.join(host, 'sys', 'fs', 'cgroup'), { recursive: true });
  writeFileSync(path.join(host, 'sys', 'fs', 'cgroup', 'cgroup.controllers'), 'cpu memory\n');
  mkdirSync(join(host, '/sys/fs/cgroup/', b('kubepods\xff'), '/pod1'), { recursive: true });
  mkdirSync(path.join(host, 'sys', 'fs', 'cgroup', 'kubepods\ufffd'));
  // A unit directory entry that is not UTF-8: no unit to systemd (unit names are ASCII), and no U+FFFD file here.
  mkdirSync(path.join(host, 'etc', 'systemd', 'system'), { recursive: true });
  writeFileSync(join(host, '/etc/systemd/system/', b('kubelet\xff.service')), '[Service]\n');
  const rules = path.join(tmp, 'names-rules.yaml');
  const rule = (id: string, check: string): string => `  - id: ${id}
    title: leftover ${id}
    severity: low
    description: leftover
    tags: []
    profiles: [post-reset]
    check: ${check}
    fix: { commands: ['true {{target}}'] }
    rebootClears: true
    references: []
`;
  writeFileSync(rules, `pack: names\nrules:\n${rule('t-netns', "{ kind: netns, names: ['cni-*'] }")}${rule('t-cgroup', "{ kind: cgroup, names: ['kubepods*'] }")}${rule('t-mount', "{ kind: mount, mountPoints: ['/var/lib/kubelet/pods/*/volumes/**'], fstypes: [tmpfs] }")}${rule('t-unit', "{ kind: systemd-unit, units: ['kubelet*.service'] }")}`);

  it('reports the look-alike as itself and the byte name as not checked', () => {
    const run = runCli(['scan', '--no-builtin', '--rules', rules, '--root', host, '--format', 'json']);
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as ScanResult;
    const netns = report.results.find((r) => r.ruleId === 't-netns');
    expect(netns?.findings.map((f) => f.target)).toEqual(['cni-\ufffd']);
    expect(netns?.reason).toBe('partly unchecked: /run/netns/cni-\\xff: the name is not valid UTF-8 (not checked; remove it by hand)');
    const cgroup = report.results.find((r) => r.ruleId === 't-cgroup');
    expect(cgroup?.findings.map((f) => [f.target, f.evidence])).toEqual([['/sys/fs/cgroup/kubepods\ufffd', 'cgroup v2, 0 child cgroups']]);
    const mount = report.results.find((r) => r.ruleId === 't-mount');
    expect(mount?.findings.map((f) => f.target)).toEqual(['/var/lib/kubelet/pods/p1/volumes/kubernetes.io~empty-dir/cache\ufffd']);
    expect(mount?.reason).toBe(
      'partly unchecked: /var/lib/kubelet/pods/p1/volumes/kubernetes.io~empty-dir/cache\\xff: the path is not valid UTF-8 (not checked; unmount it by hand)',
    );
    const unit = report.results.find((r) => r.ruleId === 't-unit');
    expect([unit?.status, unit?.findings]).toEqual(['clean', []]);
    expect(cgroup?.reason).toBe('partly unchecked: /sys/fs/cgroup/kubepods\\xff: the name is not valid UTF-8 (not checked; remove it by hand)');
  });
});
