// TypeScript front end of the kr-sandbox harness (test/sandbox/sandbox.sh).
//
//   const skip = requireSandboxOrSkip();          // throws on CI when unavailable
//   describe.skipIf(skip !== undefined)('...', () => {
//     const r = runInSandbox({ scenarios: ['user-state', 'remove-node'], command: ['node', 'dist/kube-residue.cjs', 'scan'] });
//   });
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SANDBOX_HOME = dirname(fileURLToPath(import.meta.url));
export const SANDBOX_SCRIPT = join(SANDBOX_HOME, 'sandbox.sh');
export const CLEANUP_STALE_SCRIPT = join(SANDBOX_HOME, 'cleanup-stale.sh');
export const PROJECT_ROOT = resolve(SANDBOX_HOME, '..', '..');

/** Exit status of sandbox.sh when the harness itself or a planting script failed. */
export const EX_HARNESS = 125;

export const SCENARIOS = [
  'clean',
  'user-state',
  'kubespray-reset',
  'remove-node',
  'calico-cgroup',
  'rancher',
  'hostile',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** Scenarios that plant Kubernetes residue (tests combine each with 'user-state'). */
export const RESIDUE_SCENARIOS: readonly ScenarioName[] = [
  'kubespray-reset',
  'remove-node',
  'calico-cgroup',
  'rancher',
];

/** Commands the harness and the planting scripts need (apt: iptables iproute2 util-linux perl-base). */
const REQUIRED_COMMANDS = [
  'bash',
  'unshare',
  'mount',
  'umount',
  'ip',
  'ss',
  'perl',
  'iptables-nft-restore',
  'ip6tables-nft-restore',
  'iptables-legacy-restore',
  'ip6tables-legacy-restore',
  'iptables-nft-save',
  'iptables-legacy-save',
] as const;

export type SandboxAvailability = { ok: true } | { ok: false; reason: string };

export interface RunInSandboxOptions {
  /** Scenario names (test/sandbox/scenarios/<name>.sh) or paths of extra planting scripts, planted in order. */
  scenarios: string[];
  /** Command and arguments run inside the sandbox (no shell unless you pass one). */
  command: string[];
  /** Extra environment for the command (merged over process.env). */
  env?: Record<string, string>;
  /** Kill the run (SIGTERM, then the harness cleans up) after this many ms. Default 60 000. */
  timeoutMs?: number;
  /** Keep the work dir; its path is then reported in `workDir`. */
  keep?: boolean;
  /** Working directory of the command (must be visible in the sandbox). Default: the project root. */
  cwd?: string;
  /** Data written to the command's stdin. */
  input?: string;
  /**
   * The machine's own container runtime and Kubernetes configuration, state and units (containerd, Docker,
   * Podman, CNI plugins...): hidden inside the sandbox by default so no test depends on what is installed;
   * 'keep' shows them (a test of an idle host with those packages).
   */
  hostRuntime?: 'hide' | 'keep';
}

export interface SandboxResult {
  /** The command's exit status; 125 = harness/planting failure; 128+N = killed by signal N. */
  status: number;
  stdout: string;
  stderr: string;
  /** pid of sandbox.sh: its cgroups are named kr-sandbox-<pid>. */
  pid: number;
  /** true when timeoutMs expired. */
  timedOut: boolean;
  /** Wall-clock duration of the whole run in ms. */
  durationMs: number;
  /** With keep: the work dir that was kept. */
  workDir?: string;
}

let cached: SandboxAvailability | undefined;

function sh(script: string, timeoutMs = 20_000): { status: number; output: string } {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function probe(): SandboxAvailability {
  if (process.platform !== 'linux') return { ok: false, reason: `needs Linux (platform is ${process.platform})` };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: 'needs root (run the tests as root)' };
  }
  if (!existsSync(SANDBOX_SCRIPT)) return { ok: false, reason: `missing ${SANDBOX_SCRIPT}` };
  const missing = REQUIRED_COMMANDS.filter((c) => sh(`command -v ${c} >/dev/null 2>&1`).status !== 0);
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `missing commands: ${missing.join(', ')} (apt-get install -y iptables iproute2 util-linux perl-base)`,
    };
  }
  const ns = sh('unshare --mount --net --pid --uts --cgroup --fork --mount-proc --propagation private true');
  if (ns.status !== 0) return { ok: false, reason: `unshare of mount/net/pid/uts/cgroup namespaces failed: ${ns.output}` };
  const dir = mkdtempSync(join(tmpdir(), 'kr-sandbox-probe.'));
  try {
    const ov = sh(
      `cd '${dir}' && mkdir lower upper work merged && echo x > lower/f && ` +
        `unshare --mount --propagation private sh -c ` +
        `'mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work merged && echo y > merged/f && test "$(cat lower/f)" = x'`,
    );
    if (ov.status !== 0) return { ok: false, reason: `overlayfs mount failed: ${ov.output}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!existsSync('/sys/fs/cgroup') || sh('grep -qE " (cgroup|cgroup2) " /proc/self/mountinfo').status !== 0) {
    return { ok: false, reason: 'no cgroup hierarchy mounted under /sys/fs/cgroup' };
  }
  return { ok: true };
}

/** Can this machine run the sandbox (root, namespaces, overlayfs, tools)? Cached. */
export function sandboxAvailable(): SandboxAvailability {
  cached ??= probe();
  return cached;
}

function isCi(): boolean {
  const v = (process.env['CI'] ?? '').toLowerCase();
  return v === 'true' || v === '1';
}

/**
 * undefined when the sandbox can be used; otherwise the reason to skip.
 * On CI (CI=true) an unavailable sandbox is an error: this throws instead of skipping.
 */
export function requireSandboxOrSkip(): string | undefined {
  const a = sandboxAvailable();
  if (a.ok) return undefined;
  if (isCi()) throw new Error(`kr-sandbox is required on CI but unavailable: ${a.reason}`);
  return a.reason;
}

/** Build a dirty node from `scenarios`, run `command` in it, tear everything down. */
export function runInSandbox(opts: RunInSandboxOptions): SandboxResult {
  if (opts.command.length === 0) throw new Error('runInSandbox: empty command');
  const args = [SANDBOX_SCRIPT];
  for (const s of opts.scenarios) args.push('--scenario', s);
  if (opts.keep === true) args.push('--keep');
  if (opts.hostRuntime === 'keep') args.push('--keep-host-runtime');
  args.push('--', ...opts.command);
  const started = Date.now();
  const r = spawnSync('bash', args, {
    cwd: opts.cwd ?? PROJECT_ROOT,
    env: { ...process.env, KR_SANDBOX_HOST_RUNTIME: opts.hostRuntime ?? 'hide', ...(opts.env ?? {}) },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGTERM',
    maxBuffer: 256 * 1024 * 1024,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  const durationMs = Date.now() - started;
  const err = r.error as (Error & { code?: string }) | undefined;
  if (err !== undefined && err.code !== 'ETIMEDOUT') throw err;
  let status: number;
  if (r.status !== null) status = r.status;
  else if (r.signal !== null) status = 128 + signalNumber(r.signal);
  else status = -1;
  const stderr = r.stderr ?? '';
  const kept = /^kr-sandbox: kept work dir (.+)$/m.exec(stderr);
  return {
    status,
    stdout: r.stdout ?? '',
    stderr,
    pid: r.pid ?? 0,
    timedOut: err?.code === 'ETIMEDOUT',
    durationMs,
    ...(kept?.[1] !== undefined ? { workDir: kept[1] } : {}),
  };
}

function signalNumber(sig: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return table[sig] ?? 0;
}

/** One line of $KR_SANDBOX_DIR/planted.tsv. */
export interface PlantedItem {
  scenario: string;
  /** 'residue' = Kubernetes leftovers to report; 'user' = state that must never be reported or touched. */
  class: 'residue' | 'user';
  kind:
    | 'path'
    | 'mount'
    | 'cgroup'
    | 'interface'
    | 'netns'
    | 'iptables-chain'
    | 'nft-table'
    | 'ipset'
    | 'process'
    | 'port';
  id: string;
}

const KINDS = new Set<string>([
  'path',
  'mount',
  'cgroup',
  'interface',
  'netns',
  'iptables-chain',
  'nft-table',
  'ipset',
  'process',
  'port',
]);

/** Parse planted.tsv (scenario TAB class TAB kind TAB id). */
export function parseManifest(text: string): PlantedItem[] {
  const out: PlantedItem[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [scenario, cls, kind, ...rest] = line.split('\t');
    const id = rest.join('\t');
    if (scenario === undefined || kind === undefined || id === '' || !KINDS.has(kind)) {
      throw new Error(`bad manifest line: ${JSON.stringify(line)}`);
    }
    if (cls !== 'residue' && cls !== 'user') throw new Error(`bad manifest class: ${JSON.stringify(line)}`);
    out.push({ scenario, class: cls, kind: kind as PlantedItem['kind'], id });
  }
  return out;
}

/** kr-sandbox-* cgroup directories currently on the host (optionally only those of one sandbox.sh pid). */
export function hostSandboxCgroups(pid?: number): string[] {
  const name = pid === undefined ? 'kr-sandbox-*' : `kr-sandbox-${pid}`;
  const r = spawnSync('find', ['/sys/fs/cgroup', '-maxdepth', '8', '-type', 'd', '-name', name, '-prune'], {
    encoding: 'utf8',
  });
  return (r.stdout ?? '')
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}
