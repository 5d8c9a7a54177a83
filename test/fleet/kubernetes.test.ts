// deploy/kubernetes: the Job and DaemonSet, rendered with envsubst exactly as scan-nodes.sh renders them, are
// valid Kubernetes objects (kubernetes-models' compiled schemas, offline: no cluster can run here) with the host
// access and restrictions the README promises. The image (Containerfile, FROM scratch: the binary and the
// libraries it links) is built with Debian's podman from local files only and run with the Job's own arguments,
// capabilities and read-only settings against a fixture host root mounted read-only at /host.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Namespace } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import type { ScanResult } from '../../src/model/result.js';
import { fixture, repoRoot, runCli } from '../helpers/cli.js';
import { ensureSeaBinaries, seaBinary } from './sea-binaries.js';
import { IN_CI, RUNTIME_PACKAGES_HIDDEN } from '../helpers/ci.js';

const K8S_DIR = path.join(repoRoot, 'deploy/kubernetes');

/** The template through envsubst with only the named variables, as scan-nodes.sh does. */
function render(file: string, vars: Record<string, string>): unknown {
  const names = Object.keys(vars).map((k) => `\${${k}}`).join(' ');
  const r = spawnSync('envsubst', [names], { input: readFileSync(path.join(K8S_DIR, file), 'utf8'), encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...vars } });
  if (r.status !== 0) throw new Error(`envsubst failed: ${r.stderr}`);
  expect(r.stdout).not.toContain('${');
  return parse(r.stdout) as unknown;
}

