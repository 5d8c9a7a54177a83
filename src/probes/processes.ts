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
  /** The exe link could not be read (another user's process, not root): `exe` is unknown, not empty. */
  exeUnreadable?: boolean;
  /** Parent pid (0 or absent when unknown). */
  ppid?: number;
  /** The process's cgroup paths as the scanner sees them (one per v1 hierarchy, or the v2 path). */
  cgroups?: string[];
  /**
   * `host`: the same PID namespace as PID 1 of the scanned /proc; `other`: a container's or a nested node's
   * (its pid here is still the one to address it by from the host); `unknown`: the link could not be read.
   */
  pidNamespace?: 'host' | 'other' | 'unknown';
}

function readLinkOr(file: string): string | undefined {
  try {
    return readlinkSync(file);
  } catch {
    return undefined;
  }
}

/** How to recognize the scanned host's PID namespace: PID 1's ns/pid link, and its depth of nesting. */
export interface HostPidNamespace {
  link?: string;
  depth?: number;
}

/**
 * `NSpid:` of /proc/PID/status lists the pid in every PID namespace from the reader's down to the process's own,
 * so its length is how deeply the process is nested. Readable without ptrace rights, unlike the ns/pid link
 * (which a scanner without CAP_SYS_PTRACE over PID 1 cannot read): the fallback that still tells them apart.
 */
export function nsPidDepth(status: string): number | undefined {
  const m = /^NSpid:\s*([\d\s]+)$/m.exec(status);
  return m ? (m[1] as string).trim().split(/\s+/).length : undefined;
}

/** `PPid:` of /proc/PID/status (0 when absent). */
export function statusParentPid(status: string): number {
  const m = /^PPid:\s*(\d+)/m.exec(status);
  return m ? Number(m[1]) : 0;
}

export function hostPidNamespace(procDir: string): HostPidNamespace {
  let status = '';
  try {
    status = readFileSync(`${procDir}/1/status`, 'utf8');
  } catch {
    status = '';
  }
  return { link: readLinkOr(`${procDir}/1/ns/pid`), depth: nsPidDepth(status) };
}

/** The PID namespace of a process (`/proc/<pid>`, its status text given) against the scanned host's PID 1's. */
export function pidNamespaceOf(procPidDir: string, host: HostPidNamespace, status?: string): ProcessInfo['pidNamespace'] {
  const link = host.link === undefined ? undefined : readLinkOr(`${procPidDir}/ns/pid`);
  if (link !== undefined && host.link !== undefined) return link === host.link ? 'host' : 'other';
  let text = status;
  if (text === undefined) {
    try {
      text = readFileSync(`${procPidDir}/status`, 'utf8');
    } catch {
      text = '';
    }
  }
  const depth = nsPidDepth(text);
  if (depth === undefined || host.depth === undefined) return 'unknown';
  // Every process in this /proc is in PID 1's namespace or one nested below it.
  return depth === host.depth ? 'host' : 'other';
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
    const hostPidNs = hostPidNamespace(procDir);
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
      // status gives the parent and the namespace depth in one read (no ptrace rights needed).
      const status = readOr(`${base}/status`, '');
      const pidNamespace = pidNamespaceOf(base, hostPidNs, status);
      const info: ProcessInfo = { pid, comm, cmdline, exe, ppid: statusParentPid(status), cgroups: cgroupPaths(readOr(`${base}/cgroup`, '')), pidNamespace };
      out.push(exeUnreadable ? { ...info, exeUnreadable } : info);
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
