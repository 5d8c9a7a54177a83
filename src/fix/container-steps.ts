// Fix steps for `container` findings: pods and containers are removed through their runtime, the way the kubelet
// would (sandbox network namespace, shm mount and IP released): crictl when installed, else containerd's own
// ctr (task kill, task delete, container delete; containers first, the sandbox last). Ending the shim's process
// tree is the last resort, and only for shims the scan saw in the host's PID namespace (the probe leaves the
// others out of shimPids).
//
// Stopped containers and images of containerd exist only in containerd's metadata database, which only a running
// containerd can change (the scan may have read the file because containerd was not running). Their step asks at
// run time whether containerd answers (kr_containerd): if it does, ctr removes exactly the ids and names the scan
// found, by id, whether or not the CRI plugin still knows them (crictl only reaches what the CRI plugin loaded); if
// it does not, the step is refused at run time with what to do (start containerd, scan again), so the script ends
// with status 1. The script never starts a daemon itself: a runtime may be stopped on purpose, and starting it
// restarts whatever it is configured to run. The k8s.io namespace itself is left, and no rule reports it: measured
// with containerd 1.6, `ctr namespaces remove k8s.io` right after its containers and images are deleted fails
// ("must be empty, but it still has images, blobs, snapshots") until containerd's garbage collector and the
// leases of past pulls let go of the content, so a script step could only fail; an empty namespace holds nothing.
import type { Entry } from './builder.js';
import type { FixStep, Refusal, ScriptBlock, ScriptCall } from './model.js';
import { pidProblem } from './safety.js';
import { displayText } from './shell-text.js';
import type { FixValues } from './values.js';

type ContainerValues = FixValues<'container'>;

const call = (fn: ScriptCall['fn'], ...args: string[]): ScriptCall => ({ type: 'call', fn, args });

/** A container or sandbox id as the runtimes make them: 64 hex digits. */
const ID = /^[0-9a-f]{64}$/;
/** A socket path the probe derived from a known state directory. */
const SOCKET = /^\/run\/(k3s\/)?containerd\/containerd\.sock$/;
/** An image reference: no spaces, no shell-significant first character. */
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._\/:@+-]*$/;

function ctr(address: string, ...args: string[]): ScriptCall {
  return call('run_may_fail', 'ctr', '--address', address, '--connect-timeout', '5s', '--timeout', '30s', '--namespace', 'k8s.io', ...args);
}

function podBlocks(v: ContainerValues): ScriptBlock[] | string {
  const { runtime, address } = v;
  const sandboxId = v.sandboxId ?? '';
  const ids = v.ids ?? [];
  const shimPids = v.shimPids ?? [];
  if (ids.length === 0 || ids.some((id) => !ID.test(id))) return 'not a container id';
  if (runtime === 'containerd' && !SOCKET.test(address)) return 'not a containerd socket kube-residue knows';
  const bad = shimPids.find((p) => pidProblem(p) !== undefined);
  if (bad !== undefined) return `pid ${bad}: ${pidProblem(bad) ?? ''}`;
  const endpoint = runtime === 'containerd' ? `unix://${address}` : 'unix:///run/crio/crio.sock';
  const crictl = [
    call('run_may_fail', 'crictl', '--runtime-endpoint', endpoint, '--timeout', '30s', 'stopp', sandboxId),
    call('run_may_fail', 'crictl', '--runtime-endpoint', endpoint, '--timeout', '30s', 'rmp', '--force', sandboxId),
  ];
  const direct: ScriptBlock[] =
    runtime === 'containerd'
      ? ids.flatMap((id) => [ctr(address, 'task', 'kill', '--signal', 'SIGKILL', id), ctr(address, 'task', 'delete', '--force', id), ctr(address, 'container', 'delete', id)])
      : [call('kr_say', 'skip: crictl is not installed: CRI-O has no other client; ending the conmon process trees below')];
  // Last resort, skipped by the helper when the pid is gone (the runtime removed it) or renamed.
  const kills = shimPids.map((pid) => call('kr_kill_tree', pid, runtime === 'containerd' ? 'containerd-shim' : 'conmon', `${runtime} shim ${pid}`));
  // A container whose pod sandbox is unknown (created, never started) can only be removed by id.
  if (!ID.test(sandboxId)) return runtime === 'containerd' ? [...direct, ...kills] : 'no pod sandbox id for crictl';
  return [{ type: 'if', test: 'crictl', then: crictl, otherwise: direct }, ...kills];
}

/** Stopped containerd containers (containers first, the sandbox last), when containerd answers at run time. */
function stoppedBlocks(v: ContainerValues): ScriptBlock[] | string {
  const ids = v.ids ?? [];
  const { address } = v;
  if (ids.length === 0 || ids.some((id) => !ID.test(id))) return 'not a container id';
  if (!SOCKET.test(address)) return 'not a containerd socket kube-residue knows';
  return [
    call('kr_containerd', address, `${displayText(v.target)} (${ids.length} stopped container(s))`),
    // A task record can outlive its process (a shim that died): containerd refuses to delete its container first.
    ...ids.flatMap((id) => [call('kr_ctr', address, 'task', 'delete', '--force', id), call('kr_ctr', address, 'container', 'delete', id)]),
  ];
}

function imageBlocks(v: ContainerValues): ScriptBlock[] | string {
  const image = v.image ?? '';
  const { address } = v;
  if (!IMAGE.test(image)) return 'not an image reference';
  if (!SOCKET.test(address)) return 'not a containerd socket kube-residue knows';
  return [call('kr_containerd', address, displayText(v.target)), call('kr_ctr', address, 'images', 'remove', image)];
}

export function planContainerSteps(entries: ReadonlyArray<Entry<'container'>>): { steps: FixStep[]; refused: Refusal[] } {
  const steps: FixStep[] = [];
  const refused: Refusal[] = [];
  const done = new Set<string>();
  // Pods before images: an image in use by a container cannot be removed.
  const sorted = [...entries].sort((a, b) => Number(a.finding.target.startsWith('image/')) - Number(b.finding.target.startsWith('image/')));
  for (const e of sorted) {
    const f = e.finding;
    const v = e.values;
    const isImage = f.target.startsWith('image/');
    const key = isImage ? f.target : `${v.runtime}|${v.sandboxId ?? ''}|${(v.ids ?? []).join(',')}`;
    if (done.has(key)) {
      const prior = steps.find((s) => s.comment[0]?.endsWith(` ${f.target}`));
      if (prior && !prior.ruleIds.includes(e.rule.ruleId)) prior.ruleIds.push(e.rule.ruleId);
      continue;
    }
    const stoppedInContainerd = !isImage && v.state === 'stopped' && v.runtime === 'containerd';
    const blocks = isImage ? imageBlocks(v) : stoppedInContainerd ? stoppedBlocks(v) : podBlocks(v);
    if (typeof blocks === 'string') {
      refused.push({ ruleIds: [e.rule.ruleId], kind: f.kind, target: f.target, reason: blocks, evidence: f.evidence, rebootClears: f.rebootClears });
      continue;
    }
    done.add(key);
    steps.push({
      phase: 'workloads',
      ruleIds: [e.rule.ruleId],
      comment: [
        `Through the runtime: ${f.target}`,
        f.evidence,
        ...(isImage || stoppedInContainerd
          ? ['Only a running containerd can remove it from its metadata: if containerd does not answer, this step is refused and says so.']
          : ['crictl stops and removes the pod with its network namespace; without crictl, ctr kills and deletes each task and container.']),
      ],
      blocks,
    });
  }
  return { steps, refused };
}
