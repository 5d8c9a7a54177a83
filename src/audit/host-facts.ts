// The few host facts the audit trail adds to the report's host identity: the boot id (which boot of the machine
// the scan saw) and who ran it. Small reads of /proc; under --root the mounted host's boot id is unknowable.
import { readFileSync } from 'node:fs';

export function bootId(root: string): string | undefined {
  if (root !== '/') return undefined;
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function runningUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}
