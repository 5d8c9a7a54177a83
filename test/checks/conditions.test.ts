// Rule conditions: the pure evaluation (all of `when`, anyOf any, several subjects) from given facts, and the
// facts themselves gathered on a --root fixture host with a dpkg database (ownership of a directory means all
// of its content; ignore globs; /usr-merge spellings; modified conffiles).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateConditions } from '../../src/checks/conditions.js';
import type { Condition } from '../../src/model/conditions.js';
import { factKey, gatherConditionFacts, type ConditionFact } from '../../src/probes/conditions.js';
import { createProbeContext } from '../../src/probes/context.js';
import { pathSpellings } from '../../src/probes/provenance.js';
import { fixture } from '../helpers/cli.js';

const notOwned: Condition = { notOwnedByPackage: true };
const k8sState: Condition = { containsEntry: ['io.containerd.runtime.v2.task/k8s.io'] };
const installer: Condition = { presentWithoutPackage: ['/usr/local/bin/containerd'] };

function facts(entries: Array<[string, Condition, ConditionFact]>): Map<string, ConditionFact> {
  return new Map(entries.map(([s, c, f]) => [factKey(s, c), f]));
}

describe('evaluateConditions (pure)', () => {
  it('needs every condition of the list', () => {
    const f = facts([
      ['/x', notOwned, { holds: true, detail: 'from no package' }],
      ['/x', k8sState, { holds: false, detail: 'holds none' }],
    ]);
    expect(evaluateConditions(['/x'], [notOwned], f)).toMatchObject({ holds: true, details: ['from no package'] });
    expect(evaluateConditions(['/x'], [notOwned, k8sState], f)).toMatchObject({ holds: false });
  });

  it('anyOf holds when one branch does; presentWithoutPackage is about other paths', () => {
    const f = facts([
      ['/run/containerd', k8sState, { holds: false, detail: 'holds none' }],
      ['', installer, { holds: true, detail: '/usr/local/bin/containerd from no package' }],
    ]);
    const r = evaluateConditions(['/run/containerd'], [{ anyOf: [k8sState, installer] }], f);
    expect(r).toMatchObject({ holds: true, details: ['/usr/local/bin/containerd from no package'] });
  });

  it('a unit with several files: one file no package owns is enough; provenance collects owners and unowned', () => {
    const f = facts([
      ['/lib/systemd/system/containerd.service', notOwned, { holds: false, detail: 'owned', owners: ['containerd'], unowned: [] }],
      ['/etc/systemd/system/containerd.service.d', notOwned, { holds: true, detail: 'http-proxy.conf from no package', owners: [], unowned: ['/etc/systemd/system/containerd.service.d/http-proxy.conf'] }],
    ]);
    const r = evaluateConditions(['/lib/systemd/system/containerd.service', '/etc/systemd/system/containerd.service.d'], [notOwned], f);
    expect(r).toEqual({
      holds: true,
      details: ['http-proxy.conf from no package'],
      provenance: { owners: ['containerd'], unowned: ['/etc/systemd/system/containerd.service.d/http-proxy.conf'] },
    });
  });

  it('a missing fact is reported, never taken as clean', () => {
    expect(evaluateConditions(['/x'], [notOwned], new Map())).toHaveProperty('missing');
  });
});

