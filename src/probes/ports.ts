// Port probe: listening TCP and bound UDP sockets, v4 and v6, from /proc/net (about 5 ms). Not
// systeminformation's networkConnections(): it loses every UDP socket (netstat prints no state for UDP), and
// the kernel's own vxlan socket on 8472 is one of the leftovers we look for. Owners come from the socket
// inodes in /proc/*/fd, read only when a wanted port is actually in use.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { PortCheck } from '../model/rule.js';
import { parseProcNet, type SocketEntry } from '../parsers/proc-net.js';
import type { ProbeContext } from './context.js';
import { absentOrUnavailable } from './fs-errors.js';
import { cgroupPaths, hostPidNamespace, pidNamespaceOf } from './processes.js';
import { ProbeUnavailable, type Probe } from './probe.js';

export interface SocketOwner {
  pid: number;
  comm: string;
  /** As in the process probe: `other` is a container's or nested node's PID namespace (absent: not read). */
  pidNamespace?: 'host' | 'other' | 'unknown';
  cgroups?: string[];
}

export interface Listener extends SocketEntry {
  /** Processes holding the socket, as `comm[pid]`; empty for kernel sockets (vxlan) or when not visible. */
  owners: SocketOwner[];
}

/** /proc/net socket tables: file, family, protocol (shared with the container probe's per-netns read). */
export const PROC_NET_TABLES = [
  ['tcp', 'ipv4', 'tcp'],
  ['tcp6', 'ipv6', 'tcp'],
  ['udp', 'ipv4', 'udp'],
  ['udp6', 'ipv6', 'udp'],
] as const;

function socketOwners(ctx: ProbeContext, inodes: ReadonlySet<number>): Map<number, SocketOwner[]> {
  const owners = new Map<number, SocketOwner[]>();
  const procDir = ctx.hostPathFollow('/proc');
  const hostPidNs = hostPidNamespace(procDir);
  for (const name of readdirSync(procDir)) {
    if (!/^\d+$/.test(name)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${procDir}/${name}/fd`);
    } catch {
      continue; // exited, or not ours to read
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${procDir}/${name}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!link.startsWith('socket:[')) continue;
      const inode = Number(link.slice(8, -1));
      if (!inodes.has(inode)) continue;
      let comm = '';
      try {
        comm = readFileSync(`${procDir}/${name}/comm`, 'utf8').trim();
      } catch {
        comm = '?';
      }
      const list = owners.get(inode) ?? [];
      if (!list.some((o) => o.pid === Number(name))) {
        const pidNamespace = pidNamespaceOf(`${procDir}/${name}`, hostPidNs);
        let cgroups: string[] = [];
        try {
          cgroups = cgroupPaths(readFileSync(`${procDir}/${name}/cgroup`, 'utf8'));
        } catch {
          cgroups = [];
        }
        list.push({ pid: Number(name), comm, pidNamespace, cgroups });
      }
      owners.set(inode, list);
    }
  }
  return owners;
}

export const portProbe: Probe<PortCheck, Listener[]> = {
  id: 'port',
  async gather(ctx, requests) {
    const wantedPorts = new Set(requests.flatMap((r) => r.ports));
    const netDir = ctx.hostPathFollow(`/proc/${ctx.onHost ? 'self' : '1'}/net`);
    const sockets: SocketEntry[] = [];
    let readable = 0;
    for (const [file, family, protocol] of PROC_NET_TABLES) {
      let text: string;
      try {
        text = readFileSync(`${netDir}/${file}`, 'utf8');
        readable++;
      } catch (err) {
        absentOrUnavailable(`${netDir}/${file}`, err); // tcp6/udp6 are absent when IPv6 is disabled
        continue;
      }
      for (const s of parseProcNet(text, protocol, family)) if (s.listening && wantedPorts.has(s.localPort)) sockets.push(s);
    }
    if (readable === 0) throw new ProbeUnavailable(`cannot read ${netDir}/tcp`);
    const owners = sockets.length > 0 ? socketOwners(ctx, new Set(sockets.map((s) => s.inode))) : new Map<number, SocketOwner[]>();
    return sockets.map((s) => ({ ...s, owners: s.inode === 0 ? [] : (owners.get(s.inode) ?? []) }));
  },
};
