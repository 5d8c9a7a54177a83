import { call, ruleIdsOf, seenLine, type Entry } from '../builder.js';
import { isShimComm } from '../phases.js';
import { pidNamespaceProblem, pidProblem } from '../safety.js';
import { displayText } from '../shell-text.js';
import type { KindFix, Planner } from './planner.js';
import { matches } from '../fits.js';

const procCall = (e: Entry<'process'>, tree: boolean) => call(tree ? 'kr_kill_tree' : 'kr_kill', e.values.pid, e.values.comm, displayText(e.finding.target));
const dedup = (list: ReadonlyArray<Entry<'process'>>): Array<Entry<'process'>> => [...new Map(list.map((e) => [e.values.pid, e])).values()];

/**
 * Processes: a kubelet first (it restarts what is stopped), container shims with their trees, then the rest.
 * A process is ended only when the scan saw it in the host's PID namespace; the script checks that again.
 */
export const planProcesses: Planner<'process'> = (entries, b) => {
  const kubelet: Array<Entry<'process'>> = [];
  const shims: Array<Entry<'process'>> = [];
  const others: Array<Entry<'process'>> = [];
  const pods: Array<Entry<'process'>> = [];
  for (const e of entries) {
    const { pid, comm } = e.values;
    if (e.values.pidNamespace === 'pod') {
      // A pod's own process, in the pod's PID namespace: never ended by pid (it goes with its shim or the runtime).
      pods.push(e);
      b.routeRuleFix(e, { structural: new Set(['kill']) });
      continue;
    }
    const problem = pidProblem(pid) ?? pidNamespaceProblem(e.values.pidNamespace);
    if (problem) {
      b.refuse(e, problem, ['kill', pid]);
      continue;
    }
    if (comm === 'kubelet') kubelet.push(e);
    else if (isShimComm(comm)) shims.push(e);
    else others.push(e);
    b.routeRuleFix(e, { structural: new Set(['kill']) });
  }
  for (const e of shims) b.runtimeRules.add(e.rule.ruleId);
  if (kubelet.length > 0) {
    const list = dedup(kubelet);
    b.step('kubelet-process', {
      phase: 'units',
      ruleIds: ruleIdsOf(list),
      comment: ['A kubelet still running (not, or no longer, under systemd): end it before anything else, or it restarts what is stopped below.', 'Each process is ended only if its pid still has the name the scan saw.', ...list.map(seenLine)],
      blocks: list.map((e) => procCall(e, false)),
    });
  }
  if (shims.length > 0) {
    const list = dedup(shims);
    b.step('shim-process', {
      phase: 'workloads',
      ruleIds: ruleIdsOf(list),
      comment: [
        'Container shims with their whole process trees (the containers they run: static pods such as kube-apiserver or',
        'nginx-proxy keep ports busy until they go). SIGTERM, then SIGKILL after 10 s; skipped for a pid that is gone or renamed.',
        ...list.map(seenLine),
      ],
      blocks: list.map((e) => procCall(e, true)),
    });
  }
  if (pods.length > 0) {
    b.step('other-process', {
      phase: 'workloads',
      ruleIds: ruleIdsOf(pods),
      comment: [
        'Processes of pods, in the pods\u2019 own PID namespaces: not ended by pid here (only processes of the host\u2019s PID',
        'namespace are); they end with their shim above or through the runtime (crictl rmp), and the rescan shows any left.',
        ...dedup(pods).map(seenLine),
      ],
      blocks: [],
    });
  }
  if (others.length > 0) {
    const list = dedup(others);
    b.step('other-process', {
      phase: 'workloads',
      ruleIds: ruleIdsOf(list),
      comment: ['Other Kubernetes processes still running (skipped for a pid that is gone or now has another name).', ...list.map(seenLine)],
      blocks: list.map((e) => procCall(e, false)),
    });
  }
};

/** The process kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const processFix: KindFix<'process'> = {
  plan: planProcesses,
  refusalPhase: 'workloads',
  readValues: (r) => ({ target: r.target(), pid: r.word('pid'), comm: r.word('comm'), pidNamespace: r.oneOf('pidNamespace', ['host', 'pod'] as const) }),
  fits: (c, v) => (matches(c.comm, v.comm) && v.target === `${v.comm}[${v.pid}]` ? undefined : `${v.target} is not a process the rule looks for`),
};
