// Port probe: listening TCP and bound UDP sockets, v4 and v6, from /proc/net (about 5 ms). Not
// systeminformation's networkConnections(): it loses every UDP socket (netstat prints no state for UDP), and
// the kernel's own vxlan socket on 8472 is one of the leftovers we look for. Owners come from the socket
// inodes in /proc/*/fd, read only when a wanted port is actually in use.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { PortCheck } from '../model/rule.js';
import { parseProcNet, type SocketEntry } from '../parsers/proc-net.js';
import type { ProbeContext } from './context.js';
import { absentOrUnavailable, errorCode, isAbsent } from './fs-errors.js';
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
  /**
   * Why `owners` may be incomplete: processes whose open files could not be read (not root: another user's
   * processes give EACCES). Absent when every process was read.
   */
  ownersUnread?: string;
}

/** At most this many unreadable processes are named in a reason; the rest are counted. */
const NAMED_UNREAD = 5;

/** /proc/net socket tables: file, family, protocol (shared with the container probe's per-netns read). */
export const PROC_NET_TABLES = [
  ['tcp', 'ipv4', 'tcp'],
  ['tcp6', 'ipv6', 'tcp'],
  ['udp', 'ipv4', 'udp'],
  ['udp6', 'ipv6', 'udp'],
] as const;

/** A process whose open files could not be read, and why (EACCES as non-root). */
interface Unread {
  pid: number;
  comm: string;
  code: string;
}

function readComm(procDir: string, pid: string): string {
  try {
    return readFileSync(`${procDir}/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

function socketOwners(ctx: ProbeContext, inodes: ReadonlySet<number>): { owners: Map<number, SocketOwner[]>; unread: Unread[] } {
  const owners = new Map<number, SocketOwner[]>();
  const unread: Unread[] = [];
  const procDir = ctx.hostPathFollow('/proc');
  const hostPidNs = hostPidNamespace(procDir);
  for (const name of readdirSync(procDir)) {
    if (!/^\d+$/.test(name)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${procDir}/${name}/fd`);
    } catch (err) {
      // Exited meanwhile: nothing held. Anything else (EACCES: another user's process): it may hold the socket.
      if (!isAbsent(err) && errorCode(err) !== 'ESRCH') unread.push({ pid: Number(name), comm: readComm(procDir, name), code: errorCode(err) ?? 'unreadable' });
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${procDir}/${name}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile (reading the directory was allowed, so its links are too)
      }
      if (!link.startsWith('socket:[')) continue;
      const inode = Number(link.slice(8, -1));
      if (!inodes.has(inode)) continue;
      const comm = readComm(procDir, name);
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
  return { owners, unread };
}

/** "cannot read the open files of 2 processes (/proc/PID/fd: EACCES; run as root): containerd[12], sshd[40]" */
function unreadOwnersReason(unread: readonly Unread[]): string | undefined {
  if (unread.length === 0) return undefined;
  const codes = [...new Set(unread.map((u) => u.code))].join(', ');
  const hint = unread.some((u) => u.code === 'EACCES' || u.code === 'EPERM') ? '; run as root' : '';
  const named = unread.slice(0, NAMED_UNREAD).map((u) => `${u.comm}[${u.pid}]`);
  const more = unread.length > NAMED_UNREAD ? ` and ${unread.length - NAMED_UNREAD} more` : '';
  const count = unread.length === 1 ? '1 process' : `${unread.length} processes`;
  return `cannot read the open files of ${count} (/proc/PID/fd: ${codes}${hint}): ${named.join(', ')}${more}`;
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
    if (sockets.length === 0) return [];
    const { owners, unread } = socketOwners(ctx, new Set(sockets.map((s) => s.inode)));
    const ownersUnread = unreadOwnersReason(unread);
    return sockets.map((s) => {
      // A kernel socket (inode 0) has no owning process to miss.
      if (s.inode === 0) return { ...s, owners: [] };
      const l: Listener = { ...s, owners: owners.get(s.inode) ?? [] };
      return ownersUnread ? { ...l, ownersUnread } : l;
    });
  },
};
