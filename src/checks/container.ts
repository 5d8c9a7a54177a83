// `container` check: Kubernetes pods still known to the container runtime, one finding per pod (its containers,
// their shims and the ports they hold), stopped-but-present containers and sandboxes (also per pod), and
// images left in the CRI namespace (from containerd's metadata: through ctr, or its database file when containerd
// does not answer).
import { containerKind, type ContainerFixVars } from './container.meta.js';
import type { ContainerCheck } from '../model/rule.js';
import { containerProbe, type ContainerFacts, type LiveTask } from '../probes/containers/index.js';
import type { CriTask } from '../probes/containers/state.js';
import type { CheckDefinition, MatchOutcome, RawFinding } from './check.js';
import { globMatcher } from './check.js';

interface Pod<T extends CriTask> {
  key: string;
  podName: string;
  podNamespace: string;
  tasks: T[];
}

function byPod<T extends CriTask>(tasks: readonly T[]): Array<Pod<T>> {
  const pods = new Map<string, Pod<T>>();
  for (const t of tasks) {
    const key = `${t.runtime}|${t.stateDir}|${t.sandboxId}`;
    const pod = pods.get(key) ?? { key, podName: t.podName, podNamespace: t.podNamespace, tasks: [] };
    pod.tasks.push(t);
    pods.set(key, pod);
  }
  return [...pods.values()];
}

function podSelector(check: ContainerCheck): (pod: Pod<CriTask>) => boolean {
  const containers = globMatcher(check.containers);
  const pods = globMatcher(check.pods);
  const namespaces = globMatcher(check.podNamespaces);
  const images = globMatcher(check.images);
  return (pod) => {
    if (namespaces && !namespaces(pod.podNamespace)) return false;
    if (images && !pod.tasks.some((t) => t.type === 'container' && t.image !== undefined && images(t.image))) return false;
    if (!containers && !pods) return true;
    return Boolean(pods?.(pod.podName)) || Boolean(containers && pod.tasks.some((t) => t.containerName !== undefined && containers(t.containerName)));
  };
}

const short = (id: string): string => id.slice(0, 12);

/** Containers first (by name), the sandbox last: the order they are stopped in. */
function ordered<T extends CriTask>(tasks: readonly T[]): T[] {
  return [...tasks].sort((a, b) => (a.type === b.type ? (a.containerName ?? '').localeCompare(b.containerName ?? '') : a.type === 'sandbox' ? 1 : -1));
}

function where(t: CriTask): string {
  return t.runtime === 'containerd' ? `containerd ${t.stateDir} namespace ${t.namespace}` : `CRI-O ${t.stateDir}`;
}

function podVars(pod: Pod<CriTask>, target: string, shimPids: string[], address: string | undefined, state: 'running' | 'stopped'): ContainerFixVars {
  const first = pod.tasks[0] as CriTask;
  return {
    target,
    runtime: first.runtime,
    state,
    pod: pod.podName,
    podNamespace: pod.podNamespace,
    sandboxId: first.sandboxId,
    ids: ordered(pod.tasks).map((t) => t.id),
    address: address ?? '',
    namespace: first.namespace,
    shimPids,
  };
}

function runningFinding(pod: Pod<LiveTask>, exited: readonly CriTask[]): RawFinding<ContainerFixVars> {
  const target = `pod/${pod.podNamespace}/${pod.podName}`;
  const tasks = ordered(pod.tasks);
  const containers = tasks.filter((t) => t.type === 'container');
  const sandbox = tasks.find((t) => t.type === 'sandbox');
  const ports = [...new Set(tasks.flatMap((t) => t.ports))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const shims = [...new Map(tasks.flatMap((t) => (t.shim ? [[t.shim.pid, t.shim] as const] : []))).values()].sort((a, b) => a.pid - b.pid);
  const first = tasks[0] as LiveTask;
  const parts = [
    `running under ${where(first)}`,
    containers.length > 0
      ? `containers ${containers.map((t) => `${t.containerName ?? '?'} (${short(t.id)}, pid ${t.pid ?? '?'}${t.image ? `, ${t.image}` : ''})`).join(', ')}`
      : 'no container running, only the sandbox',
    sandbox ? `sandbox ${short(sandbox.id)} (pid ${sandbox.pid ?? '?'})` : `sandbox ${short(first.sandboxId)} not running`,
    shims.length > 0 ? `shim ${shims.map((s) => `${s.comm}[${s.pid}]`).join(', ')}` : 'no shim in the host PID namespace',
    ports.length > 0 ? `holding ports ${ports.join(', ')}` : 'no listening ports',
    ...(exited.length > 0 ? [`not running: ${ordered(exited).map((t) => `${t.type === 'sandbox' ? 'sandbox' : (t.containerName ?? '?')} ${short(t.id)}`).join(', ')}`] : []),
  ];
  return { target, evidence: parts.join('; '), vars: podVars(pod, target, shims.map((s) => String(s.pid)), first.address, 'running') };
}

function stoppedFinding(pod: Pod<CriTask>): RawFinding<ContainerFixVars> {
  const target = `pod/${pod.podNamespace}/${pod.podName}`;
  const tasks = ordered(pod.tasks);
  const first = tasks[0] as CriTask;
  const list = tasks.map((t) => `${t.type === 'sandbox' ? 'sandbox' : (t.containerName ?? '?')} ${short(t.id)}${t.pidFromFile ? ` (process ${t.pidFromFile} gone)` : ''}`);
  const address = first.runtime === 'containerd' ? `${first.stateDir}/containerd.sock` : undefined;
  return { target, evidence: `present but not running under ${where(first)}: ${list.join(', ')}`, vars: podVars(pod, target, [], address, 'stopped') };
}

const byTarget = (a: RawFinding<ContainerFixVars>, b: RawFinding<ContainerFixVars>): number => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0);

export const containerCheck: CheckDefinition<'container', ContainerFacts, ContainerFixVars> = {
  ...containerKind,
  probe: containerProbe,
  match(check, facts): MatchOutcome<ContainerFixVars> {
    const ignored = Object.entries(facts.otherNamespaces).map(([ns, n]) => `${n} in ${ns}`);
    const note = ignored.length > 0 ? `containerd tasks of other namespaces left alone (not Kubernetes): ${ignored.join(', ')}` : undefined;
    if (check.object === 'image') {
      const images = globMatcher(check.images);
      const findings = (facts.images.data ?? [])
        .filter((i) => !images || images(i.name))
        .map((i) => ({
          target: `image/${i.name}`,
          evidence: `image in containerd ${i.stateDir} namespace k8s.io`,
          vars: { target: `image/${i.name}`, runtime: 'containerd', image: i.name, address: `${i.stateDir}/containerd.sock`, namespace: 'k8s.io' },
        }));
      return { findings, partial: facts.images.reason, note: facts.metadataSource };
    }
    const select = podSelector(check);
    if (check.object === 'stopped') {
      const findings = byPod(facts.stopped.data ?? []).filter(select).map(stoppedFinding).sort(byTarget);
      return { findings, partial: facts.stopped.reason, note: [facts.metadataSource, note].filter(Boolean).join('; ') || undefined };
    }
    // Containers of the same pod that exited are named too (they are also the stopped rule's findings).
    const stoppedByPod = new Map(byPod(facts.stopped.data ?? []).map((p) => [p.key, p.tasks]));
    const findings = byPod(facts.running)
      .filter(select)
      .map((p) => runningFinding(p, stoppedByPod.get(p.key) ?? []))
      .sort(byTarget);
    return { findings, note, partial: facts.unreadable };
  },
};
