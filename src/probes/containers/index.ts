// Container probe: Kubernetes pods and containers known to the runtimes. The on-disk state first (containerd's
// task bundles, CRI-O's container dirs: no client, never hangs), then what only containerd's metadata holds
// (stopped containers, images) through `ctr` with both timeouts, or from its database file when containerd does not
// answer, and only when a rule asks for it.
import type { ContainerCheck } from '../../model/rule.js';
import type { ProbeContext } from '../context.js';
import { ProbeUnavailable, type PartialSource, type Probe } from '../probe.js';
import { CONTAINERD_INSTANCES, readContainerdMetadata } from './metadata.js';
import { portsHeldBy } from './ports.js';
import { inHostPidNamespace, parentOf, readRuntimeState, type CriTask } from './state.js';

export interface LiveTask extends CriTask {
  /** Listening ports its processes hold (`tcp/6443`). */
  ports: string[];
  /** Its shim (containerd-shim-runc-v2, conmon), when in the host's PID namespace. */
  shim?: { pid: number; comm: string };
  /** containerd's socket for fix commands. */
  address?: string;
}

export interface ContainerFacts {
  /** Runtime state directories that exist but could not be read (not root), as a reason. */
  unreadable?: string;
  /** Tasks with a live process. */
  running: LiveTask[];
  /** Containers and sandboxes present but not running: bundles whose process is gone, CRI-O containers not running, and (with `ctr`) containerd's stopped ones. */
  stopped: PartialSource<CriTask[]>;
  images: PartialSource<Array<{ runtime: 'containerd'; stateDir: string; name: string }>>;
  /** Where containerd's metadata was read from when containerd itself did not answer (its database file). */
  metadataSource?: string;
  /** Other containerd namespaces seen and left alone (Docker's moby, default). */
  otherNamespaces: Record<string, number>;
}

function live(ctx: ProbeContext, t: CriTask): LiveTask {
  const pid = t.pid as number;
  const parent = parentOf(ctx, pid);
  const shim = parent && /^(containerd-shim|conmon)/.test(parent.comm) && inHostPidNamespace(ctx, parent.pid) ? parent : undefined;
  return { ...t, ports: portsHeldBy(ctx, pid), shim, address: t.runtime === 'containerd' ? CONTAINERD_INSTANCES[t.stateDir]?.socket : undefined };
}

export const containerProbe: Probe<ContainerCheck, ContainerFacts> = {
  id: 'container',
  async gather(ctx, requests) {
    const state = readRuntimeState(ctx);
    // The runtimes' state is root-only: unread, nothing can be said; partly read, what was seen still counts.
    const unreadable = state.unreadable.length > 0 ? `cannot read ${state.unreadable.join(', ')}: run as root` : undefined;
    if (unreadable && state.tasks.length === 0 && state.crioStored.length === 0) throw new ProbeUnavailable(unreadable);
    const running = state.tasks.filter((t) => t.alive).map((t) => live(ctx, t));
    const deadOnDisk = [...state.tasks.filter((t) => !t.alive), ...state.crioStored];
    const wantMetadata = requests.some((r) => r.object !== 'pod');
    const reasons: string[] = [];
    const partials: string[] = [];
    const sources: string[] = [];
    const stopped: CriTask[] = [...deadOnDisk];
    const images: Array<{ runtime: 'containerd'; stateDir: string; name: string }> = [];
    if (wantMetadata) {
      const known = new Set(state.tasks.map((t) => t.id));
      // Every containerd instance, also one whose state directory is gone (stopped since boot) but whose
      // metadata database is still there.
      const reads = await Promise.all(Object.keys(CONTAINERD_INSTANCES).map(async (dir) => ({ dir, read: await readContainerdMetadata(ctx, dir, known) })));
      for (const { dir, read } of reads) {
        if (!read.ok) {
          reasons.push(read.reason ?? `containerd at ${dir}: not read`);
          continue;
        }
        if (read.partial) partials.push(read.partial);
        if (read.source) sources.push(read.source);
        stopped.push(...read.containers);
        images.push(...read.images.map((name) => ({ runtime: 'containerd' as const, stateDir: dir, name })));
      }
    }
    const reason = reasons.length > 0 ? reasons.join('; ') : undefined;
    return {
      unreadable,
      running,
      stopped: { label: 'stopped containers', ok: reason === undefined, reason: [reason, ...partials, unreadable].filter(Boolean).join('; ') || undefined, data: stopped },
      images: { label: 'images', ok: reason === undefined, reason, data: images },
      ...(sources.length > 0 ? { metadataSource: `containerd's metadata ${sources.join('; ')}` } : {}),
      otherNamespaces: state.otherNamespaces,
    };
  },
};
