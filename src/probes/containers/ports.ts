// The ports a container's processes hold: its init process and every descendant (ppid links from
// /proc/*/stat), their socket inodes (/proc/PID/fd → socket:[inode]), looked up in the listening sockets of the
// container's own network namespace (/proc/<init>/net/{tcp,tcp6,udp,udp6}). Reading the netns of the process
// itself is what makes host-network pods (kube-apiserver, etcd, calico-node) and pod-network pods both right:
// a pod's port is only its own when one of its processes holds the socket.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { parseProcNet } from '../../parsers/proc-net.js';
import type { ProbeContext } from '../context.js';
import { PROC_NET_TABLES } from '../ports.js';

/** pid → children, for every process in /proc (read once per scan). */
export function childrenMap(ctx: ProbeContext): Map<number, number[]> {
  return ctx.memo('proc-children', () => {
    const children = new Map<number, number[]>();
    const procDir = ctx.hostPath('/proc');
    let names: string[];
    try {
      names = readdirSync(procDir);
    } catch {
      return children;
    }
    for (const name of names) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`${procDir}/${name}/stat`, 'utf8');
      } catch {
        continue;
      }
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!Number.isInteger(ppid)) continue;
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    }
    return children;
  });
}

function descendants(children: ReadonlyMap<number, number[]>, pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  const seen = new Set<number>();
  while (todo.length > 0) {
    const p = todo.pop() as number;
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

function socketInodes(ctx: ProbeContext, pids: readonly number[]): Set<number> {
  const inodes = new Set<number>();
  for (const pid of pids) {
    const fdDir = ctx.hostPath(`/proc/${pid}/fd`);
    let fds: string[];
    try {
      fds = readdirSync(fdDir);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`${fdDir}/${fd}`);
        if (link.startsWith('socket:[')) inodes.add(Number(link.slice(8, -1)));
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}

/** `tcp/6443`, `udp/53`... the listening ports the container's processes hold, sorted. */
export function portsHeldBy(ctx: ProbeContext, initPid: number): string[] {
  const pids = descendants(childrenMap(ctx), initPid);
  const inodes = socketInodes(ctx, pids);
  if (inodes.size === 0) return [];
  const ports = new Set<string>();
  for (const [file, family, protocol] of PROC_NET_TABLES) {
    let text: string;
    try {
      text = readFileSync(ctx.hostPath(`/proc/${initPid}/net/${file}`), 'utf8');
    } catch {
      continue;
    }
    for (const s of parseProcNet(text, protocol, family)) {
      if (s.listening && inodes.has(s.inode)) ports.add(`${protocol}/${s.localPort}`);
    }
  }
  return [...ports].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
