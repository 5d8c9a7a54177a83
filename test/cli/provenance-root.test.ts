// Provenance on a --root host carrying a real-shaped dpkg database: fixtures/hosts/debian-runtimes holds this
// Debian 12 machine's own status stanzas, .list, .md5sums and .conffiles files of containerd, runc,
// containernetworking-plugins, docker.io, podman and kubectl (the google-cloud-sdk one), the packages' real
// config files and units, and a /usr-merged layout (lib -> usr/lib; dpkg lists say /lib/systemd/system). The
// runtime state of each case (Docker's moby namespace, Podman's CNI files, a Kubernetes leftover) is added to a
// copy. Every case here was reported as residue before provenance and conditions existed.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RuleResult, ScanResult } from '../../src/model/result.js';
import { fixture, runCli } from '../helpers/cli.js';

const PROFILES = ['post-reset', 'pre-join', 'decommission', 'all'] as const;
const made: string[] = [];

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the fixture host with `files` (path → content, or null for a directory) added. */
function host(files: Record<string, string | null> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'kr-provenance-'));
  made.push(root);
  cpSync(fixture('hosts', 'debian-runtimes'), root, { recursive: true, verbatimSymlinks: true });
  for (const [p, content] of Object.entries(files)) {
    const abs = path.join(root, p);
    if (content === null) {
      mkdirSync(abs, { recursive: true });
    } else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
  return root;
}

function scan(root: string, profile: string): { status: number; report: ScanResult } {
  // /proc, /sys and the tools are not part of a --root fixture: those rules are unchecked, hence --allow-unchecked.
  const run = runCli(['scan', '--root', root, '--profile', profile, '--format', 'json', '--allow-unchecked']);
  return { status: run.status, report: JSON.parse(run.stdout) as ScanResult };
}

function found(report: ScanResult): RuleResult[] {
  return report.results.filter((r) => r.status === 'found');
}

function result(report: ScanResult, id: string): RuleResult | undefined {
  return report.results.find((r) => r.ruleId === id);
}

const MOBY_ID = 'f1e2d3c4b5a6978877665544332211000ffeeddccbbaa99887766554433221100';
const POD_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';

/** What containerd (started by Debian's unit, with the CRI plugin enabled) and dockerd leave while running. */
const DOCKER_STATE: Record<string, string | null> = {
  'run/containerd/containerd.sock': '',
  'run/containerd/io.containerd.grpc.v1.cri/sandboxes': null,
  'run/containerd/io.containerd.grpc.v1.cri/containers': null,
  [`run/containerd/io.containerd.runtime.v2.task/moby/${MOBY_ID}/config.json`]: '{}',
  [`run/containerd/runc/moby/${MOBY_ID}/state.json`]: '{}',
  'var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes': null,
  'var/lib/containerd/io.containerd.grpc.v1.cri/containers': null,
  'var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db': 'bolt',
  'var/lib/containerd/io.containerd.content.v1.content/ingest': null,
  [`var/lib/containerd/io.containerd.runtime.v2.task/moby/${MOBY_ID}/init.pid`]: '4242',
  [`run/docker/containerd/${MOBY_ID}/init-stdin`]: '',
  'var/lib/docker/containers/x/config.v2.json': '{}',
  'var/lib/docker/network/files/local-kv.db': 'kv',
};

/** Podman (4.3, CNI backend) with one container on its default network. */
const PODMAN_STATE: Record<string, string | null> = {
  'etc/cni/net.d/cni.lock': '',
  'var/lib/cni/networks/podman/10.88.0.2': `${POD_ID}\neth0`,
  'var/lib/cni/networks/podman/last_reserved_ip.0': '10.88.0.2',
  'var/lib/cni/networks/podman/lock': '',
  [`var/lib/cni/results/podman-${POD_ID}-eth0`]: '{}',
  'var/lib/containers/storage/overlay-containers/containers.json': '[]',
  'run/containers/storage/overlay-containers/containers.lock': '',
  'run/podman/podman.sock': '',
};

/** A Kubernetes node's leftovers on the same host: a calico conflist, kubespray's containerd config, pod state. */
const KUBESPRAY_CONFIG = `version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.9"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = true
`;
const K8S_STATE: Record<string, string | null> = {
  'etc/cni/net.d/10-calico.conflist': '{"name":"k8s-pod-network","cniVersion":"0.3.1","plugins":[{"type":"calico"}]}',
  'etc/containerd/config.toml': KUBESPRAY_CONFIG,
  [`run/containerd/io.containerd.runtime.v2.task/k8s.io/${POD_ID}/config.json`]: '{}',
  [`var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/${POD_ID}/sandbox.json`]: '{}',
  'var/lib/cni/networks/k8s-pod-network/10.244.0.5': POD_ID,
};

