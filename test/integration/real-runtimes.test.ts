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
import { allFindings, findingsFor } from './sandbox-scan.js';

const skip = requireRuntimesOrSkip(['containerd', 'docker', 'podman', 'cni']);

/** bash: scan with the built CLI; section SCAN_<TAG> holds the JSON report, STATUS_<TAG> the exit status. */
function scan(tag: string, args = ''): string {
  if (!/^[A-Z0-9_]+$/.test(tag)) throw new Error(`scan tag must match [A-Z0-9_]+: ${tag}`);
  return `
set +e
node dist/kube-residue.cjs scan --format json ${args} >"/tmp/scan-${tag}.json" 2>"/tmp/scan-${tag}.err"
echo $? >"/tmp/scan-${tag}.status"
set -e
kr_rt_section SCAN_${tag}; cat "/tmp/scan-${tag}.json"; echo
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

function isBelowOrAt(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

function isStrictlyBelow(p: string, dir: string): boolean {
  return p !== dir && isBelowOrAt(p, dir);
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

/** bash: GET http://127.0.0.1:PORT/ (the busybox httpd index), retried for 10 s while the server comes up, or
 * say FAIL. With Node's fetch: the host's busybox wget (static glibc) crashes here, and wget/curl need not be
 * installed. */
function httpGet(port: number): string {
  const js =
    'const u = process.argv[1]; const end = Date.now() + 10000; (async () => { for (;;) { try {' +
    ' const r = await fetch(u, { signal: AbortSignal.timeout(3000) }); process.stdout.write(await r.text()); return;' +
    ' } catch (e) { if (Date.now() > end) { console.log("FAIL", u, String(e)); return; } await new Promise((w) => setTimeout(w, 200)); } } })();';
  return `node -e '${js}' http://127.0.0.1:${port}/`;
}

const BUSYBOX_INDEX = 'kr-sandbox busybox';

// A node that ran Kubernetes on containerd: a host-network static pod holding 6443, a pod with a hostPort and a
// sidecar, a second pod; then containerd is SIGKILLed (shims and pods keep running). web-0's containers run as
// PID 1 without a SIGTERM handler (they ignore TERM, as many real images do); the others exit on TERM.
// Sections: HTTP_POD, HTTP_STATIC, K8S_PIDS, LOGS.
const K8S_NODE_KILLED = `
kr_rt_start_containerd
kr_rt_import_busybox_ctr k8s.io
kr_rt_k8s_pod --name kube-apiserver-kr-sandbox --namespace kube-system --qos burstable --host-network \\
  --container kube-apiserver='trap "exit 0" TERM; httpd -f -p 6443 -h /var/www & wait' >/dev/null
kr_rt_k8s_pod --name web-0 --namespace default --port 8088:80 \\
  --container web='exec httpd -f -p 80 -h /var/www' --container sidecar='echo started; exec sleep 2147483647' >/dev/null
kr_rt_k8s_pod --name coredns-5d78c9869d-x7k2p --namespace kube-system --qos burstable \\
  --container coredns='trap "exit 0" TERM; httpd -f -p 8181 -h /var/www & wait' >/dev/null
kr_rt_phase pods started
kr_rt_section HTTP_POD; ${httpGet(8088)}
kr_rt_section HTTP_STATIC; ${httpGet(6443)}
sleep 0.5
kr_rt_kill_containerd
kr_rt_section K8S_PIDS; kr_rt_engine_pids k8s.io
kr_rt_wait 10 grep -q started /var/log/containers/web-0_default_sidecar-*.log || true
kr_rt_section LOGS; cat /var/log/containers/web-0_default_sidecar-*.log
`;

// scan -> fix --from -> run the script (sysctl, modprobe, swapon, systemctl, crictl stubbed) -> rescan, by the
// fix tests' driver (test/fix/sandbox-fix-run.sh); its sections come back prefixed PREFIX_ (FIX_ for the first
// round, FIX2_ for the round after containerd is started again).
function fixRun(prefix: 'FIX' | 'FIX2'): string {
  return `
kr_rt_phase scan, fix, rescan: ${prefix}
kr_rt_section ${prefix}RUN
bash test/fix/sandbox-fix-run.sh | sed 's/^=====KR:\\([A-Z0-9_]*\\)=====$/=====KR:${prefix}_\\1=====/'
`;
}

