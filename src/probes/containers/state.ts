// The container runtimes' own state on disk, read without any client (so it never hangs on a dead runtime):
//
//   containerd  <state>/io.containerd.runtime.v2.task/<namespace>/<id>/{config.json,init.pid}
//               state /run/containerd, and /run/k3s/containerd on k3s and RKE2. A bundle exists from task
//               creation until `task delete`; config.json is the OCI spec whose annotations the CRI plugin
//               fills (io.kubernetes.cri.*). Only the `k8s.io` namespace is the CRI's: moby (Docker), default
//               (ctr) and any other namespace are never Kubernetes.
//   CRI-O       <runroot>/overlay-containers/<id>/userdata/{config.json,pidfile}, runroot /run/containers/storage
//               (tmpfs: the containers of this boot), and the same under the graph root /var/lib/containers/storage
//               (every container still present, running or not). CRI-O writes config.json into both
//               (server/container_create_linux.go). Podman shares these directories: its containers carry
//               `io.container.manager: libpod` and no io.kubernetes.cri-o.ContainerType, and never count.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { ProbeContext } from '../context.js';

export type CriRuntime = 'containerd' | 'cri-o';

/** One CRI container or pod sandbox, as its runtime's files describe it. */
export interface CriTask {
  runtime: CriRuntime;
  /** containerd's state directory or CRI-O's run/graph root, as a host path. */
  stateDir: string;
  /** containerd namespace (always k8s.io here) or `cri-o`. */
  namespace: string;
  id: string;
  type: 'sandbox' | 'container';
  sandboxId: string;
  podName: string;
  podNamespace: string;
  podUid?: string;
  containerName?: string;
  image?: string;
  /** The container's init process, when its pid file names a live process that is this container's. */
  pid?: number;
  /** Pid named by the pid file, whether alive or not (for evidence). */
  pidFromFile?: number;
  alive: boolean;
}

/** The state directories containerd uses: upstream/Debian and k3s/RKE2. */
export const CONTAINERD_STATE_DIRS = ['/run/containerd', '/run/k3s/containerd'] as const;
export const CRIO_RUN_ROOT = '/run/containers/storage';
export const CRIO_GRAPH_ROOT = '/var/lib/containers/storage';

export const CRI_NAMESPACE = 'k8s.io';

const CRI = 'io.kubernetes.cri.';
const CRIO = 'io.kubernetes.cri-o.';

type Annotations = Record<string, string>;