describe('condition facts on a --root host with a dpkg database', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'kr-conditions-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  cpSync(fixture('hosts', 'debian-runtimes'), root, { recursive: true, verbatimSymlinks: true });
  const write = (p: string, content: string): void => {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), content);
  };
  write('etc/cni/net.d/cni.lock', '');
  write('etc/cni/net.d/10-calico.conflist', '{}');
  mkdirSync(path.join(root, 'etc/cni/multus.d'), { recursive: true });
  mkdirSync(path.join(root, 'run/containerd/io.containerd.runtime.v2.task/k8s.io'), { recursive: true });
  mkdirSync(path.join(root, 'run/containerd/io.containerd.runtime.v2.task/moby'), { recursive: true });
  const ctx = createProbeContext({ root, timeoutMs: 10_000 });

  it('a package directory counts as owned only if everything in it is (ignored entries aside)', async () => {
    const ignoreLock: Condition = { notOwnedByPackage: { ignore: ['/etc/cni/net.d/cni.lock'] } };
    const got = await gatherConditionFacts(ctx, [{ subjects: ['/etc/cni'], conditions: [ignoreLock] }]);
    if (!got.ok) throw new Error(got.reason);
    const f = got.facts.get(factKey('/etc/cni', ignoreLock));
    expect(f?.holds).toBe(true);
    // The calico file and the empty multus.d no package made; podman's conflist and its lock are not listed.
    expect(f?.unowned?.sort()).toEqual(['/etc/cni/multus.d', '/etc/cni/net.d/10-calico.conflist']);
    expect(f?.owners).toEqual(['podman']);
  });

  it("podman's conffile alone is owned and unmodified", async () => {
    const p = '/etc/cni/net.d/87-podman-bridge.conflist';
    const got = await gatherConditionFacts(ctx, [{ subjects: [p], conditions: [notOwned] }]);
    expect(got.ok && got.facts.get(factKey(p, notOwned))).toMatchObject({ holds: false, owners: ['podman'] });
  });

  it('a modified conffile holds, naming the package and both md5s', async () => {
    write('etc/containerd/config.toml', 'version = 2\n# SystemdCgroup = true\n');
    const got = await gatherConditionFacts(ctx, [{ subjects: ['/etc/containerd'], conditions: [notOwned] }]);
    const f = got.ok ? got.facts.get(factKey('/etc/containerd', notOwned)) : undefined;
    expect(f?.holds).toBe(true);
    expect(f?.detail).toMatch(/^config\.toml conffile of package containerd, modified \(md5 [0-9a-f]{32}, the package's 773cf1c5a249197a8ef37a08ac168414\)/);
  });

  it('/usr-merge: /usr/lib/systemd/system/x and /lib/systemd/system/x are one file to the package database', async () => {
    expect(pathSpellings(ctx, '/usr/lib/systemd/system/containerd.service')).toEqual(['/usr/lib/systemd/system/containerd.service', '/lib/systemd/system/containerd.service']);
    expect(pathSpellings(ctx, '/lib/x')).toEqual(['/lib/x', '/usr/lib/x']);
    expect(pathSpellings(ctx, '/etc/x')).toEqual(['/etc/x']);
    const unit = '/usr/lib/systemd/system/containerd.service';
    const got = await gatherConditionFacts(ctx, [{ subjects: [unit], conditions: [notOwned] }]);
    expect(got.ok && got.facts.get(factKey(unit, notOwned))?.holds).toBe(false);
  });

  it('containsEntry tells a k8s.io namespace from moby', async () => {
    const moby: Condition = { containsEntry: ['io.containerd.runtime.v2.task/moby'] };
    const none: Condition = { containsEntry: ['io.containerd.grpc.v1.cri/sandboxes/*'] };
    const got = await gatherConditionFacts(ctx, [{ subjects: ['/run/containerd'], conditions: [k8sState, moby, none] }]);
    if (!got.ok) throw new Error(got.reason);
    // What may be removed is the k8s.io state only, never moby's beside it.
    expect(got.facts.get(factKey('/run/containerd', k8sState))).toEqual({
      holds: true,
      detail: 'holds io.containerd.runtime.v2.task/k8s.io',
      removable: ['/run/containerd/io.containerd.runtime.v2.task/k8s.io'],
    });
    expect(got.facts.get(factKey('/run/containerd', none))?.holds).toBe(false);
  });

  it('presentWithoutPackage: absent paths do not count, unowned ones do', async () => {
    const got = await gatherConditionFacts(ctx, [{ subjects: ['/run/containerd'], conditions: [installer] }]);
    expect(got.ok && got.facts.get(factKey('', installer))?.holds).toBe(false);
    write('usr/local/bin/containerd', '#!/bin/sh\n');
    const again = await gatherConditionFacts(createProbeContext({ root, timeoutMs: 10_000 }), [{ subjects: ['/run/containerd'], conditions: [installer] }]);
    expect(again.ok && again.facts.get(factKey('', installer))).toEqual({ holds: true, detail: '/usr/local/bin/containerd from no package' });
  });

  it('without any package database nothing is owned', async () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'kr-conditions-bare-'));
    try {
      mkdirSync(path.join(bare, 'etc/cni/net.d'), { recursive: true });
      writeFileSync(path.join(bare, 'etc/cni/net.d/87-podman-bridge.conflist'), '{}');
      const got = await gatherConditionFacts(createProbeContext({ root: bare, timeoutMs: 10_000 }), [{ subjects: ['/etc/cni'], conditions: [notOwned] }]);
      expect(got).toMatchObject({ ok: true, database: 'none' });
      expect(got.ok && got.facts.get(factKey('/etc/cni', notOwned))?.holds).toBe(true);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
