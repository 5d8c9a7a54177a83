// What only containerd's metadata database holds (io.containerd.metadata.v1.bolt/meta.db): containers without a
// task (stopped, or never started) and images. While containerd answers on its socket it is asked with `ctr`, the
// client Debian's containerd package ships (a live database can be mid-write), always with BOTH timeouts:
// measured with containerd 1.6, ctr against a socket that accepts and never answers waits 10 s by default
// (--connect-timeout bounds that), and against one that completes the gRPC handshake and never answers it hangs
// until --timeout is given too (docs: fleet-runtime-facts.md §6.2). runTool's own kill timer is the last guard.
// When nothing answers (no socket, a dead or hung containerd) and under --root (another host's disk), the file
// itself is read: plain reads of a read-only descriptor (never a lock, never a write), decoded by the bbolt
// reader, and kept only when no transaction committed while it was read.
import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { BoltError, BoltReader, type ByteSource } from '../../parsers/bbolt.js';
import { readNamespace } from '../../parsers/containerd-metadata.js';
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
  /** Where the metadata came from when it was not containerd itself (its database file, and why). */
  source?: string;
  /** CRI containers and sandboxes present in the metadata (running or not). */
  containers: CriTask[];
  images: string[];
}

/** At most this many `ctr containers info` calls per scan: each is a process start (~30 ms). */
const MAX_INFO_CALLS = 64;

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

/** A file as a ByteSource: positioned reads of a descriptor opened read-only. */
function fileSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.alloc(n);
      let got = 0;
      while (got < n) {
        const r = readSync(fd, buf, got, n - got, offset + got);
        if (r === 0) break;
        got += r;
      }
      return buf.subarray(0, got);
    },
  };
}

/** A container record of the k8s.io namespace as a stopped CRI task (undefined: not a CRI container). */
function criContainer(stateDir: string, id: string, annotations: Record<string, string>, labels: Record<string, string>, image: string | undefined): CriTask | undefined {
  const t = containerdTask(annotations, id) ?? fromLabels(labels, id);
  return t ? { ...t, image: t.image ?? image, stateDir, namespace: CRI_NAMESPACE, alive: false } : undefined;
}

/** Image ids (sha256:...) are listed beside their names; a name says more, and every image has one. */
const named = (images: readonly string[]): string[] => images.filter((s) => s !== '' && !s.startsWith('sha256:'));

/**
 * Reads the k8s.io namespace of a metadata database file. Only that namespace is decoded: Docker's (moby) and
 * ctr's (default) are never Kubernetes. A commit during the read (a containerd that is hung but alive) is seen
 * by the meta page's txid and the read is repeated, at most three times.
 */
export function readMetaDbFile(file: string, stateDir: string, ignoreIds: ReadonlySet<string>, deadline: number): MetadataRead {
  let fd: number;
  try {
    // Non-blocking: a FIFO planted where the database should be (a hostile --root) must not stall the scan.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return failure(`${file} cannot be opened: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return failure(`${file} is not a regular file`);
    const src = fileSource(fd, st.size);
    for (let attempt = 0; attempt < 3; attempt++) {
      const reader = new BoltReader(src, { deadline });
      const ns = readNamespace(reader, CRI_NAMESPACE);
      if (!reader.unchanged()) continue;
      const containers = ns.containers
        .filter((c) => !ignoreIds.has(c.id))
        .flatMap((c) => criContainer(stateDir, c.id, c.annotations, c.labels, c.image) ?? []);
      return { ok: true, containers, images: named(ns.images) };
    }
    return failure(`${file} changed on every read (containerd is writing it)`);
  } catch (err) {
    if (err instanceof BoltError || err instanceof RangeError) return failure(`${file} could not be read: ${err.message}`);
    return failure(`${file} could not be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads containerd's metadata for one state directory: through `ctr` while containerd answers, else from its
 * database file. `ignoreIds`: ids already read from disk.
 */
export async function readContainerdMetadata(ctx: ProbeContext, stateDir: string, ignoreIds: ReadonlySet<string>): Promise<MetadataRead> {
  const inst = CONTAINERD_INSTANCES[stateDir];
  if (!inst) return failure(`no known socket for ${stateDir}`);
  const socketPresent = existsSync(ctx.hostPath(inst.socket));
  const dbPresent = existsSync(ctx.hostPath(inst.metaDb));
  if (!socketPresent && !dbPresent) return { ok: true, containers: [], images: [] };
  let why = ctx.onHost ? `containerd is not running (no ${inst.socket})` : "another host's disk, under --root";
  if (ctx.onHost && socketPresent) {
    const viaCtr = await readWithCtr(ctx, inst.socket, stateDir, ignoreIds);
    if (viaCtr.ok) return viaCtr;
    why = viaCtr.reason ?? `containerd at ${inst.socket} did not answer`;
    if (!dbPresent) return viaCtr;
  }
  // A fifth of the probe's time limit: the file is a few MiB, read in milliseconds; ctr may have used its part.
  // Followed inside --root: a symlinked meta.db on a mounted disk never reaches the scanning machine's files.
  const file = ctx.hostPathFollow(inst.metaDb);
  const read = readMetaDbFile(file, stateDir, ignoreIds, Date.now() + Math.max(200, Math.floor(ctx.timeoutMs * 0.2)));
  if (!read.ok) return failure(`${why}; its metadata database ${(read.reason ?? 'could not be read').replace(file, inst.metaDb)}`);
  return { ...read, source: `read from ${inst.metaDb} (${why})` };
}

/** Reads containerd's metadata through `ctr`. */
async function readWithCtr(ctx: ProbeContext, socket: string, stateDir: string, ignoreIds: ReadonlySet<string>): Promise<MetadataRead> {
  const kill = ctrBudget(ctx.timeoutMs).killMs;
  const [list, images] = await Promise.all([
    runTool('ctr', ctrArgs(socket, ctx.timeoutMs, ['containers', 'list', '--quiet']), kill),
    runTool('ctr', ctrArgs(socket, ctx.timeoutMs, ['images', 'list', '--quiet']), kill),
  ]);
  if (!list.ok) return failure(`containerd at ${socket} did not answer: ${list.reason ?? 'ctr failed'}`);
  if (!images.ok) return failure(`containerd at ${socket} did not answer: ${images.reason ?? 'ctr failed'}`);
  const ids = list.stdout.split('\n').map((s) => s.trim()).filter((s) => s !== '' && !ignoreIds.has(s));
  const containers: CriTask[] = [];
  let partial: string | undefined;
  for (const id of ids.slice(0, MAX_INFO_CALLS)) {
    const info = await runTool('ctr', ctrArgs(socket, ctx.timeoutMs, ['containers', 'info', id]), kill);
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
    const t = criContainer(stateDir, id, annotationsOf(parsed), parsed.Labels ?? {}, parsed.Image);
    if (t) containers.push(t);
  }
  if (ids.length > MAX_INFO_CALLS) partial = `only the first ${MAX_INFO_CALLS} of ${ids.length} containers without a live task were read`;
  return { ok: true, partial, containers, images: named(images.stdout.split('\n').map((s) => s.trim())) };
}
