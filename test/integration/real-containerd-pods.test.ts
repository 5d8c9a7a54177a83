// Issue 12, the `container` check kind against Debian's real containerd, started in the namespace sandbox by the
// real-runtime harness (test/sandbox/lib/runtimes.sh): Kubernetes pods created in namespace k8s.io the way the
// CRI plugin creates them (CRI annotations and kubelet labels, a pod netns set up by the real CNI plugins, a
// host-network static pod), a container that exited, one created and never started, and a Docker container on
// the same containerd (namespace moby). What a user checks: each pod is named with its containers, shim and
// ports; the stopped ones are found; Docker's is not; after removal nothing is; and a dead containerd (stale
// socket, or a socket that accepts and never answers) never hangs the scan: ctr gives up within the time limit
// and containerd's metadata is read from its database file.
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { describeRun, requireRuntimesOrSkip, runWithRuntimes } from '../sandbox/runtimes.js';

const skip = requireRuntimesOrSkip(['containerd', 'docker', 'cni']);

/** bash: a scan of the container rules; sections SCAN_<TAG> (report), STATUS_<TAG>, MS_<TAG> (wall time). */
function scan(tag: string, timeout = 10): string {
  return `
set +e
t0=$(date +%s%N)
node dist/kube-residue.cjs scan --tag container --format json --timeout ${timeout} >"/tmp/scan-${tag}.json" 2>"/tmp/scan-${tag}.err"
echo $? >"/tmp/scan-${tag}.status"
t1=$(date +%s%N)
set -e
kr_rt_section SCAN_${tag}; cat "/tmp/scan-${tag}.json"
kr_rt_section STATUS_${tag}; cat "/tmp/scan-${tag}.status"
kr_rt_section MS_${tag}; echo $(( (t1 - t0) / 1000000 ))
kr_rt_section STDERR_${tag}; cat "/tmp/scan-${tag}.err"
`;
}

function report(r: ReturnType<typeof runWithRuntimes>, tag: string): ScanResult {
  try {
    return JSON.parse(r.sections.get(`SCAN_${tag}`) ?? '') as ScanResult;
  } catch {
    throw new Error(`scan ${tag} printed no report: ${r.sections.get(`STDERR_${tag}`) ?? ''}\n${describeRun(r)}`);
  }
}

function rule(rep: ScanResult, id: string): ScanResult['results'][number] {
  const x = rep.results.find((y) => y.ruleId === id);
  if (!x) throw new Error(`rule ${id} not in the report`);
  return x;
}

const RUNTIME_CLIENT_RULES = ['container-runtime-images', 'container-runtime-stopped-containers'];