// What the user does when the first round says containerd must run: start it (Docker's dockerd, sharing it in
// scenario 4, reconnects by itself) and run kube-residue again.
const SECOND_ROUND = `
kr_rt_start_containerd
${fixRun('FIX2')}
`;

interface FixRun {
  status: { scan1: number; fix: number; run: number; scan2: number };
  scan1: ScanResult;
  scan2: ScanResult;
  userBefore: string[];
  userAfter: string[];
  upperNew: string[];
}

function lines(s: string | undefined): string[] {
  return (s ?? '').split('\n').filter((l) => l !== '');
}

function fixRunOf(r: RuntimeRun, prefix: 'FIX' | 'FIX2' = 'FIX'): FixRun {
  const st = /scan1=(\d+) fix=(\d+) run=(\d+) scan2=(\d+)/.exec(r.sections.get(`${prefix}_STATUS`) ?? '');
  if (st === null) throw new Error(`the fix run ${prefix} did not report its status:\n${r.sections.get(`${prefix}_STATUS`) ?? ''}\n${describeRun(r)}`);
  return {
    status: { scan1: Number(st[1]), fix: Number(st[2]), run: Number(st[3]), scan2: Number(st[4]) },
    scan1: JSON.parse(r.sections.get(`${prefix}_SCAN1`) ?? 'null') as ScanResult,
    scan2: JSON.parse(r.sections.get(`${prefix}_SCAN2`) ?? 'null') as ScanResult,
    userBefore: lines(r.sections.get(`${prefix}_USER_BEFORE`)),
    userAfter: lines(r.sections.get(`${prefix}_USER_AFTER`)),
    upperNew: lines(r.sections.get(`${prefix}_UPPER_NEW`)),
  };
}

/** Everything of K8S_NODE_KILLED is in the first scan: processes, port 6443, every object of the manifest. */
function expectPodsReported(r: RuntimeRun, scan1: ScanResult): void {
  // The pods really served before containerd died, and their logs are real.
  expect(r.sections.get('HTTP_POD')).toContain(BUSYBOX_INDEX);
  expect(r.sections.get('HTTP_STATIC')).toContain(BUSYBOX_INDEX);
  expect(r.sections.get('LOGS')).toMatch(/started/);
  const all = findings(scan1);
  // Every process of the pods: shims, sandbox ("pause") processes, containers.
  const k8sPids = pidTable(r.sections.get('K8S_PIDS'));
  expect([...k8sPids.values()].filter((c) => c.startsWith('containerd-shim')).length).toBe(3);
  expect(k8sPids.size).toBeGreaterThanOrEqual(3 + 3 + 4);
  const reportedPids = new Set(all.flatMap((f) => pidsOf(f.finding)));
  const missedPids = [...k8sPids].filter(([pid]) => !reportedPids.has(pid)).map(([pid, comm]) => `${comm}[${pid}]`);
  expect(missedPids, 'k8s.io processes not reported').toEqual([]);
  // The static pod's port.
  expect(all.some((f) => f.target === 'tcp/6443')).toBe(true);
  // Every object the runtime and the plugins created for the pods: links, chains, netns, IP reservations,
  // CNI result cache, task bundles, rootfs and shm mounts, cgroups, logs.
  const residue = r.planted.filter((p) => p.kind !== 'process' && p.class === 'residue');
  const kinds = new Set(residue.map((p) => p.kind));
  for (const k of ['interface', 'iptables-chain', 'netns', 'path', 'mount', 'cgroup'] as const) expect(kinds).toContain(k);
  const h = allFindings(scan1);
  const missed = residue.filter((p: PlantedItem) => findingsFor(p, h).length === 0).map((p) => `${p.kind} ${p.id}`);
  expect(missed, 'pod state not reported').toEqual([]);
}

