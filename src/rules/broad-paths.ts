// Path globs that reach system trees. A user rule with `paths: ["/**"]` (or `/etc/*`, `/usr/bin/*`) would make
// a scan report, and the fix plan remove, thousands of the host's own files: /etc/pam.d/*, /usr/bin/*. Such a
// rule is rejected when it is loaded, by `rules validate` and by a scan alike. A glob is too broad when it
// could match one of the paths below, which are never Kubernetes residue, or when its first wildcard sits
// directly below / (`/*`, `/e*/...`).
import picomatch from 'picomatch';
import { isPlainName } from '../glob.js';

/** Paths that no rule may be able to match: system directories and a sample of what they hold. */
export const SYSTEM_PATHS = [
  '/',
  '/etc',
  '/etc/pam.d',
  '/etc/pam.d/common-auth',
  '/etc/pam.d/sshd',
  '/etc/ssh',
  '/etc/ssh/sshd_config',
  '/etc/passwd',
  '/etc/shadow',
  '/etc/group',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/hosts',
  '/etc/fstab',
  '/etc/hostname',
  '/etc/resolv.conf',
  '/etc/default',
  '/etc/default/grub',
  '/etc/systemd',
  '/etc/systemd/system',
  '/etc/systemd/system/sshd.service',
  '/etc/systemd/system/multi-user.target.wants',
  '/etc/apt/sources.list',
  '/etc/sysctl.conf',
  '/etc/modules-load.d',
  '/usr',
  '/usr/bin',
  '/usr/bin/bash',
  '/usr/bin/sudo',
  '/usr/sbin',
  '/usr/sbin/sshd',
  '/usr/lib',
  '/usr/lib/systemd/system/ssh.service',
  '/usr/lib/x86_64-linux-gnu/libc.so.6',
  '/usr/local',
  '/usr/local/bin',
  '/usr/share',
  '/bin',
  '/bin/sh',
  '/sbin',
  '/sbin/init',
  '/lib',
  '/lib/systemd/system/ssh.service',
  '/lib64',
  '/boot',
  '/boot/vmlinuz',
  '/boot/grub/grub.cfg',
  '/home',
  '/home/alice',
  '/home/alice/.ssh',
  '/home/alice/.ssh/authorized_keys',
  '/root',
  '/root/.ssh',
  '/root/.ssh/authorized_keys',
  '/root/.bashrc',
  '/var',
  '/var/lib',
  '/var/lib/dpkg',
  '/var/lib/dpkg/status',
  '/var/lib/rpm',
  '/var/log',
  '/var/log/syslog',
  '/var/spool/cron',
  '/opt',
  '/srv',
  '/tmp',
  '/run',
  '/run/systemd',
  '/proc',
  '/sys',
  '/dev',
] as const;

/** The files among SYSTEM_PATHS: a rule may name one exactly (to look at it; the fix plan never removes it). */
const SYSTEM_FILES = new Set(SYSTEM_PATHS.filter((p) => /\.[a-z0-9]+$|\/(passwd|shadow|group|sudoers|hosts|fstab|hostname|resolv\.conf|grub|sshd_config|common-auth|sshd|bash|sudo|sh|init|vmlinuz|authorized_keys|\.bashrc|status|syslog|sources\.list)$/.test(p)));

/** Why `glob` is too broad for a path rule, or undefined. */
export function broadPathProblem(glob: string): string | undefined {
  if (isPlainName(glob)) {
    const p = glob.endsWith('/') && glob !== '/' ? glob.slice(0, -1) : glob;
    const exact = SYSTEM_PATHS.find((s) => s === p && !SYSTEM_FILES.has(s));
    return exact === undefined ? undefined : `${glob} is a system directory, never Kubernetes residue`;
  }
  const parts = glob.split('/');
  if (parts.length >= 2 && !isPlainName(parts[1] ?? '')) return `${glob} has a wildcard directly below /, so it can match any top-level directory`;
  const spellings = glob.startsWith('/var/run/') ? [glob, glob.slice(4)] : glob.startsWith('/run/') ? [glob, `/var${glob}`] : [glob];
  for (const g of spellings) {
    const re = picomatch.makeRe(g, { dot: true });
    const hit = SYSTEM_PATHS.find((s) => re.test(s));
    if (hit !== undefined) return `${glob} can match ${hit}, which is never Kubernetes residue`;
  }
  return undefined;
}
