// What only containerd's metadata database holds (io.containerd.metadata.v1.bolt/meta.db, not readable while
// containerd runs): containers without a task (stopped, or never started) and images. Read with `ctr`, the
// client Debian's containerd package ships, always with BOTH timeouts: measured with containerd 1.6, ctr against
// a socket that accepts and never answers waits 10 s by default (--connect-timeout bounds that), and against one
// that completes the gRPC handshake and never answers it hangs until --timeout is given too
// (docs: fleet-runtime-facts.md §6.2). runTool's own kill timer is the last guard.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import type { ProbeContext } from '../context.js';
import { runTool } from '../exec.js';
import { CRI_NAMESPACE, containerdTask, type CriTask } from './state.js';

/** containerd's socket and metadata database for each state directory (upstream/Debian, then k3s/RKE2). */
export const CONTAINERD_INSTANCES: Record<string, { socket: string; metaDb: string }> = {
  '/run/containerd': { socket: '/run/containerd/containerd.sock', metaDb: '/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db' },
  '/run/k3s/containerd': {
    socket: '/run/k3s/containerd/containerd.sock',
    metaDb: '/var/lib/rancher/k3s/agent/containerd/io.containerd.metadata.v1.bolt/meta.db',
  },
};

export interface MetadataRead {
  ok: boolean;
  /** Why nothing could be read (then ok is false). */
  reason?: string;
  /** What could not be read although the rest was (too many containers, one info call failing). */
  partial?: string;
  /** CRI containers and sandboxes present in the metadata (running or not). */
  containers: CriTask[];
  images: string[];
}

/** At most this many `ctr containers info` calls per scan: each is a process start (~30 ms). */
const MAX_INFO_CALLS = 64;

/**
 * Whether a file contains the bytes of `text` anywhere (read in 1 MiB chunks). bbolt keeps bucket names as plain
 * bytes, so a metadata database without "k8s.io" never had the CRI namespace; one with it may (deleted buckets'
 * pages can linger), which is as much as can be said without containerd. Unreadable: assume it does.
 */
export function fileMentions(file: string, text: string): boolean {
  const needle = Buffer.from(text);
  const chunk = Buffer.alloc(1 << 20);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return true;
  }
  try {
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return false;
      const window = Buffer.concat([carry, chunk.subarray(0, n)]);
      if (window.includes(needle)) return true;
      carry = window.subarray(Math.max(0, window.length - needle.length + 1));
    }
  } catch {
    return true;
  } finally {
    closeSync(fd);
  }
}

export function ctrBudget(timeoutMs: number): { connectMs: number; callMs: number; killMs: number } {
  // The metadata is only part of what the probe reads: keep well inside the probe's own limit, so the on-disk
  // findings still come back when the runtime hangs.
  const callMs = Math.max(500, Math.min(10_000, Math.floor(timeoutMs * 0.4)));
  return { connectMs: Math.min(2000, callMs), callMs, killMs: callMs + 1000 };
}

function ctrArgs(socket: string, timeoutMs: number, args: readonly string[]): string[] {
  const b = ctrBudget(timeoutMs);
  return ['--address', socket, '--connect-timeout', `${b.connectMs}ms`, '--timeout', `${b.callMs}ms`, '--namespace', CRI_NAMESPACE, ...args];
}

interface CtrInfo {
  ID?: string;
  Image?: string;
  Labels?: Record<string, string>;
  Spec?: { annotations?: Record<string, string> } | { value?: string };
}

function annotationsOf(info: CtrInfo): Record<string, string> {
  const spec = info.Spec as { annotations?: Record<string, string>; value?: string } | undefined;
  if (spec?.annotations) return spec.annotations;
  if (typeof spec?.value === 'string') {
    // Older ctr prints the spec as a protobuf Any with base64 JSON.
    try {
      const decoded = JSON.parse(Buffer.from(spec.value, 'base64').toString('utf8')) as { annotations?: Record<string, string> };
      return decoded.annotations ?? {};
    } catch {
      return {};
    }
  }
  return {};
}

