// TypeScript front end of the real-runtime harness (test/sandbox/lib/runtimes.sh): run a bash script in the
// namespace sandbox with runtimes.sh sourced and initialised, so the script can start Debian's real containerd,
// dockerd and podman there, build busybox images, create Kubernetes pods in containerd's k8s.io namespace and
// invoke the real CNI plugins. Afterwards it checks on the host that nothing of the run survived: no process of
// the sandbox's PID namespace, no kr-sandbox-<pid> cgroup.
//
//   const skip = requireRuntimesOrSkip(['containerd', 'cni']);   // throws on CI when something is missing
//   describe.skipIf(skip !== undefined)('...', () => {
//     const r = runWithRuntimes({ script: `
//       kr_rt_start_containerd
//       kr_rt_import_busybox_ctr k8s.io
//       kr_rt_k8s_pod --name web-0 --port 8080:80 --container web='httpd -f -p 80'
//       kr_rt_section SCAN; node dist/kube-residue.cjs scan --format json || true` });
//     r.sections.get('SCAN'); r.planted; r.leftovers
//   });
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import {
  hostSandboxCgroups,
  parseManifest,
  runInSandbox,
  sandboxAvailable,
  type PlantedItem,
  type SandboxResult,
} from './sandbox.js';
import { IN_CI, RUNTIME_PACKAGES_HIDDEN } from '../helpers/ci.js';

export type Runtime = 'containerd' | 'docker' | 'podman' | 'cni';

/** What each runtime needs on the machine (Debian packages in parentheses in the skip reason). */
const NEEDS: Record<Runtime, { commands: string[]; files: string[]; packages: string }> = {
  containerd: { commands: ['containerd', 'ctr', 'containerd-shim-runc-v2', 'runc', 'busybox'], files: [], packages: 'containerd runc busybox-static' },
  docker: { commands: ['dockerd', 'docker', 'docker-proxy', 'containerd', 'runc', 'busybox'], files: [], packages: 'docker.io busybox-static' },
  podman: { commands: ['podman', 'conmon', 'runc', 'busybox'], files: ['/usr/lib/cni/bridge'], packages: 'podman busybox-static' },
  cni: {
    commands: ['ip', 'iptables'],
    files: ['bridge', 'host-local', 'portmap', 'loopback'].map((p) => `/usr/lib/cni/${p}`),
    packages: 'containernetworking-plugins iproute2 iptables',
  },
};

function hasCommand(c: string): boolean {
  return spawnSync('sh', ['-c', `command -v "$1" >/dev/null 2>&1`, 'sh', c]).status === 0;
}