const METADATA_RULES = ['container-runtime-images', 'container-runtime-stopped-containers'];
const K8S_PODS = ['pod/default/web-0', 'pod/kube-system/coredns-5d78c9869d-x7k2p', 'pod/kube-system/kube-apiserver-kr-sandbox'];
const K8S_IMAGES = ['image/docker.io/library/busybox:1.35', 'image/registry.k8s.io/pause:3.9'];

/** Only the k8s.io containers (stopped now) and images of containerd's metadata: `rule target`, sorted. */
function metadataFindings(): string[] {
  return [...K8S_IMAGES.map((t) => `container-runtime-images ${t}`), ...K8S_PODS.map((t) => `container-runtime-stopped-containers ${t}`)].sort();
}

/**
 * The first round, with containerd dead: the script removes everything but what only containerd can remove from
 * its metadata, refuses that at run time with what to do (start containerd, scan again) and so ends with status 1.
 * The rescan reads containerd's database file: exactly the k8s.io pods' containers (stopped now) and images, and
 * nothing unchecked (exit 1, never 3).
 */
function expectFirstRound(r: RuntimeRun, fix: FixRun): void {
  const run = r.sections.get('FIX_RUN') ?? '';
  expect(fix.status.scan1, 'the first scan finds residue').toBe(1);
  expect(fix.status.fix, r.sections.get('FIX_FIX_STDERR')).toBe(0);
  expect(run).toMatch(/# REFUSED at run time: containerd is not running \(nothing answers on \/run\/containerd\/containerd\.sock\): start it, e\.g\. systemctl start containerd, and run kube-residue again; image\/registry\.k8s\.io\/pause:3\.9 stays in its metadata until then/);
  expect(run).toMatch(/, 2 refused at run time$/m);
  expect(fix.status.run, run).toBe(1);
  expect(findings(fix.scan2).map((f) => `${f.ruleId} ${f.target}`).sort(), `rescan after the script:\n${run}`).toEqual(metadataFindings());
  expect(unchecked(fix.scan2), 'unchecked rules in the rescan').toEqual([]);
  for (const id of METADATA_RULES) {
    expect(fix.scan2.results.find((x) => x.ruleId === id)?.reason).toMatch(/^containerd's metadata read from \/var\/lib\/containerd\/io\.containerd\.metadata\.v1\.bolt\/meta\.db \(containerd at \/run\/containerd\/containerd\.sock did not answer/);
  }
  expect(fix.status.scan2).toBe(1);
}

/** The second round, containerd running again: the same findings, removed through it; the rescan is clean, exit 0. */
function expectFixClean(r: RuntimeRun, fix: FixRun): void {
  const run = r.sections.get('FIX2_RUN') ?? '';
  expect(findings(fix.scan1).map((f) => `${f.ruleId} ${f.target}`).sort(), 'the scan with containerd running').toEqual(metadataFindings());
  expect(fix.status.scan1).toBe(1);
  expect(fix.status.fix, r.sections.get('FIX2_FIX_STDERR')).toBe(0);
  expect(run).toMatch(/, 0 refused at run time$/m);
  expect(fix.status.run, run).toBe(0);
  expect(findings(fix.scan2).map((f) => `${f.ruleId} ${f.target}`), `rescan after the script:\n${run}`).toEqual([]);
  expect(unchecked(fix.scan2), 'unchecked rules in the final rescan').toEqual([]);
  expect(fix.status.scan2).toBe(0);
}

describe.skipIf(skip !== undefined)('real container runtimes in the sandbox (issue 8)', () => {
  it('1. a Docker host running a container with a published port: zero findings, exit 0', () => {
    const r = runWithRuntimes({
      script: `
kr_rt_start_dockerd
kr_rt_docker run -d -p 8081:80 --name web kr/busybox:1.35 httpd -f -p 80 -h /var/www >/dev/null
kr_rt_section HTTP; ${httpGet(8081)}
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
kr_rt_section HTTP; ${httpGet(8082)}
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

  it('4. containerd killed under running k8s.io pods: everything reported, the fix clears it (containerd started again for its metadata), Docker and Podman untouched', () => {
    const r = runWithRuntimes({
      // The user's own state of the other sandbox tests too (myapp files, units, links, chains, DOCKER-USER).
      scenarios: ['user-state'],
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
kr_rt_phase engines started
${K8S_NODE_KILLED}
kr_rt_section MOBY_PIDS; kr_rt_engine_pids moby
kr_rt_section PODMAN_PIDS; kr_rt_engine_pids podman
${fixRun('FIX')}

# What a Docker and a Podman user check afterwards.
kr_rt_phase engines checked
kr_rt_section MOBY_PIDS_AFTER; kr_rt_engine_pids moby
kr_rt_section PODMAN_PIDS_AFTER; kr_rt_engine_pids podman
kr_rt_section ENGINES_AFTER
kr_rt_docker ps --format 'docker {{.Names}} {{.Status}}'
kr_rt_podman ps --format 'podman {{.Names}} {{.Status}}'
${httpGet(8081)}
${httpGet(8082)}
# containerd comes back (Docker shares it): Docker still manages its running container, stopping it ends its
# processes, and it starts again.
kr_rt_start_containerd
kr_rt_section DOCKER_EXEC
# dockerd reconnects to the restarted containerd in the background: retry for a while.
if kr_rt_wait 20 kr_rt_docker exec web true; then echo "docker exec ok"; else kr_rt_docker exec web true 2>&1 || echo "FAIL docker exec"; fi
${SECOND_ROUND}
kr_rt_section MOBY_PIDS_ROUND2; kr_rt_engine_pids moby
kr_rt_section ENGINES_ROUND2
kr_rt_docker ps --format 'docker {{.Names}} {{.Status}}'
kr_rt_podman ps --format 'podman {{.Names}} {{.Status}}'
kr_rt_section DOCKER_STOP
kr_rt_docker stop -t 1 web >/dev/null 2>&1 && echo "docker stop ok" || echo "FAIL docker stop"
sleep 0.5
kr_rt_engine_pids moby
kr_rt_section ENGINES_RESTART
kr_rt_docker start web >/dev/null 2>&1 && echo "docker start ok" || echo "FAIL docker start"
${httpGet(8081)}
kr_rt_docker run --rm kr/busybox:1.35 echo docker-runs-new-containers 2>&1 || echo "FAIL docker run"
kr_rt_podman run --rm localhost/kr/busybox:1.35 echo podman-runs-new-containers 2>&1 || echo "FAIL podman run"
kr_rt_phase done
`,
    });
    expectCompleted(r);
    const fix = fixRunOf(r);
    expectPodsReported(r, fix.scan1);
    // ... and none of Docker's or Podman's processes.
    const reportedPids = new Set(findings(fix.scan1).flatMap((f) => pidsOf(f.finding)));
    const enginePids = new Map([...pidTable(r.sections.get('MOBY_PIDS')), ...pidTable(r.sections.get('PODMAN_PIDS'))]);
    expect(enginePids.size).toBeGreaterThanOrEqual(4);
    const wrongPids = [...enginePids].filter(([pid]) => reportedPids.has(pid)).map(([pid, comm]) => `${comm}[${pid}]`);
    expect(wrongPids, 'Docker/Podman processes reported').toEqual([]);
    // No finding names Docker's or Podman's objects, or anything inside them. A directory that holds both
    // (/etc/cni with podman's conflist and the pods' one, /var/lib/cni) may be reported for its Kubernetes part:
    // that the fix then keeps the other engine's files is checked on the host below.
    const h = allFindings(fix.scan1);
    const wrong = r.planted
      .filter((p) => p.class === 'user' && p.kind !== 'process')
      .flatMap((p) =>
        findingsFor(p, h)
          .filter((f) => !((p.kind === 'path' || p.kind === 'cgroup') && isStrictlyBelow(p.id, f.target) && f.paths.every((x) => !isBelowOrAt(x, p.id))))
          .map((f) => `${p.kind} ${p.id} <- ${f.ruleId} ${f.target}`),
      );
    expect(wrong, 'Docker/Podman state reported').toEqual([]);

    expectFirstRound(r, fix);
    const fix2 = fixRunOf(r, 'FIX2');
    expectFixClean(r, fix2);

    // Docker's and Podman's state is untouched by either round: every object still there, no package file
    // deleted, both work.
    expect(fix.userBefore.filter((l) => l.startsWith('MISSING'))).toEqual([]);
    expect(fix.userAfter).toEqual(fix.userBefore);
    expect(fix2.userBefore.filter((l) => l.startsWith('MISSING'))).toEqual([]);
    expect(fix2.userAfter).toEqual(fix2.userBefore);
    for (const f of [fix, fix2]) {
      const whiteouts = f.upperNew.filter((l) => l.startsWith('c '));
      expect(whiteouts, 'files of the host (packages) deleted by the script').toEqual([]);
    }
    // Docker's containers live in containerd's moby namespace: the second round, which talks to containerd,
    // leaves them running.
    expect(pidTable(r.sections.get('MOBY_PIDS_ROUND2')), 'Docker container processes after the second round').toEqual(pidTable(r.sections.get('MOBY_PIDS')));
    const round2 = r.sections.get('ENGINES_ROUND2') ?? '';
    expect(round2).toMatch(/^docker web Up/m);
    expect(round2).toMatch(/^podman pweb Up/m);
    expect(pidTable(r.sections.get('MOBY_PIDS_AFTER')), 'Docker container processes after the script').toEqual(pidTable(r.sections.get('MOBY_PIDS')));
    expect(pidTable(r.sections.get('PODMAN_PIDS_AFTER')), 'Podman container processes after the script').toEqual(pidTable(r.sections.get('PODMAN_PIDS')));
    const after = r.sections.get('ENGINES_AFTER') ?? '';
    expect(after).toMatch(/^docker web Up/m);
    expect(after).toMatch(/^podman pweb Up/m);
    expect(after).not.toMatch(/FAIL/);
    expect(after.split(BUSYBOX_INDEX).length - 1).toBe(2);
    // Docker's containers live in containerd's moby namespace (shared containerd, as on Debian). Once containerd
    // runs again Docker still knows its running container (exec works, stop ends its processes rather than
    // leaking its shim), starts it again, and runs new containers.
    expect(r.sections.get('DOCKER_EXEC') ?? '').toMatch(/^docker exec ok$/m);
    const stop = r.sections.get('DOCKER_STOP') ?? '';
    expect(stop).toMatch(/^docker stop ok$/m);
    expect(pidTable(stop), "the Docker container's processes after docker stop").toEqual(new Map());
    const restart = r.sections.get('ENGINES_RESTART') ?? '';
    expect(restart).toContain('docker start ok');
    expect(restart).toContain(BUSYBOX_INDEX);
    expect(restart).toContain('docker-runs-new-containers');
    expect(restart).toContain('podman-runs-new-containers');
    expectNothingLeft(r);
  }, 300_000);

  it('4b. the same killed node without Docker or Podman: the shared CNI-HOSTPORT-* chains are reported too, the two rounds leave nothing', () => {
    const r = runWithRuntimes({
      scenarios: ['user-state'],
      timeoutMs: 240_000,
      env: { KR_FIX_CLI: 'dist/kube-residue.cjs' },
      script: `${K8S_NODE_KILLED}\n${fixRun('FIX')}\n${SECOND_ROUND}`,
    });
    expectCompleted(r);
    const fix = fixRunOf(r);
    expectPodsReported(r, fix.scan1);
    // portmap's chains, shared by every pod (and by podman on a host that has it): here only the pods use them.
    const chains = findings(fix.scan1).map((f) => f.target);
    for (const c of ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-SETMARK', 'CNI-HOSTPORT-MASQ']) expect(chains).toContain(`ipv4/nft/nat/${c}`);
    expectFirstRound(r, fix);
    const fix2 = fixRunOf(r, 'FIX2');
    expectFixClean(r, fix2);
    for (const f of [fix, fix2]) {
      expect(f.userAfter).toEqual(f.userBefore);
      expect(f.upperNew.filter((l) => l.startsWith('c ')), 'files of the host deleted by the script').toEqual([]);
    }
    expectNothingLeft(r);
  }, 300_000);
});
