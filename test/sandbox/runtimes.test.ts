// The real-runtime harness (lib/runtimes.sh, runtimes.ts) itself: it starts nothing outside a sandbox, and a
// script that dies with daemons, shims, containers and their cgroups running leaves nothing on the host.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireRuntimesOrSkip, runWithRuntimes } from './runtimes.js';
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
