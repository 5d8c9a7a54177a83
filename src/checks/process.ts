import { processKind, type ProcessFixVars } from './process.meta.js';
import { processProbe, type ProcessInfo } from '../probes/processes.js';
import type { CheckDefinition, RawFinding } from './check.js';
import { globMatcher } from './check.js';
import { includeExcludeMatcher } from '../rule-regex.js';

/** Cgroups kubelet (systemd or cgroupfs driver) or containerd's default `/<namespace>/<id>` give pod containers. */
export const POD_CGROUP = /^\/(kubepods|kubepods\.slice|k8s\.io)(\/|$)/;
/** A containerd shim of namespace k8s.io (comm is cut to 15 characters: containerd-shim). */
const K8S_SHIM_CMDLINE = /\s-namespace\s+k8s\.io(\s|$)/;

export interface PodMembership {
  /** The k8s.io shim the process descends from, when it does. */
  shim?: ProcessInfo;
  /** The pod cgroup it is in, when it is. */
  cgroup?: string;
}

function isK8sShim(p: ProcessInfo): boolean {
  return p.comm.startsWith('containerd-shim') && p.pidNamespace !== 'other' && K8S_SHIM_CMDLINE.test(p.cmdline);
}

/**
 * Which processes belong to a Kubernetes pod of this host's runtime (pause sandboxes and container processes,
 * in the pod's own PID namespace): a pod cgroup as seen from the host, or a k8s.io shim among the ancestors.
 * The shims themselves are not members (their own rule reports them).
 */
export function podMembers(procs: readonly ProcessInfo[]): Map<number, PodMembership> {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const members = new Map<number, PodMembership>();
  for (const p of procs) {
    if (isK8sShim(p)) continue;
    const cgroup = (p.cgroups ?? []).find((c) => POD_CGROUP.test(c));
    let shim: ProcessInfo | undefined;
    const seen = new Set<number>();
    for (let up = byPid.get(p.ppid ?? 0); up && !seen.has(up.pid); up = byPid.get(up.ppid ?? 0)) {
      seen.add(up.pid);
      if (isK8sShim(up)) {
        shim = up;
        break;
      }
    }
    if (cgroup || shim) members.set(p.pid, { ...(shim ? { shim } : {}), ...(cgroup ? { cgroup } : {}) });
  }
  return members;
}

function podText(m: PodMembership): string {
  const parts = [m.shim ? `below shim ${m.shim.comm}[${m.shim.pid}]` : '', m.cgroup ? `cgroup ${m.cgroup}` : ''].filter(Boolean);
  return `pod process (${parts.join(', ')})`;
}

export const processCheck: CheckDefinition<'process', ProcessInfo[], ProcessFixVars> = {
  ...processKind,
  probe: processProbe,
  match(check, procs) {
    const comm = globMatcher(check.comm);
    const exe = globMatcher(check.exe);
    const cmdline = includeExcludeMatcher(check.cmdline, check.cmdlineExclude);
    // A process whose exe could not be read may be the one an `exe` rule looks for: the rule is then partly unchecked.
    // PID 1 of the host is its init system, never a leftover (and never to be killed); some inits are not dumpable,
    // so even root cannot read their exe (seen on this project's VMs): it must not make every exe rule unchecked.
    const unseen = exe ? procs.filter((p) => p.exeUnreadable && !isHostInit(p) && (!comm || comm(p.comm)) && (!cmdline || cmdline(p.cmdline))).length : 0;
    const members = podMembers(procs);
    const findings: RawFinding<ProcessFixVars>[] = [];
    for (const p of procs) {
      const pod = members.get(p.pid);
      if (check.podMember && !pod) continue;
      // Another PID namespace (a container, a kind node) is not this host's residue, unless a pod of this host.
      if (p.pidNamespace === 'other' && !pod) continue;
      if (isHostInit(p)) continue;
      if ((comm && !comm(p.comm)) || (exe && (p.exe === '' || !exe(p.exe))) || (cmdline && !cmdline(p.cmdline))) continue;
      const line = p.cmdline.length > 200 ? `${p.cmdline.slice(0, 200)}…` : p.cmdline;
      findings.push({
        target: `${p.comm}[${p.pid}]`,
        evidence: pod ? `${line}; ${podText(pod)}` : line,
        vars: { target: `${p.comm}[${p.pid}]`, pid: String(p.pid), comm: p.comm, pidNamespace: p.pidNamespace === 'other' ? 'pod' : 'host' },
      });
    }
    return { findings, partial: unseen > 0 ? `the executable of ${unseen} process${unseen === 1 ? '' : 'es'} could not be read (permission denied; run as root)` : undefined };
  },
};

function isHostInit(p: ProcessInfo): boolean {
  return p.pid === 1 && p.pidNamespace !== 'other';
}