function executable(f: string): boolean {
  try {
    accessSync(f, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Is busybox the static build (the images have no loader or libc)? */
function busyboxStatic(): boolean {
  const r = spawnSync('sh', ['-c', 'LC_ALL=C file -L "$(command -v busybox)"'], { encoding: 'utf8' });
  // Without `file`, trust the package: busybox-static is what .ci/install-test-deps installs.
  if (r.status !== 0) return true;
  return !r.stdout.includes('dynamically linked');
}

/** Can this machine run the given runtimes in the sandbox? Reason names the missing parts. */
export function runtimesAvailable(needed: readonly Runtime[]): { ok: true } | { ok: false; reason: string } {
  const sb = sandboxAvailable();
  if (!sb.ok) return sb;
  if (!hasCommand('node')) return { ok: false, reason: 'node is not on PATH inside the sandbox' };
  const missing: string[] = [];
  const packages = new Set<string>();
  for (const rt of needed) {
    const n = NEEDS[rt];
    const gone = [...n.commands.filter((c) => !hasCommand(c)), ...n.files.filter((f) => !executable(f))];
    if (gone.length > 0) {
      missing.push(...gone);
      packages.add(n.packages);
    }
  }
  if (missing.length === 0 && needed.some((rt) => NEEDS[rt].commands.includes('busybox')) && !busyboxStatic()) {
    missing.push('a static busybox');
    packages.add('busybox-static');
  }
  if (missing.length > 0) {
    return { ok: false, reason: `missing ${[...new Set(missing)].join(', ')} (apt-get install ${[...packages].join(' ')})` };
  }
  return { ok: true };
}

/**
 * undefined when the sandbox and the runtimes can be used; otherwise the reason to skip. On CI (CI=true) a
 * missing part is an error: this throws instead of skipping — unless test/without-runtime-packages.sh hides them.
 */
export function requireRuntimesOrSkip(needed: readonly Runtime[]): string | undefined {
  const a = runtimesAvailable(needed);
  if (a.ok) return undefined;
  if (IN_CI && !RUNTIME_PACKAGES_HIDDEN) throw new Error(`real runtimes are required on CI but unavailable: ${a.reason}`);
  return a.reason;
}

export interface RuntimeRunOptions {
  /** bash run after `set -euo pipefail; . lib/runtimes.sh; kr_rt_init`, in the project root. */
  script: string;
  /** Scenarios planted before the script (test/sandbox/scenarios). */
  scenarios?: string[];
  env?: Record<string, string>;
  /** Default 150 s. */
  timeoutMs?: number;
  keep?: boolean;
  /**
   * Default 'keep': the machine's runtime configuration and units (the packages' /etc/containerd, /etc/cni,
   * /etc/containers, containerd.service ...) are visible, as on a host with the packages installed; their
   * run-time state is removed inside the sandbox by kr_rt_init (kr_rt_fresh_host). 'hide' hides them all.
   */
  hostRuntime?: 'hide' | 'keep';
}

export interface Leftovers {
  /** kr-sandbox-<pid> cgroup dirs still on the host after the run. */
  cgroups: string[];
  /** `pid comm` of processes of the run still alive (its PID namespace or its cgroups). */
  processes: string[];
}

export interface RuntimeRun extends SandboxResult {
  /** Output sections: text printed after `kr_rt_section NAME` up to the next section. */
  sections: Map<string, string>;
  /** $KR_SANDBOX_DIR/planted.tsv at the end of the script: what the scenarios and runtimes.sh created. */
  planted: PlantedItem[];
  /** What survived the run on the host (must be empty). */
  leftovers: Leftovers;
  /** true when the script ran to its end. */
  completed: boolean;
}

const SECTION = /^=====KR:([A-Z0-9_]+)=====\n/m;

/** Split stdout into the sections printed by kr_rt_section (bash) / `=====KR:NAME=====` lines. */
export function parseSections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = stdout.split(new RegExp(SECTION.source, 'gm'));
  for (let i = 1; i < parts.length; i += 2) out.set(parts[i] ?? '', parts[i + 1] ?? '');
  return out;
}

/**
 * Processes (`pid comm`) of one sandbox run still alive: in its PID namespace (inode `inode`) or in its
 * kr-sandbox-<sandboxPid> cgroups. A namespace inode is reused once the namespace is gone, so a process in a
 * namespace with the same inode counts only when it is also in this run's cgroups or the namespace inode is
 * one of this run's (checked while its cgroups would still exist).
 */
export function sandboxProcesses(inode: string, sandboxPid: number): string[] {
  const out: string[] = [];
  const ours = new RegExp(`/kr-sandbox-${sandboxPid}(/|$)`, 'm');
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const inNs = readlinkSync(`/proc/${name}/ns/pid`) === `pid:[${inode}]`;
      const cg = readFileSync(`/proc/${name}/cgroup`, 'utf8');
      // Another sandbox run may have been given the same namespace inode after ours ended: its processes are in
      // its own kr-sandbox-<pid> cgroups.
      const inOtherSandbox = /\/kr-sandbox-\d+(\/|$)/m.test(cg) && !ours.test(cg);
      if (!(ours.test(cg) || (inNs && !inOtherSandbox))) continue;
      out.push(`${name} ${readFileSync(`/proc/${name}/comm`, 'utf8').trim()}`);
    } catch {
      // gone meanwhile, or not readable: not a leftover we can see
    }
  }
  return out;
}

const PRELUDE = `set -euo pipefail
. "$KR_SANDBOX_HOME/lib/runtimes.sh"
kr_rt_init
kr_rt_section PIDNS
stat -L -c %i /proc/self/ns/pid
`;
const EPILOGUE = `
kr_rt_section MANIFEST
cat "$KR_SANDBOX_DIR/planted.tsv"
kr_rt_section END
`;

/** Run `script` in a fresh sandbox with runtimes.sh ready; check afterwards that nothing of it survived. */
export function runWithRuntimes(opts: RuntimeRunOptions): RuntimeRun {
  const r = runInSandbox({
    scenarios: opts.scenarios ?? [],
    command: ['bash', '-c', `${PRELUDE}${opts.script}\n${EPILOGUE}`],
    timeoutMs: opts.timeoutMs ?? 150_000,
    hostRuntime: opts.hostRuntime ?? 'keep',
    ...(opts.env !== undefined ? { env: opts.env } : {}),
    ...(opts.keep !== undefined ? { keep: opts.keep } : {}),
  });
  const sections = parseSections(r.stdout);
  const inode = (sections.get('PIDNS') ?? '').trim();
  const leftovers: Leftovers = {
    cgroups: hostSandboxCgroups(r.pid),
    processes: /^\d+$/.test(inode) ? sandboxProcesses(inode, r.pid) : [],
  };
  const completed = sections.has('END');
  return {
    ...r,
    sections,
    planted: completed ? parseManifest(sections.get('MANIFEST') ?? '') : [],
    leftovers,
    completed,
  };
}

/** Error text for a run that did not complete: status, the end of stderr and stdout. */
export function describeRun(r: RuntimeRun): string {
  return `sandbox run ${r.completed ? 'completed' : 'did not complete'} (status ${r.status}${r.timedOut ? ', timed out' : ''}, ${r.durationMs} ms)\n--- stderr\n${r.stderr.slice(-6000)}\n--- stdout\n${r.stdout.slice(-3000)}`;
}
