// `--root` must name a Linux root filesystem, checked before any probe runs. A missing directory, an empty one
// or a regular file used to scan "clean" (every path absent, every /proc list empty): clean without looking.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CheckKind, Rule } from '../model/rule.js';
import { UsageError } from './errors.js';

/** Kinds whose probes read the scanned host's /proc (processes, sockets, mounts, IPVS, containers' live processes) under --root. */
const PROC_KINDS: readonly CheckKind[] = ['process', 'port', 'mount', 'ipvs', 'netns', 'container'];
/** Kinds whose probes read the scanned host's /sys (links, cgroups) under --root. */
const SYS_KINDS: readonly CheckKind[] = ['interface', 'cgroup'];

function isDir(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function hasEntries(p: string): boolean {
  try {
    return readdirSync(p).length > 0;
  } catch {
    return false;
  }
}

/** Throws a one-line UsageError when `root` cannot be the root of the host the selected rules describe. */
export function checkScanRoot(root: string, rules: readonly Rule[]): void {
  if (path.resolve(root) === '/') return;
  const st = statSync(root, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`--root ${root} does not exist`);
  if (!st.isDirectory()) throw new UsageError(`--root ${root} is not a directory (give the directory where the host's filesystem is mounted)`);
  if (!isDir(path.join(root, 'etc'))) throw new UsageError(`--root ${root} does not look like a Linux root filesystem: it has no /etc`);
  const missing: string[] = [];
  const need = (kinds: readonly CheckKind[]): Rule[] => rules.filter((r) => kinds.includes(r.check.kind));
  const procRules = need(PROC_KINDS);
  // A live /proc has a directory per process, PID 1 always; an image's empty mount point has none.
  if (procRules.length > 0 && !isDir(path.join(root, 'proc', '1'))) missing.push(`/proc (${procRules.length} selected rule${procRules.length === 1 ? '' : 's'}: ${kindsOf(procRules)})`);
  const sysRules = need(SYS_KINDS);
  if (sysRules.length > 0 && !hasEntries(path.join(root, 'sys'))) missing.push(`/sys (${sysRules.length} selected rule${sysRules.length === 1 ? '' : 's'}: ${kindsOf(sysRules)})`);
  if (missing.length > 0) {
    throw new UsageError(
      `--root ${root} has no mounted ${missing.join(' or ')}; bind-mount the host's /proc and /sys there, or select rules that only read files (--rule, --tag, --skip)`,
    );
  }
}

function kindsOf(rules: readonly Rule[]): string {
  return [...new Set(rules.map((r) => r.check.kind))].sort().join(', ');
}