describe('provenance on a Debian host with containerd, runc, CNI plugins, docker.io, podman and kubectl installed', () => {
  it.each(PROFILES)('an idle host with the packages: nothing found (--profile %s)', (profile) => {
    const { status, report } = scan(host(), profile);
    expect(found(report).map((r) => r.ruleId)).toEqual([]);
    expect(report.summary.findings).toBe(0);
    expect(status).toBe(0);
  });

  it.each(PROFILES)('a Docker host (containerd namespace moby, CRI plugin dirs empty): nothing found (--profile %s)', (profile) => {
    const { report } = scan(host(DOCKER_STATE), profile);
    expect(found(report).map((r) => r.ruleId)).toEqual([]);
  });

  it.each(PROFILES)("a Podman host (cni.lock, its CNI network and results): nothing found (--profile %s)", (profile) => {
    const { report } = scan(host({ ...DOCKER_STATE, ...PODMAN_STATE }), profile);
    expect(found(report).map((r) => r.ruleId)).toEqual([]);
  });

  it('reads the package database once, only for what matched, and says which', () => {
    const { report } = scan(host(), 'all');
    const run = report.probes.find((p) => p.probe === 'provenance');
    expect(run?.ok).toBe(true);
    expect(run?.note).toMatch(/package database: dpkg/);
  });

  describe('with a Kubernetes leftover on the same host', () => {
    const root = host({ ...DOCKER_STATE, ...PODMAN_STATE, ...K8S_STATE });
    const all = scan(root, 'all').report;
    const postReset = scan(root, 'post-reset').report;

    it("reports the calico conflist, not podman's conflist or lock", () => {
      expect(result(all, 'kubernetes-cni-net-d')?.findings.map((f) => f.target)).toEqual(['/etc/cni/net.d/10-calico.conflist']);
    });

    it('reports /etc/cni for the calico file, naming it and keeping the package-owned content out of the removable part', () => {
      const f = result(all, 'rancher-etc-cni')?.findings[0];
      expect(f?.target).toBe('/etc/cni');
      expect(f?.evidence).toContain('net.d/10-calico.conflist from no package');
      expect(f?.provenance).toEqual({ owners: ['podman'], unowned: ['/etc/cni/net.d/10-calico.conflist'] });
      // The fix removes the calico file, not the directory with Podman's conflist and lock.
      expect(f?.fix).toEqual(['rm -rf -- /etc/cni/net.d/10-calico.conflist']);
    });

    it('reports a modified conffile with the package that owns it and what changed (decommission)', () => {
      const f = result(all, 'container-runtime-containerd-config')?.findings[0];
      expect(f?.target).toBe('/etc/containerd');
      expect(f?.evidence).toMatch(/config\.toml conffile of package containerd, modified \(md5 [0-9a-f]{32}, the package's 773cf1c5a249197a8ef37a08ac168414\)/);
      expect(result(postReset, 'container-runtime-containerd-config')).toBeUndefined();
    });

    it('reports /run/containerd and /var/lib/containerd because they hold k8s.io state, and removes only that', () => {
      const run = result(all, 'container-runtime-run-containerd')?.findings[0];
      expect(run?.evidence).toContain('holds io.containerd.runtime.v2.task/k8s.io');
      // Docker's moby task state beside it stays.
      expect(run?.fix).toEqual(['rm -rf -- /run/containerd/io.containerd.runtime.v2.task/k8s.io']);
      expect(result(all, 'container-runtime-containerd-data')?.findings[0]?.fix).toEqual([`rm -rf -- /var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/${POD_ID}`]);
      expect(result(all, 'container-runtime-containerd-data')?.findings[0]?.target).toBe('/var/lib/containerd');
      expect(result(postReset, 'container-runtime-run-containerd')?.status).toBe('found');
    });

    it("reports /var/lib/cni for the pod network's lease, not podman's", () => {
      const f = result(all, 'kubernetes-var-lib-cni')?.findings[0];
      // The pod network's directory goes whole; Podman's network beside it stays.
      expect(f?.provenance?.unowned).toEqual(['/var/lib/cni/networks/k8s-pod-network']);
      expect(f?.fix).toEqual(['rm -rf -- /var/lib/cni/networks/k8s-pod-network']);
    });

    it("never reports the package's containerd unit (/lib vs /usr/lib spellings of a /usr-merged host)", () => {
      expect(result(all, 'container-runtime-containerd-unit')?.status).toBe('clean');
    });
  });

  describe('containerd put there by an installer (no package)', () => {
    const root = host({
      ...DOCKER_STATE,
      'usr/local/bin/containerd': '#!/bin/sh\n',
      'etc/systemd/system/containerd.service': '[Service]\nExecStart=/usr/local/bin/containerd\n',
    });
    const decommission = scan(root, 'decommission').report;
    const postReset = scan(root, 'post-reset').report;

    it('decommission reports its binary and unit; post-reset keeps the runtime', () => {
      expect(result(decommission, 'container-runtime-local-binaries')?.findings.map((f) => f.target)).toEqual(['/usr/local/bin/containerd']);
      expect(result(decommission, 'container-runtime-containerd-unit')?.findings[0]?.evidence).toContain('/etc/systemd/system/containerd.service from no package');
      expect(result(postReset, 'container-runtime-local-binaries')).toBeUndefined();
      expect(result(postReset, 'container-runtime-containerd-unit')).toBeUndefined();
    });

    it('its state directories count even without Kubernetes state in them', () => {
      expect(result(postReset, 'container-runtime-run-containerd')?.findings[0]?.evidence).toContain('/usr/local/bin/containerd from no package');
    });
  });

  it('a conffile of a removed (not purged) package is owned by no installed package', () => {
    // cri-o-leftover is "deinstall ok config-files": /etc/crio/crio.conf is no installed package's.
    const { report } = scan(host({ 'etc/crio/crio.conf': '[crio]\n' }), 'decommission');
    expect(result(report, 'container-runtime-crio-config')?.findings[0]?.evidence).toContain('/etc/crio from no package');
  });

  it("an installer's drop-in on the package's unit is reported (decommission)", () => {
    const root = host({ 'etc/systemd/system/containerd.service.d/http-proxy.conf': '[Service]\nEnvironment=HTTP_PROXY=http://proxy:3128\n' });
    const { report } = scan(root, 'decommission');
    const f = result(report, 'container-runtime-containerd-unit')?.findings[0];
    expect(f?.evidence).toContain('/etc/systemd/system/containerd.service.d from no package');
    // Its fix removes the drop-in and the enablement link, never the package's unit file.
    expect(f?.fix.find((c) => c.startsWith('rm '))).toBe('rm -rf -- /etc/systemd/system/containerd.service.d /etc/systemd/system/multi-user.target.wants/containerd.service');
  });
});
