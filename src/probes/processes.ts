// Process probe: synchronous reads of /proc/<pid>/{comm,cmdline,stat,cgroup} and the exe and ns/pid links
// (10–13 ms for ~480 pids before stat/cgroup/ns were added, against ~450 ms for systeminformation's
// processes(), which runs one `cat` per process and names a process after argv[0] — ecosystem.md §1.1).
// The PID namespace tells the host's processes from those of containers and nested nodes (kind): only the
// former, and the processes of this host's Kubernetes pods, can be host residue.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { ProcessCheck } from '../model/rule.js';
import type { ProbeContext } from './context.js';
import { isAbsent } from './fs-errors.js';
import { hiddenProcessesReason } from './proc-visibility.js';
import { ProbeUnavailable, type Probe } from './probe.js';

export interface ProcessInfo {
  pid: number;
  comm: string;
  /** Arguments joined with spaces (NULs in /proc/PID/cmdline). Empty for kernel threads. */
  cmdline: string;
  /** Basename of /proc/PID/exe, or '' when the link cannot be read (other users' processes when not root). */
  exe: string;
  /** Parent pid (0 when unknown). */
  ppid: number;
  /** The process's cgroup paths as the scanner sees them (one per v1 hierarchy, or the v2 path). */
  cgroups: string[];
  /**
   * `host`: the same PID namespace as PID 1 of the scanned /proc; `other`: a container's or a nested node's
   * (its pid here is still the one to address it by from the host); `unknown`: the link could not be read.
   */
  pidNamespace: 'host' | 'other' | 'unknown';
  /** The exe link could not be read (another user's process, not root): `exe` is unknown, not empty. */
  exeUnreadable?: boolean;
}

function readLinkOr(file: string): string | undefined {
  try {
    return readlinkSync(file);
  } catch {
    return undefined;
  }
}

/** Field 4 of /proc/PID/stat; the comm in field 2 may hold spaces and parentheses, so parse after the last ')'. */
export function parentPid(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) ? ppid : 0;
}

/** The distinct paths of /proc/PID/cgroup (`hierarchy-id:controllers:path` lines). */
export function cgroupPaths(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const second = line.indexOf(':', line.indexOf(':') + 1);
    if (second !== -1) out.add(line.slice(second + 1));
  }
  return [...out];
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

export function readProcesses(ctx: ProbeContext): ProcessInfo[] {
  return ctx.memo('processes', () => {
    const procDir = ctx.hostPathFollow('/proc');
    let entries: string[];
    try {
      entries = readdirSync(procDir);
    } catch (err) {
      throw new ProbeUnavailable(`cannot read ${procDir}: ${(err as NodeJS.ErrnoException).code ?? ''}`);
    }
    const hidden = hiddenProcessesReason(ctx);
    if (hidden) throw new ProbeUnavailable(hidden);
    const self = ctx.onHost ? process.pid : -1;
    const hostPidNs = readLinkOr(`${procDir}/1/ns/pid`);
    const out: ProcessInfo[] = [];
    for (const name of entries) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid === self) continue;
      const base = `${procDir}/${name}`;
      const comm = readOr(`${base}/comm`, '').trim();
      if (!comm) continue; // gone between readdir and read
      const cmdline = readOr(`${base}/cmdline`, '').replace(/\0+$/, '').split('\0').join(' ');
      if (!cmdline) continue; // kernel thread
      let exe = '';
      let exeUnreadable = false;
      try {
        exe = readlinkSync(`${base}/exe`).replace(/ \(deleted\)$/, '');
        exe = exe.slice(exe.lastIndexOf('/') + 1);
      } catch (err) {
        exe = '';
        exeUnreadable = !isAbsent(err);
      }
      const ns = readLinkOr(`${base}/ns/pid`);
      const pidNamespace = ns === undefined || hostPidNs === undefined ? 'unknown' : ns === hostPidNs ? 'host' : 'other';
      const info: ProcessInfo = { pid, comm, cmdline, exe, ppid: parentPid(readOr(`${base}/stat`, '')), cgroups: cgroupPaths(readOr(`${base}/cgroup`, '')), pidNamespace };
      if (exeUnreadable) info.exeUnreadable = true;
      out.push(info);
    }
    return out;
  });
}

export const processProbe: Probe<ProcessCheck, ProcessInfo[]> = {
  id: 'process',
  async gather(ctx) {
    return readProcesses(ctx);
  },
};