function readAnnotations(file: string): Annotations | undefined {
  let spec: unknown;
  try {
    spec = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const a = (spec as { annotations?: unknown } | null)?.annotations;
  if (!a || typeof a !== 'object') return {};
  const out: Annotations = {};
  for (const [k, v] of Object.entries(a as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

function readPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A directory's entries; undefined when it is not there. A directory that is there but cannot be read (the
 * runtimes' state is root-only) is added to `unreadable` as the host path: its rules cannot be answered.
 */
function listDir(ctx: ProbeContext, dir: string, unreadable: string[]): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') unreadable.push(`${ctx.toHostPath(dir)} (${code ?? 'unreadable'})`);
    return undefined;
  }
}

/**
 * A pid file's pid is this container's process only if the process exists and its cgroup path names the
 * container id (cri-containerd-<id>.scope, crio-<id>.scope, /k8s.io/<id>): a pid reused after a crash is not.
 * When the cgroup file cannot be read the process's existence is all there is.
 */
export function liveContainerPid(ctx: ProbeContext, pid: number | undefined, id: string): number | undefined {
  if (pid === undefined) return undefined;
  const base = ctx.hostPath(`/proc/${pid}`);
  let cgroup: string;
  try {
    cgroup = readFileSync(`${base}/cgroup`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ESRCH' ? undefined : pid;
  }
  return cgroup.includes(id) ? pid : undefined;
}

/** containerd CRI annotations → a task; undefined for anything the CRI did not create. */
export function containerdTask(a: Annotations, id: string): Omit<CriTask, 'stateDir' | 'namespace' | 'alive'> | undefined {
  const type = a[`${CRI}container-type`];
  if (type !== 'sandbox' && type !== 'container') return undefined;
  const sandboxId = a[`${CRI}sandbox-id`] ?? (type === 'sandbox' ? id : undefined);
  const podName = a[`${CRI}sandbox-name`];
  const podNamespace = a[`${CRI}sandbox-namespace`];
  if (!sandboxId || !podName || !podNamespace) return undefined;
  return {
    runtime: 'containerd',
    id,
    type,
    sandboxId,
    podName,
    podNamespace,
    podUid: a[`${CRI}sandbox-uid`],
    containerName: type === 'container' ? a[`${CRI}container-name`] : undefined,
    image: type === 'container' ? a[`${CRI}image-name`] : (a[`${CRI}podsandbox.image-name`] ?? undefined),
  };
}

function jsonField(text: string | undefined, key: string): string | undefined {
  if (!text) return undefined;
  try {
    const v = (JSON.parse(text) as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** CRI-O annotations → a task; undefined for podman's containers and anything else. */
export function crioTask(a: Annotations, id: string): Omit<CriTask, 'stateDir' | 'namespace' | 'alive'> | undefined {
  const type = a[`${CRIO}ContainerType`];
  if (type !== 'sandbox' && type !== 'container') return undefined;
  if (a['io.container.manager'] === 'libpod') return undefined;
  const labels = a[`${CRIO}Labels`];
  const sandboxId = a[`${CRIO}SandboxID`] ?? (type === 'sandbox' ? id : undefined);
  // The kubelet's labels (io.kubernetes.pod.name ...) travel in io.kubernetes.cri-o.Labels; the sandbox also has
  // KubeName (the pod's name) and Namespace.
  const podName = jsonField(labels, 'io.kubernetes.pod.name') ?? a['io.kubernetes.pod.name'] ?? (type === 'sandbox' ? a[`${CRIO}KubeName`] : undefined);
  const podNamespace = jsonField(labels, 'io.kubernetes.pod.namespace') ?? a['io.kubernetes.pod.namespace'] ?? a[`${CRIO}Namespace`];
  if (!sandboxId || !podName || !podNamespace) return undefined;
  const containerName = type === 'container' ? (jsonField(labels, 'io.kubernetes.container.name') ?? jsonField(a[`${CRIO}Metadata`], 'name')) : undefined;
  return {
    runtime: 'cri-o',
    id,
    type,
    sandboxId,
    podName,
    podNamespace,
    podUid: jsonField(labels, 'io.kubernetes.pod.uid') ?? a['io.kubernetes.pod.uid'],
    containerName,
    image: a[`${CRIO}ImageName`] ?? a[`${CRIO}Image`],
  };
}

export interface StateRead {
  /** CRI tasks with a bundle (containerd) or a run-root entry (CRI-O). */
  tasks: CriTask[];
  /** CRI-O containers present in the graph root but not in the run root (stopped, or from before a reboot). */
  crioStored: CriTask[];
  /** How many bundles of other containerd namespaces (moby, default...) were seen and left alone. */
  otherNamespaces: Record<string, number>;
  /** Directories that exist but could not be read (not root): their rules cannot be answered. */
  unreadable: string[];
}

function readContainerd(ctx: ProbeContext, out: StateRead): void {
  for (const stateDir of CONTAINERD_STATE_DIRS) {
    const state = ctx.hostPath(stateDir);
    if (listDir(ctx, state, out.unreadable) === undefined) continue;
    const taskRoot = `${state}/io.containerd.runtime.v2.task`;
    const namespaces = listDir(ctx, taskRoot, out.unreadable);
    if (namespaces === undefined) continue;
    for (const ns of namespaces) {
      const ids = listDir(ctx, `${taskRoot}/${ns}`, out.unreadable);
      if (ids === undefined) continue;
      if (ns !== CRI_NAMESPACE) {
        out.otherNamespaces[ns] = (out.otherNamespaces[ns] ?? 0) + ids.length;
        continue;
      }
      for (const id of ids) {
        const dir = `${taskRoot}/${ns}/${id}`;
        const a = readAnnotations(`${dir}/config.json`);
        if (a === undefined) {
          // A bundle dir exists but its spec is unreadable: permission, or a half-deleted bundle.
          listDir(ctx, dir, out.unreadable);
          continue;
        }
        const t = containerdTask(a, id);
        if (!t) continue;
        const pidFromFile = readPid(`${dir}/init.pid`);
        const pid = liveContainerPid(ctx, pidFromFile, id);
        out.tasks.push({ ...t, stateDir, namespace: ns, pidFromFile, pid, alive: pid !== undefined });
      }
    }
  }
}

function readCrioRoot(ctx: ProbeContext, root: string, withPid: boolean, unreadable: string[]): CriTask[] {
  const dir = ctx.hostPath(`${root}/overlay-containers`);
  const ids = listDir(ctx, dir, unreadable);
  if (ids === undefined) return [];
  const tasks: CriTask[] = [];
  for (const id of ids) {
    if (!/^[0-9a-f]{64}$/.test(id)) continue; // containers.json, containers.lock
    const a = readAnnotations(`${dir}/${id}/userdata/config.json`);
    if (!a) continue;
    const t = crioTask(a, id);
    if (!t) continue;
    const pidFromFile = withPid ? readPid(`${dir}/${id}/userdata/pidfile`) : undefined;
    const pid = liveContainerPid(ctx, pidFromFile, id);
    tasks.push({ ...t, stateDir: root, namespace: 'cri-o', pidFromFile, pid, alive: pid !== undefined });
  }
  return tasks;
}

function readCrio(ctx: ProbeContext, out: StateRead): void {
  const run = readCrioRoot(ctx, CRIO_RUN_ROOT, true, out.unreadable);
  out.tasks.push(...run);
  const seen = new Set(run.map((t) => t.id));
  for (const t of readCrioRoot(ctx, CRIO_GRAPH_ROOT, false, out.unreadable)) if (!seen.has(t.id)) out.crioStored.push(t);
}

export function readRuntimeState(ctx: ProbeContext): StateRead {
  const out: StateRead = { tasks: [], crioStored: [], otherNamespaces: {}, unreadable: [] };
  readContainerd(ctx, out);
  readCrio(ctx, out);
  return out;
}

/** The parent of a pid (its shim: containerd-shim-runc-v2 or conmon), from /proc/PID/stat. */
export function parentOf(ctx: ProbeContext, pid: number): { pid: number; comm: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(ctx.hostPath(`/proc/${pid}/stat`), 'utf8');
  } catch {
    return undefined;
  }
  const close = stat.lastIndexOf(')');
  const ppid = Number(stat.slice(close + 2).split(' ')[1]);
  if (!Number.isInteger(ppid) || ppid <= 0) return undefined;
  let comm = '';
  try {
    comm = readFileSync(ctx.hostPath(`/proc/${ppid}/comm`), 'utf8').trim();
  } catch {
    return undefined;
  }
  return { pid: ppid, comm };
}

/** True when pid is in the same PID namespace as the scanned host's init (pid 1 of the /proc read). */
export function inHostPidNamespace(ctx: ProbeContext, pid: number): boolean {
  try {
    return readlinkSync(ctx.hostPath(`/proc/${pid}/ns/pid`)) === readlinkSync(ctx.hostPath('/proc/1/ns/pid'));
  } catch {
    return false;
  }
}