describe.skipIf(skip !== undefined)('container check kind against a real containerd (issue 12)', () => {
  it('names each pod with containers, shim and ports; finds stopped ones; never Docker’s; nothing after removal; a dead containerd never hangs the scan: its metadata is read from the file', () => {
    const r = runWithRuntimes({
      timeoutMs: 240_000,
      script: `
kr_rt_start_dockerd
kr_rt_docker run -d -p 8081:80 --name web kr/busybox:1.35 httpd -f -p 80 -h /var/www >/dev/null
kr_rt_import_busybox_ctr k8s.io
kr_rt_k8s_pod --name kube-apiserver-kr-sandbox --namespace kube-system --qos burstable --host-network \\
  --container kube-apiserver='exec httpd -f -p 6443 -h /var/www' >/dev/null
kr_rt_k8s_pod --name web-0 --namespace default --port 8080:80 \\
  --container web='exec httpd -f -p 80 -h /var/www' --container sidecar='exec sleep 2147483647' >/dev/null
# A container that ran and exited (its task and bundle stay until deleted), and one created, never started.
sb=$(kr_rt_k8s_pod --name job-x --namespace batch --container main='exit 0')
kr_rt_ctr -n k8s.io containers create --snapshotter "$KR_RT_SNAPSHOTTER" --label io.cri-containerd.kind=container --label io.kubernetes.pod.name=job-y \\
  --label io.kubernetes.pod.namespace=batch --label io.kubernetes.container.name=never-started \\
  "$KR_RT_IMAGE" "$(kr_rt_hex 64)" sh >/dev/null
sleep 1
kr_rt_section MOBY_IDS; ls /run/containerd/io.containerd.runtime.v2.task/moby
${scan('LIVE')}

# Everything removed through the runtime, by kube-residue's own fix script (crictl is not in Debian: ctr is used).
set +e
node dist/kube-residue.cjs fix --tag container -o /tmp/fix.sh 2>/tmp/fix.err
kr_rt_section FIX_STATUS; echo "fix=$?"
sh /tmp/fix.sh >/tmp/fix.out 2>&1
echo "run=$?"
set -e
kr_rt_section FIX_OUT; cat /tmp/fix.out /tmp/fix.err
kr_rt_section LEFT_IN_CONTAINERD; kr_rt_ctr -n k8s.io containers list -q; kr_rt_ctr -n k8s.io tasks list -q | tail -n +2
${scan('REMOVED')}

# containerd killed: its socket file stays behind with nobody listening (connection refused).
kr_rt_section DOCKER_AFTER_FIX; kr_rt_docker ps --format '{{.Names}} {{.Status}}'
kr_rt_docker rm -f web >/dev/null
kr_rt_kill_containerd
kr_rt_section STALE_SOCKET; test -S /run/containerd/containerd.sock && echo socket-present
${scan('STALE', 5)}

# A socket that accepts and never answers.
rm -f /run/containerd/containerd.sock
node -e 'require("net").createServer(() => {}).listen("/run/containerd/containerd.sock", () => console.log("listening"))' &
hole=$!
kr_rt_wait 10 test -S /run/containerd/containerd.sock
${scan('BLACKHOLE', 5)}
kill "$hole"

# A server that completes the gRPC (HTTP/2) handshake and never answers a call: only ctr's --timeout ends it.
rm -f /run/containerd/containerd.sock
node -e 'require("http2").createServer().on("stream", () => {}).listen("/run/containerd/containerd.sock")' &
h2=$!
kr_rt_wait 10 test -S /run/containerd/containerd.sock
${scan('H2HANG', 5)}
kill "$h2"
`,
    });
    if (!r.completed || r.status !== 0) throw new Error(describeRun(r));

    // Live: one finding per pod, with containers, shim and ports.
    const live = report(r, 'LIVE');
    const pods = rule(live, 'container-runtime-k8s-pods');
    // job-x's sandbox still runs after its only container exited.
    expect(pods.findings.map((f) => f.target)).toEqual(['pod/batch/job-x', 'pod/default/web-0', 'pod/kube-system/kube-apiserver-kr-sandbox']);
    expect(pods.findings[0]?.evidence).toMatch(/; no container running, only the sandbox; sandbox [0-9a-f]{12} \(pid \d+\); shim containerd-shim\[\d+\]; no listening ports; not running: main [0-9a-f]{12}$/);
    const web = pods.findings[1];
    expect(web?.evidence).toMatch(/^running under containerd \/run\/containerd namespace k8s\.io; containers sidecar \([0-9a-f]{12}, pid \d+, .*\), web \([0-9a-f]{12}, pid \d+, .*\); sandbox [0-9a-f]{12} \(pid \d+\); shim containerd-shim\[\d+\]/);
    expect(web?.evidence).toMatch(/holding ports tcp\/80$/);
    expect(pods.findings[2]?.evidence).toMatch(/containers kube-apiserver .*; shim containerd-shim\[\d+\]; holding ports tcp\/6443$/);
    expect(rule(live, 'container-runtime-static-pods').findings.map((f) => f.target)).toEqual(['pod/kube-system/kube-apiserver-kr-sandbox']);
    // Stopped: the exited container (from its bundle) and the never-started one (from containerd's metadata).
    const stopped = rule(live, 'container-runtime-stopped-containers');
    expect(stopped.status).toBe('found');
    expect(stopped.findings.map((f) => f.target)).toEqual(['pod/batch/job-x', 'pod/batch/job-y']);
    expect(stopped.findings[0]?.evidence).toMatch(/^present but not running under containerd .*: main [0-9a-f]{12} \(process \d+ gone\)$/);
    expect(stopped.findings[1]?.evidence).toMatch(/never-started [0-9a-f]{12}$/);
    expect(rule(live, 'container-runtime-images').findings.map((f) => f.target).sort()).toEqual(['image/docker.io/library/busybox:1.35', 'image/registry.k8s.io/pause:3.9']);
    // Docker's container runs on the same containerd (namespace moby) and is never reported.
    const mobyIds = (r.sections.get('MOBY_IDS') ?? '').trim().split('\n').filter(Boolean);
    expect(mobyIds.length).toBe(1);
    expect(JSON.stringify(live.results)).not.toContain(mobyIds[0]);
    expect(pods.reason).toBe('containerd tasks of other namespaces left alone (not Kubernetes): 1 in moby');

    // The fix script removed them through containerd (ctr), and the Docker container is untouched.
    expect(r.sections.get('FIX_STATUS'), r.sections.get('FIX_OUT')).toMatch(/fix=0\s+run=0/);
    expect(r.sections.get('FIX_OUT')).toMatch(/ctr --address \/run\/containerd\/containerd\.sock --connect-timeout 5s --timeout 30s --namespace k8s\.io container delete [0-9a-f]{64}/);
    expect((r.sections.get('LEFT_IN_CONTAINERD') ?? '').trim()).toBe('');
    expect(r.sections.get('DOCKER_AFTER_FIX')).toMatch(/^web Up/m);
    // After removal through the runtime: nothing, and nothing unchecked.
    const removed = report(r, 'REMOVED');
    expect(removed.results.flatMap((x) => x.findings.map((f) => `${x.ruleId} ${f.target}`))).toEqual([]);
    expect(removed.results.filter((x) => x.status === 'unchecked')).toEqual([]);

    // Dead containerd (a stale socket, one that never answers, one that never answers a call): ctr gives up within
    // its timeouts and the runtime-client rules are answered from containerd's database file instead (issue 8),
    // which holds nothing of Kubernetes any more: clean, not unchecked, within the limit.
    expect(r.sections.get('STALE_SOCKET')).toContain('socket-present');
    for (const tag of ['STALE', 'BLACKHOLE', 'H2HANG']) {
      const rep = report(r, tag);
      for (const id of RUNTIME_CLIENT_RULES) {
        expect(rule(rep, id).status, `${tag} ${id}`).toBe('clean');
        expect(rule(rep, id).reason, `${tag} ${id}`).toMatch(
          /^containerd's metadata read from \/var\/lib\/containerd\/io\.containerd\.metadata\.v1\.bolt\/meta\.db \(containerd at \/run\/containerd\/containerd\.sock did not answer: ctr /,
        );
      }
      expect(rule(rep, 'container-runtime-k8s-pods').status, tag).toBe('clean');
      expect(rep.results.filter((x) => x.status === 'unchecked').map((x) => x.ruleId), tag).toEqual([]);
      expect(Number(r.sections.get(`MS_${tag}`)), `${tag}: scan time`).toBeLessThan(5000);
    }
    expect(r.leftovers.processes).toEqual([]);
    expect(r.leftovers.cgroups).toEqual([]);
  }, 300_000);
});