/** CRI labels the kubelet sets on every container (kept in the metadata, not in config.json). */
function fromLabels(labels: Record<string, string>, id: string): Omit<CriTask, 'stateDir' | 'namespace' | 'alive'> | undefined {
  const kind = labels['io.cri-containerd.kind'];
  if (kind !== 'sandbox' && kind !== 'container') return undefined;
  const podName = labels['io.kubernetes.pod.name'];
  const podNamespace = labels['io.kubernetes.pod.namespace'];
  if (!podName || !podNamespace) return undefined;
  return {
    runtime: 'containerd',
    id,
    type: kind,
    sandboxId: kind === 'sandbox' ? id : (labels['io.kubernetes.sandbox.id'] ?? ''),
    podName,
    podNamespace,
    podUid: labels['io.kubernetes.pod.uid'],
    containerName: kind === 'container' ? labels['io.kubernetes.container.name'] : undefined,
  };
}

function failure(reason: string): MetadataRead {
  return { ok: false, reason, containers: [], images: [] };
}

/** Reads containerd's metadata through `ctr` for one state directory. `ignoreIds`: ids already read from disk. */
export async function readContainerdMetadata(ctx: ProbeContext, stateDir: string, ignoreIds: ReadonlySet<string>): Promise<MetadataRead> {
  const inst = CONTAINERD_INSTANCES[stateDir];
  if (!inst) return failure(`no known socket for ${stateDir}`);
  const socketPresent = existsSync(ctx.hostPath(inst.socket));
  const dbPresent = existsSync(ctx.hostPath(inst.metaDb));
  if (!socketPresent && !dbPresent) return { ok: true, containers: [], images: [] };
  if (!ctx.onHost || !socketPresent) {
    // No containerd to ask (stopped, or another host's disk under --root): a database that never held the k8s.io
    // namespace (a Docker-only host) has no Kubernetes containers or images in it; otherwise nobody can tell.
    if (dbPresent && !fileMentions(ctx.hostPath(inst.metaDb), CRI_NAMESPACE)) return { ok: true, containers: [], images: [] };
    return failure(
      ctx.onHost
        ? `containerd is not running (no ${inst.socket}): stopped containers and images in ${inst.metaDb} cannot be read without it`
        : `containerd's metadata (${inst.metaDb}) is read through its socket, which only answers on the host itself, not under --root`,
    );
  }
  const kill = ctrBudget(ctx.timeoutMs).killMs;
  const [list, images] = await Promise.all([
    runTool('ctr', ctrArgs(inst.socket, ctx.timeoutMs, ['containers', 'list', '--quiet']), kill),
    runTool('ctr', ctrArgs(inst.socket, ctx.timeoutMs, ['images', 'list', '--quiet']), kill),
  ]);
  if (!list.ok) return failure(`containerd at ${inst.socket} did not answer: ${list.reason ?? 'ctr failed'}`);
  if (!images.ok) return failure(`containerd at ${inst.socket} did not answer: ${images.reason ?? 'ctr failed'}`);
  const ids = list.stdout.split('\n').map((s) => s.trim()).filter((s) => s !== '' && !ignoreIds.has(s));
  const containers: CriTask[] = [];
  let partial: string | undefined;
  for (const id of ids.slice(0, MAX_INFO_CALLS)) {
    const info = await runTool('ctr', ctrArgs(inst.socket, ctx.timeoutMs, ['containers', 'info', id]), kill);
    if (!info.ok) {
      partial = `ctr containers info ${id}: ${info.reason ?? 'failed'}`;
      break;
    }
    let parsed: CtrInfo;
    try {
      parsed = JSON.parse(info.stdout) as CtrInfo;
    } catch {
      continue;
    }
    const t = containerdTask(annotationsOf(parsed), id) ?? fromLabels(parsed.Labels ?? {}, id);
    if (t) containers.push({ ...t, image: t.image ?? parsed.Image, stateDir, namespace: CRI_NAMESPACE, alive: false });
  }
  if (ids.length > MAX_INFO_CALLS) partial = `only the first ${MAX_INFO_CALLS} of ${ids.length} containers without a live task were read`;
  // Image ids (sha256:...) are listed beside their names; a name says more, and every image has one.
  const imageNames = images.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('sha256:'));
  return { ok: true, partial, containers, images: imageNames };
}
