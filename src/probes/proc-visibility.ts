// /proc mounted with hidepid=1|2 (or invisible/noaccess) shows a user other than root only its own processes:
// an unprivileged scan would list no kubelet and call the process rules clean. That is a permission limit like
// EACCES, so the process probe reports it as unavailable instead (fs-errors.ts).
import { readFileSync } from 'node:fs';
import type { ProbeContext } from './context.js';

/** hidepid values that hide other users' processes (`hidepid=0`/`off` hides nothing). */
const HIDING = new Set(['1', '2', 'invisible', 'noaccess']);

/** Why other users' processes are hidden from this scan, or undefined when /proc shows them all. */
export function hiddenProcessesReason(ctx: ProbeContext): string | undefined {
  if (!ctx.onHost || process.getuid?.() === 0) return undefined;
  let mountinfo: string;
  try {
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined;
  }
  // The last /proc mount in the table is the one on top, the one a path lookup sees.
  const procLine = mountinfo
    .split('\n')
    .filter((line) => line.split(' - ')[0]?.split(' ')[4] === '/proc' && line.split(' - ')[1]?.startsWith('proc '))
    .at(-1);
  const superOptions = procLine?.split(' - ')[1]?.split(' ')[2] ?? '';
  const options = new Map(superOptions.split(',').map((o) => [o.split('=')[0] ?? '', o.split('=')[1] ?? ''] as const));
  const hidepid = options.get('hidepid');
  if (hidepid === undefined || !HIDING.has(hidepid)) return undefined;
  // gid=N lets that group see every process.
  const gid = options.get('gid');
  if (gid !== undefined && (process.getgroups?.() ?? []).includes(Number(gid))) return undefined;
  return `/proc is mounted with hidepid=${hidepid}: other users' processes are hidden (run as root)`;
}
