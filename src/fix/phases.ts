// The order of operations that works on a real node (seeds 001, 002, 004; residue catalog §2, §5, §7, §8):
// whatever restarts workloads stops first, whatever holds a mount or a port dies before the mount or the port is
// freed, mounts go before the directories that hold them, rules that jump into a chain go before the chain, and
// the things only a reboot really clears come last.

export const PHASES = [
  {
    id: 'units',
    title: 'Stop and disable units (kubelet first)',
    why: 'a running kubelet restarts static pods and pods; enabled units come back at boot',
  },
  {
    id: 'static-pods',
    title: 'Remove static pod manifests',
    why: 'the kubelet (or the next one to start) recreates every pod whose manifest is still in its static pod directory',
  },
  {
    id: 'workloads',
    title: 'Stop pods and containers, then the processes left over',
    why: 'container shims keep their containers, mounts and ports alive; through the runtime when it answers, else by ending the shim process trees',
  },
  {
    id: 'runtime-units',
    title: 'Stop and disable the container runtime units',
    why: 'the runtime is stopped only after its pods are gone, so crictl could still reach it',
  },
  {
    id: 'unmount',
    title: 'Unmount, deepest mount point first',
    why: 'rm -rf of a still-mounted volume deletes the volume\u2019s data, and a mount (such as the cgroup2 at /run/calico/cgroup) makes rm fail with "Operation not permitted"',
  },
  {
    id: 'netns',
    title: 'Delete network namespaces',
    why: 'pod network namespaces hold the peer ends of veth interfaces',
  },
  {
    id: 'interfaces',
    title: 'Delete network interfaces',
    why: 'CNI bridges, tunnels and veths of gone pods',
  },
  {
    id: 'iptables',
    title: 'Remove Kubernetes iptables rules and chains (per backend and table)',
    why: 'only the rules and chains found: jumps into a chain first, then every flush, then every delete; never a whole table (a blanket iptables -F has locked people out over SSH)',
  },
  {
    id: 'netfilter',
    title: 'Clear IPVS services, nftables tables and ipsets',
    why: 'after the iptables rules that reference the ipsets are gone ("set is in use by a kernel component" otherwise)',
  },
  {
    id: 'files',
    title: 'Remove files and directories',
    why: 'nothing is mounted below them any more; each removal re-checks that at run time',
  },
  {
    id: 'file-edits',
    title: 'Edit shared files',
    why: 'only the lines or blocks Kubernetes tooling added, found by their exact text at run time (never by line number); a file that no longer has them is left alone',
  },
  {
    id: 'rule-commands',
    title: 'Other commands from the rules',
    why: 'fixes a rule gives that are neither a removal nor a stop (packages, users, masked units)',
  },
  {
    id: 'daemon-reload',
    title: 'Reload systemd',
    why: 'unit files were removed or units disabled',
  },
  {
    id: 'follow-up',
    title: 'Apply the changes',
    why: 'commands the rules give to run after their files are gone (sysctl --system, update-ca-certificates)',
  },
  {
    id: 'cgroups',
    title: 'Stop kubepods slices and remove empty cgroups (deepest first)',
    why: 'cgroups go only when empty (rmdir, never rm under /sys); what still has processes stays until a reboot',
  },
] as const;

export type PhaseId = (typeof PHASES)[number]['id'];

export function phaseIndex(id: PhaseId): number {
  return PHASES.findIndex((p) => p.id === id);
}

/**
 * Within a phase, which kind of step comes first (each kind of step belongs to one phase, or to two, as units
 * and removals do); steps of one kind keep the order they were planned in.
 */
export const STEP_ORDER = [
  'unit',
  'kubelet-process',
  'container',
  'runtime',
  'shim-process',
  'other-process',
  'port',
  'unmount',
  'netns',
  'fallback-device',
  'link',
  'iptables',
  'ipvs',
  'nftables',
  'ipset',
  'removal',
  'file-edit',
  'rule-command',
  'daemon-reload',
  'follow-up',
  'transient-unit',
  'slice',
  'cgroup',
] as const;

export type StepKind = (typeof STEP_ORDER)[number];

/** Units that belong to the container runtime: stopped after the pods, never before (crictl needs them). */
export function isRuntimeUnit(unit: string): boolean {
  return /^(containerd|crio|cri-o|cri-docker|cri-dockerd|docker|dockerd)\.(service|socket)$/.test(unit);
}

/** Units stopped first: the kubelet, then whatever else the node agent is. */
export function unitRank(unit: string): number {
  if (/^kubelet\.service$/.test(unit)) return 0;
  if (/^(k3s|k3s-agent|rke2-server|rke2-agent|rancher-system-agent)\.service$/.test(unit)) return 1;
  if (/^kube-(apiserver|controller-manager|scheduler|proxy)\.service$/.test(unit)) return 2;
  if (/^etcd/.test(unit)) return 3;
  return 4;
}

/** Process comms that are container shims: ended with their whole process tree (the containers). */
export function isShimComm(comm: string): boolean {
  return /^(containerd-shim|containerd-shim-runc-v2|containerd-shim-runc-v1|docker-containerd-shim|conmon)$/.test(comm) || comm.startsWith('containerd-shim');
}

/** Interface deletion order: pod ends first, then tunnels and devices, bridges last. */
export function linkRank(linkKind: string): number {
  if (linkKind === 'veth') return 0;
  if (linkKind === 'bridge') return 2;
  return 1;
}
