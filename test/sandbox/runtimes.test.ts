// The real-runtime harness (lib/runtimes.sh, runtimes.ts) itself: it starts nothing outside a sandbox, and a
// script that dies with daemons, shims, containers and their cgroups running leaves nothing on the host.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, requireRuntimesOrSkip, runWithRuntimes } from './runtimes.js';
import { SANDBOX_HOME } from './sandbox.js';

const skip = requireRuntimesOrSkip(['containerd', 'docker', 'podman', 'cni']);

describe('real-runtime harness', () => {
  it('refuses to start anything outside the sandbox', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-rt-outside.'));
    try {
      const r = spawnSync('bash', ['-c', '. "$1/lib/runtimes.sh" && kr_rt_start_containerd', 'bash', SANDBOX_HOME], {
        encoding: 'utf8',
        env: { ...process.env, KR_SANDBOX_DIR: dir, KR_RT_DIR: join(dir, 'rt') },
      });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/refusing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(skip !== undefined)('kr_rt_k8s_pod sets a pod network up with the real CNI plugins and kr_rt_cni DEL tears it down', () => {
    const r = runWithRuntimes({
      script: `
kr_rt_start_containerd
kr_rt_import_busybox_ctr k8s.io
sid=$(kr_rt_k8s_pod --name web-0 --port 8080:80 --container web='exec httpd -f -p 80 -h /var/www')
ns=$(ip netns list | awk '/^cni-/ { print $1 }')
state() {
  echo "netns $ns"
  ls /var/lib/cni/networks/k8s-pod-network | grep -v lock || true
  ls /var/lib/cni/results | grep -c -- "$sid" || true
  ip -o link show type veth | grep -c . || true
  iptables-nft-save -t nat | grep -c -- "$sid" || true
  kr_rt_ctr -n k8s.io tasks ls -q | sort
}
kr_rt_section BEFORE; state
kr_rt_section SANDBOX; echo "$sid"
kr_rt_section ANNOTATIONS; cat "/run/containerd/io.containerd.runtime.v2.task/k8s.io/$sid/config.json"; echo
kr_rt_cni DEL /etc/cni/net.d/10-containerd-net.conflist "$sid" "/run/netns/$ns" eth0 '[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]'
kr_rt_section AFTER; state`,
    });
    if (!r.completed) throw new Error(describeRun(r));
    const sid = (r.sections.get('SANDBOX') ?? '').trim();
    expect(sid).toMatch(/^[0-9a-f]{64}$/);
    const before = (r.sections.get('BEFORE') ?? '').split('\n');
    expect(before[0]).toMatch(/^netns cni-[0-9a-f-]{36}$/);
    // The IP reservation, the result caches (pod network + loopback), the veth, the portmap/masquerade rules, and two tasks (sandbox + web).
    expect(before.slice(1, 7)).toEqual(['10.244.0.2', 'last_reserved_ip.0', '2', '1', expect.stringMatching(/^[1-9]\d*$/) as string, expect.any(String) as string]);
    expect(before.filter((l) => /^[0-9a-f]{64}$/.test(l))).toHaveLength(2);
    const spec = JSON.parse(r.sections.get('ANNOTATIONS') ?? '{}') as { annotations?: Record<string, string> };
    expect(spec.annotations).toMatchObject({
      'io.kubernetes.cri.container-type': 'sandbox',
      'io.kubernetes.cri.sandbox-id': sid,
      'io.kubernetes.cri.sandbox-name': 'web-0',
      'io.kubernetes.cri.sandbox-namespace': 'default',
    });
    const after = (r.sections.get('AFTER') ?? '').split('\n');
    // DEL released the address and removed the veth, the rules and the pod network's cache (loopback's stays: it
    // was not DELeted here; the netns is the runtime's to delete).
    expect(after.slice(1, 5)).toEqual(['last_reserved_ip.0', '1', '0', '0']);
    expect(r.leftovers).toEqual({ cgroups: [], processes: [] });
  }, 180_000);

  it.skipIf(skip !== undefined)('a script that fails with containerd, dockerd, podman and a pod running leaves no process or cgroup', () => {
    const r = runWithRuntimes({
      script: `
kr_rt_start_dockerd
kr_rt_docker run -d --name web kr/busybox:1.35 sleep 2147483647 >/dev/null
kr_rt_start_podman
kr_rt_podman run -d --name pweb localhost/kr/busybox:1.35 sleep 2147483647 >/dev/null
kr_rt_import_busybox_ctr k8s.io
kr_rt_k8s_pod --name web-0 --port 8080:80 --container web='exec httpd -f -p 80' >/dev/null
kr_rt_section PIDS; kr_rt_engine_pids k8s.io; kr_rt_engine_pids moby; kr_rt_engine_pids podman
kr_rt_section CGROUPS; find /sys/fs/cgroup/memory -mindepth 1 -type d
trap - EXIT   # not even the harness's own stop: the sandbox must clean up alone
exit 7`,
    });
    expect(r.status).toBe(7);
    expect(r.completed).toBe(false);
    // It really ran: shims, conmon and containers, and their cgroups (kubepods, docker, libpod_parent).
    expect(r.sections.get('PIDS')).toMatch(/ containerd-shim\n/);
    expect(r.sections.get('PIDS')).toMatch(/ conmon\n/);
    expect(r.sections.get('CGROUPS')).toMatch(/\/kubepods\/besteffort\/pod/);
    expect(r.sections.get('CGROUPS')).toMatch(/\/docker\/[0-9a-f]{64}/);
    expect(r.sections.get('CGROUPS')).toMatch(/\/libpod_parent\//);
    expect(r.leftovers.processes).toEqual([]);
    expect(r.leftovers.cgroups).toEqual([]);
  }, 180_000);
});
