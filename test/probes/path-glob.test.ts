// The path probe expands plain globs (`*`, `?`, `[...]`) itself, reading only the directories on the way, and
// walks the others (`**`, braces, extglobs, escapes) with glob-walk.ts, names read as bytes: both must give
// exactly what fast-glob gives with the probe's options. Compared on a tree with dot files, symlinked and
// dangling entries, and depth limits.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fg from 'fast-glob';
import { afterAll, describe, expect, it } from 'vitest';
import { createProbeContext } from '../../src/probes/context.js';
import { expandSegments, globHostPaths, isGlobPattern } from '../../src/probes/paths.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'kr-glob-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const files = [
  'etc/kubernetes/manifests/kube-apiserver.yaml',
  'etc/kubernetes/manifests/.hidden.yaml',
  'etc/kubernetes/manifests/sub/deeper.yaml',
  'etc/default/k3s',
  'etc/default/k3s-agent',
  'etc/default/rke2-server',
  'etc/sysctl.d/99-kubernetes.conf',
  'etc/sysctl.d/10-other.conf',
  'home/alice/.kube/config',
  'home/bob/.kube/cache/x',
  'home/.carol/.kube/config',
  'var/backups/etcd-2024-01-01_00:00:00/member/snap/db',
  'var/backups/etcd-x',
  'real/.kube/config',
];
for (const f of files) {
  mkdirSync(path.join(root, path.dirname(f)), { recursive: true });
  writeFileSync(path.join(root, f), 'x');
}
mkdirSync(path.join(root, 'home/dave'), { recursive: true });
// A symlinked home and a symlinked .kube: fast-glob does not go through symlinked directories.
symlinkSync(path.join(root, 'real'), path.join(root, 'home/linked'));
symlinkSync(path.join(root, 'real/.kube'), path.join(root, 'home/dave/.kube'));
// A dangling link and a link to a directory as matches of the last segment.
symlinkSync('/nonexistent', path.join(root, 'etc/kubernetes/manifests/dangling.yaml'));
symlinkSync(path.join(root, 'real'), path.join(root, 'etc/default/k3s-link'));

const ctx = createProbeContext({ root, timeoutMs: 5000 });

function viaFastGlob(pattern: string, deep: number): string[] {
  return fg
    .sync(pattern.replace(/^\/+/, ''), { cwd: root, dot: true, onlyFiles: false, followSymbolicLinks: false, suppressErrors: true, unique: true, deep })
    .map((rel) => `/${rel}`)
    .sort();
}

const patterns = [
  '/etc/kubernetes/manifests/*',
  '/etc/default/k3s*',
  '/etc/default/rke2-*',
  '/etc/sysctl.d/*.conf',
  '/etc/sysctl.d/[0-9][0-9]-kube*.conf',
  '/etc/sysctl.d/?0-other.conf',
  '/home/*/.kube/config',
  '/home/*/.kube/cache',
  '/home/*/.kube',
  '/var/backups/etcd-*',
  '/var/backups/etcd-*/member/snap/db',
  '/missing/*/x',
  '/etc/kubernetes/manifests/*/deeper.yaml',
  '/*/default/k3s',
];

describe('plain globs without fast-glob', () => {
  for (const pattern of patterns) {
    for (const deep of [1, 2, 3, 4]) {
      it(`${pattern} (deep ${deep})`, () => {
        const own = expandSegments(ctx, pattern, deep);
        expect(own).toBeDefined();
        expect([...(own ?? [])].sort()).toEqual(viaFastGlob(pattern, deep));
      });
    }
  }

  it('leaves `**`, braces and escapes to fast-glob, with the same result', async () => {
    for (const pattern of ['/home/**/config', '/etc/default/{k3s,rke2-server}', '/etc/default/k3s\\*']) {
      expect(expandSegments(ctx, pattern, 4)).toBeUndefined();
      expect((await globHostPaths(ctx, pattern, 4)).sort()).toEqual(viaFastGlob(pattern, 4));
    }
  });

  // Walked by glob-walk.ts (names as bytes) from fast-glob's tasks: the same result as fast-glob's own walk.
  const exotic = [
    '/home/**/config',
    '/home/**',
    '/**/config',
    '/etc/**/*.yaml',
    '/etc/kubernetes/**/',
    '/etc/default/{k3s,rke2-server}',
    '/etc/default/{k3s*,rke2-*}',
    '/{etc,var}/**/k3s*',
    '/{etc/default,var/backups}/*',
    '/etc/default/k3s\\*',
    '/etc/default/k3s\\-agent',
    '/etc/default/@(k3s|rke2-server)',
    '/etc/default/!(k3s)',
    '/etc/default/+(k3s|-agent)',
    '/etc/default/k3s?(-agent)',
    '/home/*/.kube/**/x',
    '/var/backups/etcd-*/**/db',
    '/home/@(alice|bob)/.kube/**',
    '/missing/**/x',
  ];
  for (const pattern of exotic) {
    it(`${pattern} through the byte-aware walk`, async () => {
      expect(expandSegments(ctx, pattern, 4)).toBeUndefined();
      for (const deep of [1, 2, 3, 4]) expect((await globHostPaths(ctx, pattern, deep)).sort(), `deep ${deep}`).toEqual(viaFastGlob(pattern, deep));
    });
  }

  it('tells globs from literal paths as fast-glob does', () => {
    for (const p of ['/etc/kubernetes/admin.conf', '/var/lib/kubelet', '/run/k3s', '/etc/a[b', '/etc/a@b', '/a/b(c|d)', '/a/b(c)', '/a/{b}', '/a/{b..c}', '!x', '/a/!b', ...patterns, '/a/{b,c}', '/a/\\x', '/a/@(b|c)']) {
      expect(isGlobPattern(p), p).toBe(fg.isDynamicPattern(p));
    }
  });
});

describe('a walk past the time limit', () => {
  it('stops and says so, so its rule is not clean unseen (the walk yields to the event loop as it goes)', async () => {
    const wide = mkdtempSync(path.join(os.tmpdir(), 'kr-glob-wide-'));
    try {
      for (let i = 0; i < 300; i++) mkdirSync(path.join(wide, `d${i}`, 'sub'), { recursive: true });
      const { walkGlob } = await import('../../src/probes/glob-walk.js');
      const problems: string[] = [];
      await walkGlob(createProbeContext({ root: '/', timeoutMs: 0 }), `${wide}/**/nothing`, 8, problems);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/stopped after \d+ directories at the time limit \(0 ms\)/);
      const unhurried: string[] = [];
      expect(await walkGlob(createProbeContext({ root: '/', timeoutMs: 60_000 }), `${wide}/**/nothing`, 8, unhurried)).toEqual([]);
      expect(unhurried).toEqual([]);
    } finally {
      rmSync(wide, { recursive: true, force: true });
    }
  });
});
