// How a probe reads a failed file-system call. Only absence (ENOENT, ENOTDIR) may be read as "nothing there".
// Anything else, above all a permission error as non-root (EACCES, EPERM), means the probe did not look: the
// rules that depend on it are `unchecked` with the reason, never clean. (As non-root, an unreadable
// /proc/net/ip_tables_names was once read as "no legacy tables", and a legacy-only rule said CLEAN.)
import { ProbeUnavailable } from './probe.js';

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** True when the error says the thing is not there (or a parent is not a directory). */
export function isAbsent(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** "cannot read /x: EACCES (permission denied; run as root)" */
export function unreadableReason(what: string, err: unknown): string {
  const code = errorCode(err);
  const hint = code === 'EACCES' || code === 'EPERM' ? ' (permission denied; run as root)' : '';
  return `cannot read ${what}: ${code ?? (err instanceof Error ? err.message : String(err))}${hint}`;
}

/** For a read whose absence means "none": returns on absence, throws ProbeUnavailable on anything else. */
export function absentOrUnavailable(what: string, err: unknown): void {
  if (!isAbsent(err)) throw new ProbeUnavailable(unreadableReason(what, err));
}
