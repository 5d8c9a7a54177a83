// Issue 8, "Tests on real software": Debian's own containerd, runc, CNI plugins, dockerd and podman, started
// inside the namespace sandbox (test/sandbox/lib/runtimes.sh), with images built from busybox-static. What a user
// checks: a Docker host and a Podman host each running a container with a published port are clean (exit 0, no
// finding); an idle host with all these packages is clean in every profile; and a node whose containerd was
// killed with Kubernetes pods running (CRI-style k8s.io containers, a pod netns set up by the real bridge,
// host-local and portmap plugins, a host-network static pod on 6443) is reported object by object, the fix
// script clears it, and Docker and Podman on the same host keep working. Every run must leave no process of its
// PID namespace and no cgroup behind.
import { describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../../src/model/result.js';
import { describeRun, requireRuntimesOrSkip, runWithRuntimes, type RuntimeRun } from '../sandbox/runtimes.js';
import type { PlantedItem } from '../sandbox/sandbox.js';
import { findingsFor, type Hit } from './sandbox-scan.js';

const skip = requireRuntimesOrSkip(['containerd', 'docker', 'podman', 'cni']);

/** bash: scan with the built CLI; section SCAN_<TAG> holds the JSON report, STATUS_<TAG> the exit status. */
function scan(tag: string, args = ''): string {
  if (!/^[A-Z0-9_]+$/.test(tag)) throw new Error(`scan tag must match [A-Z0-9_]+: ${tag}`);
  return `
set +e
node dist/kube-residue.cjs scan --format json ${args} >"/tmp/scan-${tag}.json" 2>"/tmp/scan-${tag}.err"
echo $? >"/tmp/scan-${tag}.status"
set -e
kr_rt_section SCAN_${tag}; cat "/tmp/scan-${tag}.json"
kr_rt_section STATUS_${tag}; cat "/tmp/scan-${tag}.status"
kr_rt_section STDERR_${tag}; cat "/tmp/scan-${tag}.err"
`;
}

interface Scan {
  status: number;
  report: ScanResult;
  stderr: string;
}

function scanOf(r: RuntimeRun, tag: string): Scan {
  const json = r.sections.get(`SCAN_${tag}`) ?? '';
  let report: ScanResult;
  try {
    report = JSON.parse(json) as ScanResult;
  } catch {
    throw new Error(`scan ${tag} printed no JSON report: ${r.sections.get(`STDERR_${tag}`) ?? ''}\n${describeRun(r)}`);
  }
  return { status: Number((r.sections.get(`STATUS_${tag}`) ?? '').trim()), report, stderr: r.sections.get(`STDERR_${tag}`) ?? '' };
}

interface Found {
  ruleId: string;
  target: string;
  finding: Finding;
}

function findings(report: ScanResult): Found[] {
  return report.results.flatMap((res) => res.findings.map((finding) => ({ ruleId: res.ruleId, target: finding.target, finding })));
}

function hits(report: ScanResult): Hit[] {
  return report.results.flatMap((r) =>
    r.findings.map((f) => ({ ruleId: r.ruleId, target: f.target, paths: Array.isArray(f.vars.paths) ? f.vars.paths.flat() : [] })),
  );
}

/** Rules that could not be checked, with their reasons (a clean verdict needs none). */
function unchecked(report: ScanResult): string[] {
  return report.results.filter((r) => r.status === 'unchecked').map((r) => `${r.ruleId}: ${JSON.stringify(r)}`);
}

/** PIDs a finding names: `comm[pid]` targets, or vars.pid / vars.pids. */
function pidsOf(f: Finding): number[] {
  const out: number[] = [];
  const m = /\[(\d+)\]$/.exec(f.target);
  if (m?.[1] !== undefined) out.push(Number(m[1]));
  const v = f.vars as Record<string, unknown>;
  for (const x of [v['pid'], ...(Array.isArray(v['pids']) ? (v['pids'] as unknown[]) : [])]) {
    if (typeof x === 'number') out.push(x);
    if (typeof x === 'string' && /^\d+$/.test(x)) out.push(Number(x));
  }
  return out;
}

/** `PID COMM` lines (kr_rt_engine_pids) → pid → comm. */
function pidTable(text: string | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of (text ?? '').split('\n')) {
    const m = /^(\d+) (.*)$/.exec(line);
    if (m?.[1] !== undefined) out.set(Number(m[1]), m[2] ?? '');
  }
  return out;
}