interface PodSpecLike {
  hostPID?: boolean;
  hostNetwork?: boolean;
  nodeName?: string;
  securityContext?: { seccompProfile?: { type?: string } };
  containers: ContainerLike[];
  initContainers?: ContainerLike[];
  volumes?: Array<{ name: string; hostPath?: { path: string } }>;
}
interface ContainerLike {
  name: string;
  image?: string;
  args?: string[];
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; privileged?: boolean; capabilities?: { drop?: string[]; add?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

function expectScanContainer(spec: PodSpecLike, c: ContainerLike): void {
  expect(c.image).toBe('registry.example/kube-residue:0.1.0');
  expect(c.args?.slice(0, 3)).toEqual(['scan', '--root', '/host']);
  expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false });
  expect(c.securityContext?.capabilities?.drop).toEqual(['ALL']);
  expect([...(c.securityContext?.capabilities?.add ?? [])].sort()).toEqual(['DAC_READ_SEARCH', 'NET_ADMIN', 'NET_RAW', 'SYS_PTRACE']);
  const mount = c.volumeMounts?.find((m) => m.mountPath === '/host');
  expect(mount?.readOnly).toBe(true);
  expect(spec.volumes?.find((v) => v.name === mount?.name)?.hostPath?.path).toBe('/');
  expect(spec).toMatchObject({ hostPID: true, hostNetwork: true, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
}

describe('Kubernetes manifests (validated offline with kubernetes-models)', () => {
  const image = 'registry.example/kube-residue:0.1.0';

  it('the Job is valid, pinned to its node, with a deadline and the promised restrictions', () => {
    const obj = render('job.yaml', { KUBE_RESIDUE_IMAGE: image, NODE_NAME: 'worker-1.example.internal', JOB_NAME: 'kube-residue-0123456789ab' });
    const job = new Job(obj as ConstructorParameters<typeof Job>[0]);
    expect(() => job.validate()).not.toThrow();
    expect(job.spec?.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(job.spec?.backoffLimit).toBe(0);
    const spec = job.spec?.template.spec as unknown as PodSpecLike;
    expect(spec.nodeName).toBe('worker-1.example.internal');
    expect(spec.containers).toHaveLength(1);
    expectScanContainer(spec, spec.containers[0]!);
  });

  it('the DaemonSet is valid: the scan as init container, a pause container keeps the pod', () => {
    const obj = render('daemonset.yaml', { KUBE_RESIDUE_IMAGE: image, PAUSE_IMAGE: 'registry.k8s.io/pause:3.10' });
    const ds = new DaemonSet(obj as ConstructorParameters<typeof DaemonSet>[0]);
    expect(() => ds.validate()).not.toThrow();
    const spec = ds.spec?.template.spec as unknown as PodSpecLike;
    expect(spec.initContainers).toHaveLength(1);
    expectScanContainer(spec, spec.initContainers![0]!);
    expect(spec.containers[0]?.securityContext?.capabilities?.drop).toEqual(['ALL']);
    expect(ds.spec?.selector.matchLabels).toEqual((ds.spec?.template.metadata?.labels ?? {}) as Record<string, string>);
  });

  it('scan --exit-zero (the Job’s pod must not fail on a verdict) exits 0 with the verdict in the report', () => {
    const r = runCli(['scan', '--root', fixture('hostroot'), '--format', 'json', '--exit-zero']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as ScanResult).verdict).toBe('residue');
    expect(runCli(['scan', '--root', fixture('hostroot'), '--format', 'json']).status).toBe(1);
  });

  it('the namespace is valid; and the validator does reject a broken Job', () => {
    expect(() => new Namespace(parse(readFileSync(path.join(K8S_DIR, 'namespace.yaml'), 'utf8')) as ConstructorParameters<typeof Namespace>[0]).validate()).not.toThrow();
    const bad = render('job.yaml', { KUBE_RESIDUE_IMAGE: image, NODE_NAME: 'n', JOB_NAME: 'j' }) as { spec: { template: { spec: Record<string, unknown> } } };
    bad.spec.template.spec['hostPID'] = 'yes';
    expect(() => new Job(bad as unknown as ConstructorParameters<typeof Job>[0]).validate()).toThrow(/hostPID must be boolean/);
  });
});

const havePodman = spawnSync('podman', ['--version']).status === 0;
if (!havePodman && IN_CI && !RUNTIME_PACKAGES_HIDDEN) throw new Error('podman is required on CI (apt-get install podman)');

describe.skipIf(!havePodman)('the kube-residue image (FROM scratch, built and run with podman)', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'kr-podman-'));
  // Podman's own storage and run state for this test only, and a cgroup parent of its own that is removed after.
  const cgroupParent = `kr-test-podman-${process.pid}`;
  const podmanArgs = ['--root', path.join(work, 'storage'), '--runroot', path.join(work, 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs'];
  const podman = (args: string[]): { status: number; stdout: string; stderr: string } => {
    const r = spawnSync('podman', [...podmanArgs, ...args], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    await ensureSeaBinaries(['x64']);
  }, 600_000);

  afterAll(() => {
    podman(['rmi', '--all', '--force']);
    rmSync(work, { recursive: true, force: true });
    // Deepest first: conmon's cgroup sits below the parent in every hierarchy.
    const dirs: string[] = [];
    const walk = (dir: string, depth: number): void => {
      if (depth > 4) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (!e.isDirectory()) continue;
        const p = path.join(dir, e.name);
        if (e.name === cgroupParent) {
          const inner = (d: string): void => {
            for (const x of readdirSync(d, { withFileTypes: true })) if (x.isDirectory()) inner(path.join(d, x.name));
            dirs.push(d);
          };
          inner(p);
        } else if (depth < 2) walk(p, depth + 1);
      }
    };
    walk('/sys/fs/cgroup', 0);
    for (const d of dirs) rmdirSync(d);
  });

  it('holds only the binary and its libraries, and scans a read-only /host with the Job’s arguments', () => {
    const build = spawnSync(path.join(K8S_DIR, 'build-image.sh'), ['kube-residue:test', seaBinary('x64')], {
      encoding: 'utf8',
      env: { ...process.env, PODMAN_ARGS: podmanArgs.join(' ') },
      timeout: 300_000,
    });
    expect(build.status, build.stderr).toBe(0);
    // Image content, listed through an export (no mount on the host).
    const listing = spawnSync('sh', ['-c', `podman ${podmanArgs.join(' ')} create --name kr-list kube-residue:test >/dev/null && podman ${podmanArgs.join(' ')} export kr-list | tar -t; podman ${podmanArgs.join(' ')} rm kr-list >/dev/null`], { encoding: 'utf8' });
    const entries = listing.stdout.split('\n').filter((l) => l && !l.endsWith('/'));
    expect(entries.sort()).toEqual(
      expect.arrayContaining(['kube-residue', 'lib64/ld-linux-x86-64.so.2', 'lib/x86_64-linux-gnu/libc.so.6', 'lib/x86_64-linux-gnu/libstdc++.so.6']),
    );
    expect(entries.every((e) => e === 'kube-residue' || /^(lib|lib64|usr\/lib)\//.test(e) || /^(etc|dev|proc|sys|run)\//.test(e))).toBe(true);

    const job = render('job.yaml', { KUBE_RESIDUE_IMAGE: 'kube-residue:test', NODE_NAME: 'n', JOB_NAME: 'j' }) as { spec: { template: { spec: PodSpecLike } } };
    const c = job.spec.template.spec.containers[0]!;
    const hostRoot = fixture('hostroot');
    const before = statSync(hostRoot).mtimeMs;
    const run = podman([
      'run', '--rm', '--network', 'none', '--cgroup-parent', `/${cgroupParent}`, '--read-only', '--security-opt', 'no-new-privileges',
      '--cap-drop', 'ALL', ...(c.securityContext?.capabilities?.add ?? []).flatMap((cap) => ['--cap-add', cap]),
      '-v', `${hostRoot}:/host:ro`, 'kube-residue:test', ...(c.args ?? []),
    ]);
    expect(run.status, run.stderr).toBe(0); // --exit-zero: the verdict is in the report
    const report = JSON.parse(run.stdout) as ScanResult;
    expect(report.host.root).toBe('/host');
    expect(report.verdict).toBe('residue');
    // File-based findings are those of the same scan run directly on the fixture.
    const direct = JSON.parse(runCli(['scan', '--root', hostRoot, '--format', 'json', '--timeout', '60']).stdout) as ScanResult;
    const fileFindings = (r: ScanResult): string[] => r.results.filter((x) => x.kind === 'path' || x.kind === 'process' || x.kind === 'port').flatMap((x) => x.findings.map((f) => `${x.ruleId} ${f.target}`));
    expect(fileFindings(report)).toEqual(fileFindings(direct));
    // No host tools in the image: those rules are unchecked with the reason, never clean.
    for (const r of report.results.filter((x) => x.kind === 'iptables' || x.kind === 'nftables')) expect(r.status).toBe('unchecked');
    expect(statSync(hostRoot).mtimeMs).toBe(before);
  }, 600_000);
});