function expectNothingLeft(r: RuntimeRun): void {
  expect(r.leftovers.processes, 'processes of the sandbox still running on the host').toEqual([]);
  expect(r.leftovers.cgroups, 'cgroups of the sandbox still on the host').toEqual([]);
}

function expectCompleted(r: RuntimeRun): void {
  if (!r.completed || r.status !== 0) throw new Error(describeRun(r));
}

function expectClean(s: Scan, what: string): void {
  expect(findings(s.report).map((f) => `${f.ruleId} ${f.target}`), `${what}: findings`).toEqual([]);
  expect(unchecked(s.report), `${what}: unchecked rules`).toEqual([]);
  expect(s.status, `${what}: exit status (stderr: ${s.stderr})`).toBe(0);
}

/** bash: fetch http://127.0.0.1:PORT/ (the busybox httpd index) or say FAIL. Node's fetch: the host's busybox
 * wget (static glibc) crashes resolving, and wget/curl need not be installed. */
function fetch(port: number): string {
  return `node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(5000) }).then((r) => r.text()).then((t) => process.stdout.write(t), (e) => console.log("FAIL", process.argv[1], String(e)))' http://127.0.0.1:${port}/`;
}

const BUSYBOX_INDEX = 'kr-sandbox busybox';

describe.skipIf(skip !== undefined)('real container runtimes in the sandbox (issue 8)', () => {
  it('1. a Docker host running a container with a published port: zero findings, exit 0', () => {
    const r = runWithRuntimes({
      script: `
kr_rt_start_dockerd
kr_rt_docker run -d -p 8081:80 --name web kr/busybox:1.35 httpd -f -p 80 -h /var/www >/dev/null
kr_rt_section HTTP; ${fetch(8081)}
kr_rt_section PS; kr_rt_docker ps --format '{{.Names}} {{.Status}} {{.Ports}}'
${scan('DOCKER')}`,
    });
    expectCompleted(r);
    // The harness really runs Docker: the container answers on the published port.
    expect(r.sections.get('HTTP')).toContain(BUSYBOX_INDEX);
    expect(r.sections.get('PS')).toMatch(/^web Up .*8081->80\/tcp/m);
    expectClean(scanOf(r, 'DOCKER'), 'Docker host');
    expectNothingLeft(r);
  }, 180_000);

  it('2. a Podman host running a container with a published port: zero findings, exit 0', () => {
    const r = runWithRuntimes({
      script: `
kr_rt_start_podman
kr_rt_podman run -d -p 8082:80 --name pweb localhost/kr/busybox:1.35 httpd -f -p 80 -h /var/www >/dev/null
kr_rt_section HTTP; ${fetch(8082)}
kr_rt_section PS; kr_rt_podman ps --format '{{.Names}} {{.Status}} {{.Ports}}'
${scan('PODMAN')}`,
    });
    expectCompleted(r);
    expect(r.sections.get('HTTP')).toContain(BUSYBOX_INDEX);
    expect(r.sections.get('PS')).toMatch(/^pweb Up .*8082->80\/tcp/m);
    expectClean(scanOf(r, 'PODMAN'), 'Podman host');
    expectNothingLeft(r);
  }, 180_000);

  it('3. an idle host with containerd, runc, CNI plugins, docker.io and podman installed: clean in every profile', () => {
    const profiles = ['post-reset', 'pre-join', 'decommission'];
    const r = runWithRuntimes({
      script: `
kr_rt_section PACKAGES; dpkg-query -W -f '\${Package} \${Status}\\n' containerd runc containernetworking-plugins docker.io podman
${profiles.map((p) => scan(p.replace('-', '_').toUpperCase(), `--profile ${p}`)).join('\n')}`,
    });
    expectCompleted(r);
    for (const pkg of ['containerd', 'runc', 'containernetworking-plugins', 'docker.io', 'podman']) {
      expect(r.sections.get('PACKAGES')).toContain(`${pkg} install ok installed`);
    }
    for (const p of profiles) expectClean(scanOf(r, p.replace('-', '_').toUpperCase()), `--profile ${p}`);
    expectNothingLeft(r);
  }, 180_000);

  it('4. containerd killed under running k8s.io pods: everything reported, the fix clears it, Docker and Podman untouched', () => {
    const r = runWithRuntimes({
      timeoutMs: 240_000,
      env: { KR_FIX_CLI: 'dist/kube-residue.cjs' },
      script: `
# The host's own engines first: Docker (sharing containerd, as Debian's docker.service does) and Podman.
kr_rt_snapshot engines
kr_rt_start_dockerd
kr_rt_docker run -d -p 8081:80 --name web kr/busybox:1.35 httpd -f -p 80 -h /var/www >/dev/null
kr_rt_start_podman
kr_rt_podman run -d -p 8082:80 --name pweb localhost/kr/busybox:1.35 httpd -f -p 80 -h /var/www >/dev/null
kr_rt_record_new user engines
kr_rt_record user path /etc/cni/net.d/87-podman-bridge.conflist
kr_rt_record user path /var/lib/cni/networks/podman
kr_rt_record user path /var/lib/containers/storage
kr_rt_record user path /var/lib/docker

# Kubernetes: a host-network static pod holding 6443, a pod with a hostPort and a sidecar, a second pod.
kr_rt_import_busybox_ctr k8s.io
kr_rt_k8s_pod --name kube-apiserver-kr-sandbox --namespace kube-system --qos burstable --host-network \\
  --container kube-apiserver='exec httpd -f -p 6443 -h /var/www' >/dev/null
kr_rt_k8s_pod --name web-0 --namespace default --port 8080:80 \\
  --container web='exec httpd -f -p 80 -h /var/www' --container sidecar='echo started; exec sleep 2147483647' >/dev/null
kr_rt_k8s_pod --name coredns-5d78c9869d-x7k2p --namespace kube-system --qos burstable \\
  --container coredns='exec httpd -f -p 8181 -h /var/www' >/dev/null
kr_rt_section HTTP_POD; ${fetch(8080)}
kr_rt_section HTTP_STATIC; ${fetch(6443)}
sleep 0.5

# The node goes away mid-flight: containerd is SIGKILLed, its shims and pods keep running.
kr_rt_kill_containerd
kr_rt_section K8S_PIDS; kr_rt_engine_pids k8s.io
kr_rt_section MOBY_PIDS; kr_rt_engine_pids moby
kr_rt_section PODMAN_PIDS; kr_rt_engine_pids podman
kr_rt_section LOGS; cat /var/log/containers/web-0_default_sidecar-*.log

# scan -> fix --from -> run the script (sysctl, modprobe, swapon, systemctl, crictl stubbed) -> rescan.
kr_rt_section FIXRUN
bash test/fix/sandbox-fix-run.sh | sed 's/^=====KR:\\([A-Z0-9_]*\\)=====$/=====KR:FIX_\\1=====/'

# What a Docker and a Podman user check afterwards.
kr_rt_section MOBY_PIDS_AFTER; kr_rt_engine_pids moby
kr_rt_section PODMAN_PIDS_AFTER; kr_rt_engine_pids podman
kr_rt_section ENGINES_AFTER
kr_rt_docker ps --format 'docker {{.Names}} {{.Status}}'
kr_rt_podman ps --format 'podman {{.Names}} {{.Status}}'
${fetch(8081)}
${fetch(8082)}
kr_rt_start_containerd
kr_rt_docker run --rm kr/busybox:1.35 echo docker-runs-new-containers 2>&1 || echo "FAIL docker run"
kr_rt_podman run --rm localhost/kr/busybox:1.35 echo podman-runs-new-containers 2>&1 || echo "FAIL podman run"
`,
    });
    expectCompleted(r);
    // The pods really served before containerd died, and their logs are real.
    expect(r.sections.get('HTTP_POD')).toContain(BUSYBOX_INDEX);
    expect(r.sections.get('HTTP_STATIC')).toContain(BUSYBOX_INDEX);
    expect(r.sections.get('LOGS')).toMatch(/started/);

    const status = /scan1=(\d+) fix=(\d+) run=(\d+) scan2=(\d+)/.exec(r.sections.get('FIX_STATUS') ?? '');
    if (status === null) throw new Error(`the fix run did not report its status:\n${r.sections.get('FIX_STATUS') ?? ''}\n${describeRun(r)}`);
    const scan1 = JSON.parse(r.sections.get('FIX_SCAN1') ?? 'null') as ScanResult;
    const scan2 = JSON.parse(r.sections.get('FIX_SCAN2') ?? 'null') as ScanResult;
    expect(Number(status[1]), 'the first scan finds residue').toBe(1);
    const all = findings(scan1);
    const h = hits(scan1);

    // Every process of the pods: shims, sandbox ("pause") processes, containers.
    const k8sPids = pidTable(r.sections.get('K8S_PIDS'));
    expect([...k8sPids.values()].filter((c) => c.startsWith('containerd-shim')).length).toBe(3);
    expect(k8sPids.size).toBeGreaterThanOrEqual(3 + 3 + 4);
    const reportedPids = new Set(all.flatMap((f) => pidsOf(f.finding)));
    const missedPids = [...k8sPids].filter(([pid]) => !reportedPids.has(pid)).map(([pid, comm]) => `${comm}[${pid}]`);
    expect(missedPids, 'k8s.io processes not reported').toEqual([]);
    // ... and none of Docker's or Podman's.
    const enginePids = new Map([...pidTable(r.sections.get('MOBY_PIDS')), ...pidTable(r.sections.get('PODMAN_PIDS'))]);
    expect(enginePids.size).toBeGreaterThanOrEqual(4);
    const wrongPids = [...enginePids].filter(([pid]) => reportedPids.has(pid)).map(([pid, comm]) => `${comm}[${pid}]`);
    expect(wrongPids, 'Docker/Podman processes reported').toEqual([]);

    // The static pod's port.
    expect(all.some((f) => f.target === 'tcp/6443')).toBe(true);

    // Every object the runtime and the plugins created for the pods: links, chains, netns, IP reservations,
    // CNI result cache, task bundles, rootfs and shm mounts, cgroups, logs.
    const planted = r.planted.filter((p) => p.kind !== 'process');
    const residue = planted.filter((p) => p.class === 'residue');
    const kinds = new Set(residue.map((p) => p.kind));
    for (const k of ['interface', 'iptables-chain', 'netns', 'path', 'mount', 'cgroup'] as const) expect(kinds).toContain(k);
    const missed = residue.filter((p: PlantedItem) => findingsFor(p, h).length === 0).map((p) => `${p.kind} ${p.id}`);
    expect(missed, 'pod state not reported').toEqual([]);
    const wrong = planted
      .filter((p) => p.class === 'user')
      .flatMap((p) => findingsFor(p, h).map((f) => `${p.kind} ${p.id} <- ${f.ruleId} ${f.target}`));
    expect(wrong, 'Docker/Podman state reported').toEqual([]);

    // The fix script ran, and the rescan is clean.
    expect(Number(status[2]), r.sections.get('FIX_FIX_STDERR')).toBe(0);
    expect(Number(status[3]), r.sections.get('FIX_RUN')).toBe(0);
    expect(findings(scan2).map((f) => `${f.ruleId} ${f.target}`), `rescan after the script:\n${r.sections.get('FIX_RUN') ?? ''}`).toEqual([]);
    expect(Number(status[4])).toBe(0);

    // Docker's and Podman's state is untouched: every object still there, no package file deleted, both work.
    const lines = (s: string | undefined): string[] => (s ?? '').split('\n').filter((l) => l !== '');
    const before = lines(r.sections.get('FIX_USER_BEFORE'));
    expect(before.filter((l) => l.startsWith('MISSING'))).toEqual([]);
    expect(lines(r.sections.get('FIX_USER_AFTER'))).toEqual(before);
    const whiteouts = lines(r.sections.get('FIX_UPPER_NEW')).filter((l) => l.startsWith('c '));
    expect(whiteouts, 'files of the host (packages) deleted by the script').toEqual([]);
    expect(pidTable(r.sections.get('MOBY_PIDS_AFTER')), 'Docker container processes after the script').toEqual(pidTable(r.sections.get('MOBY_PIDS')));
    expect(pidTable(r.sections.get('PODMAN_PIDS_AFTER')), 'Podman container processes after the script').toEqual(pidTable(r.sections.get('PODMAN_PIDS')));
    const after = r.sections.get('ENGINES_AFTER') ?? '';
    expect(after).toMatch(/^docker web Up/m);
    expect(after).toMatch(/^podman pweb Up/m);
    expect(after).not.toMatch(/FAIL/);
    expect(after.split(BUSYBOX_INDEX).length - 1).toBe(2);
    expect(after).toContain('docker-runs-new-containers');
    expect(after).toContain('podman-runs-new-containers');
    expectNothingLeft(r);
  }, 300_000);
});
