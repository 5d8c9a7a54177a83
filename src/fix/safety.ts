// What the fix plan refuses to touch, and the name checks that keep a value from being read as something else
// by the command it is given to. A refusal becomes a comment in the script with the reason and what the scan saw;
// the script never gets a command for it.
import path from 'node:path';
import { IPTABLES_TABLES } from '../model/rule.js';
import { FOREIGN_CHAIN } from '../checks/iptables.js';

/** Directories (and files) that are never removed whole, whatever a rule or a scan says. */
const PROTECTED_EXACT = new Set([
  '/etc/systemd',
  '/etc/systemd/system',
  '/etc/systemd/user',
  '/etc/systemd/network',
  '/etc/default',
  '/etc/sysconfig',
  '/etc/ssl',
  '/etc/ssl/certs',
  '/etc/pki',
  '/etc/apt',
  '/etc/apt/sources.list.d',
  '/etc/apt/keyrings',
  '/etc/yum.repos.d',
  '/etc/sysctl.d',
  '/etc/modules-load.d',
  '/etc/modprobe.d',
  '/etc/NetworkManager',
  '/etc/network',
  '/etc/netplan',
  '/etc/security',
  '/etc/pam.d',
  '/etc/sudoers.d',
  '/etc/ssh',
  '/etc/cron.d',
  '/etc/profile.d',
  '/etc/init.d',
  '/etc/bash_completion.d',
  '/etc/udev',
  '/etc/dbus-1',
  '/etc/alternatives',
  '/etc/ld.so.conf.d',
  '/etc/selinux',
  '/etc/passwd',
  '/etc/shadow',
  '/etc/group',
  '/etc/gshadow',
  '/etc/sudoers',
  '/etc/hosts',
  '/etc/hostname',
  '/etc/resolv.conf',
  '/etc/fstab',
  '/etc/machine-id',
  '/etc/os-release',
  '/etc/sysctl.conf',
  '/run/systemd',
  '/run/systemd/system',
  '/run/systemd/transient',
  '/run/systemd/generator',
  '/run/systemd/generator.late',
  '/run/user',
  '/run/lock',
  '/run/shm',
  '/run/udev',
  '/run/dbus',
  '/run/sshd',
  '/run/mount',
  '/run/netns',
  '/run/initramfs',
  '/run/log',
  '/lib/systemd',
  '/lib/systemd/system',
  '/usr/lib/systemd',
  '/usr/lib/systemd/system',
  '/usr/local/lib/systemd',
  '/usr/local/lib/systemd/system',
  '/usr/libexec',
]);

/** Home-directory parts that hold far more than Kubernetes state. */
const PROTECTED_HOME_PARTS = new Set(['.config', '.cache', '.local', '.ssh', '.gnupg']);

const KERNEL_TREES = ['/proc', '/sys', '/dev'];

export type PathOp = 'remove' | 'unmount' | 'edit';

/** Why a host path is not in the canonical absolute form the plan works with, or undefined. */
export function malformedPath(p: string): string | undefined {
  if (p === '') return 'empty path';
  if (p.includes('\0')) return 'contains a NUL byte';
  if (!p.startsWith('/')) return 'not an absolute path';
  if (p === '/') return undefined;
  const parts = p.split('/').slice(1);
  if (parts.some((s) => s === '..')) return 'contains a ".." component';
  if (parts.some((s) => s === '.')) return 'contains a "." component';
  if (parts.some((s) => s === '')) return 'not in canonical form (an empty component or a trailing slash)';
  return undefined;
}

function under(p: string, dir: string): boolean {
  return p === dir || p.startsWith(`${dir}/`);
}

/**
 * Why the plan refuses `op` on host path `p`, or undefined when it may act (the script still re-checks mounts,
 * the type it saw and that the path exists, at run time).
 */
export function pathRefusal(p: string, op: PathOp): string | undefined {
  const bad = malformedPath(p);
  if (bad) return bad;
  if (p === '/') return 'the root directory';
  const parts = p.split('/').slice(1);
  const top = `/${parts[0] ?? ''}`;
  for (const k of KERNEL_TREES) {
    if (under(p, k)) {
      return op === 'unmount'
        ? `${k} belongs to the kernel and the init system; nothing below it is unmounted by this plan`
        : `under ${k}: kernel state, never removed or edited by hand (a reboot clears it)`;
    }
  }
  if (top === '/boot') return 'under /boot: the kernel and boot loader';
  // An edit changes lines inside a file (sed -i): shared files such as /etc/hosts are exactly what it is for.
  if (op === 'edit') return undefined;
  if (parts.length === 1) return `${p} is a top-level system directory`;
  if (parts.length === 2 && (/^\/lib/.test(top) || top === '/bin' || top === '/sbin')) return `${p} is a system directory`;
  if (parts.length === 2 && (top === '/usr' || top === '/var' || top === '/home')) return `${p} is a system directory`;
  if (op === 'unmount') return PROTECTED_EXACT.has(p) ? `${p} is a system directory` : undefined;
  if (PROTECTED_EXACT.has(p)) return `${p} is a system directory or file that is never removed whole`;
  if (parts.length === 3 && (p.startsWith('/usr/local/') || p.startsWith('/usr/lib/') || p.startsWith('/usr/lib64/') || p.startsWith('/usr/share/'))) {
    return `${p} is a system directory`;
  }
  if (top === '/root' && parts.length === 2 && PROTECTED_HOME_PARTS.has(parts[1] ?? '')) return `${p} holds far more than Kubernetes state`;
  if (top === '/home' && parts.length === 3 && PROTECTED_HOME_PARTS.has(parts[2] ?? '')) return `${p} holds far more than Kubernetes state`;
  if (/\.(wants|requires|upholds)$/.test(p) && /\/systemd\//.test(p)) return `${p} holds the enablement links of every unit`;
  return undefined;
}

/**
 * A name holding U+FFFD may be a lossy reading of bytes that are not UTF-8: acting on that spelling could reach
 * another object whose name really is the U+FFFD spelling. Names read as bytes carry those bytes instead.
 */
const LOSSY = 'the name holds U+FFFD, which may stand for bytes that are not UTF-8: not addressed by this plan (remove it by hand)';

/** Why a cgroup directory is not one the plan may rmdir, or undefined. */
export function cgroupRefusal(p: string, hierarchy: string): string | undefined {
  const bad = malformedPath(p);
  if (bad) return bad;
  if (!p.startsWith('/sys/fs/cgroup/')) return 'not below /sys/fs/cgroup';
  const root = hierarchy === 'v2' ? '/sys/fs/cgroup' : `/sys/fs/cgroup/${hierarchy}`;
  if (p === root) return `${p} is a cgroup hierarchy root, not a cgroup below it`;
  if (!p.startsWith(`${root}/`)) return `${p} is not below the root of its hierarchy (${hierarchy || 'not recorded'}: ${root})`;
  if (/\/(init\.scope|system\.slice|user\.slice|machine\.slice|-\.slice)$/.test(p)) return `${p} is a cgroup of the init system`;
  if (p.includes('\ufffd')) return LOSSY;
  return undefined;
}

/** The mount point as /proc/self/mountinfo spells it: space, tab, newline and backslash as octal escapes. */
export function mountinfoPath(p: string): string {
  return p.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** Is `child` strictly below `parent`? */
export function isBelow(child: string, parent: string): boolean {
  return parent === '/' ? child !== '/' : child.startsWith(`${parent}/`);
}

export function parentDir(p: string): string {
  return path.posix.dirname(p);
}

// ------------------------------------------------------------------ names given to network and init tools

/** Linux interface names: 1–15 bytes, no '/', ':' or whitespace, not '.' or '..'. Passed after `dev`. */
export function interfaceNameProblem(name: string): string | undefined {
  if (name === '' || Buffer.byteLength(name) > 15) return 'not a valid interface name (1–15 bytes)';
  if (/[\s/:]/.test(name) || name === '.' || name === '..') return 'not a valid interface name';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters';
  if (name.includes('\ufffd')) return 'the name is not valid UTF-8 and the scan did not record its bytes';
  return undefined;
}

/** An interface name given as bytes (not valid UTF-8): the kernel's rules, on the bytes. */
export function interfaceBytesProblem(hex: string): string | undefined {
  const b = Buffer.from(hex, 'hex');
  if (b.length === 0 || b.length > 15) return 'not a valid interface name (1\u201315 bytes)';
  if (b.some((x) => x === 0x2f || x === 0x3a || x <= 0x20 || x === 0x7f)) return 'not a valid interface name, or it contains control characters';
  return undefined;
}

/** Names `ip netns` accepts: a file name in /run/netns, not an option. */
export function netnsNameProblem(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) return 'not a valid network namespace name';
  if (name.includes('\ufffd')) return LOSSY;
  if (name.startsWith('-')) return 'starts with "-" (would be read as an option)';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters';
  return undefined;
}

export function unitNameProblem(unit: string): string | undefined {
  if (!/^[A-Za-z0-9:_.\\@-]+\.(service|socket|slice|scope|target|mount|automount|swap|timer|path|device)$/.test(unit)) return 'not a systemd unit name';
  if (unit.startsWith('-') && unit !== '-.slice') return 'starts with "-" (would be read as an option)';
  return undefined;
}

/** ipset names: up to 31 characters, no whitespace, not an option. */
export function ipsetNameProblem(name: string): string | undefined {
  if (name === '' || name.length > 31 || /[\s\u0000-\u001f\u007f]/.test(name)) return 'not a valid ipset name';
  if (name.includes('\ufffd')) return LOSSY;
  if (name.startsWith('-')) return 'starts with "-" (would be read as an option)';
  return undefined;
}

/**
 * nft joins its arguments into one line of its own language, so a name must be a plain nft identifier (a name
 * such as `x; flush ruleset` would otherwise become a second command).
 */
export function nftNameProblem(family: string, table: string): string | undefined {
  if (!['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'].includes(family)) return `unknown nftables family "${family}"`;
  if (!/^[A-Za-z_][A-Za-z0-9_.\-/]{0,255}$/.test(table)) return 'not a plain nftables identifier (nft would parse it as more than a name)';
  return undefined;
}

const IPTABLES_BUILTIN = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);

export function iptablesCommandProblem(cmd: string): string | undefined {
  return /^ip6?tables(-nft|-legacy)?$/.test(cmd) ? undefined : `unknown iptables command "${cmd}"`;
}

export function iptablesTableProblem(table: string): string | undefined {
  return (IPTABLES_TABLES as readonly string[]).includes(table) ? undefined : `unknown iptables table "${table}"`;
}

/** A chain the plan may flush and delete: a user chain with a plain name that is not another program's. */
export function chainProblem(chain: string): string | undefined {
  if (chain === '' || chain.length > 28 || /[\s\u0000-\u001f\u007f]/.test(chain) || chain.startsWith('-') || chain.startsWith('!')) return 'not a valid chain name';
  if (IPTABLES_BUILTIN.has(chain)) return `${chain} is a built-in chain: it is never flushed or deleted`;
  if (FOREIGN_CHAIN.test(chain)) return `${chain} belongs to other software (Docker, Tailscale, ufw, firewalld)`;
  return undefined;
}

/** A chain a rule to delete may sit in (built-in chains allowed: only the one rule is deleted). */
export function ruleChainProblem(chain: string): string | undefined {
  if (chain === '' || chain.length > 28 || /[\s\u0000-\u001f\u007f]/.test(chain) || chain.startsWith('-') || chain.startsWith('!')) return 'not a valid chain name';
  if (FOREIGN_CHAIN.test(chain)) return `${chain} belongs to other software (Docker, Tailscale, ufw, firewalld)`;
  return undefined;
}

export function pidProblem(pid: string): string | undefined {
  if (!/^[1-9][0-9]{0,9}$/.test(pid)) return 'not a process id';
  if (pid === '1') return 'process 1 is the init process';
  return undefined;
}

/** Only a process the scan saw in the host's PID namespace is ever ended (the script checks it again). */
export function pidNamespaceProblem(ns: string | undefined): string | undefined {
  if (ns === 'host') return undefined;
  if (ns === 'other') return 'the process is in another PID namespace than the host\'s PID 1 (a container\'s process, or a kubelet inside a kind or container node): not the host\'s, never ended by this plan';
  return 'the scan did not record whether the process is in the host\'s PID namespace, so it is not ended (scan again with this version)';
}

const IPVS_FLAGS = new Set(['-t', '-u', '--sctp-service', '-f']);

export function ipvsProblem(flag: string, address: string): string | undefined {
  if (!IPVS_FLAGS.has(flag)) return `unknown ipvsadm service flag "${flag}"`;
  if (flag === '-f') return /^[0-9]{1,10}$/.test(address) ? undefined : 'not a firewall mark';
  return /^(\[[0-9A-Fa-f:.]+\]|[0-9.]+|[0-9A-Fa-f:]+):[0-9]{1,5}$/.test(address) ? undefined : 'not an address:port';
}

/** Fallback devices of tunnel modules: they cannot be deleted, only go when the module is unloaded. */
export const FALLBACK_DEVICES = new Set(['tunl0', 'ip6tnl0', 'sit0', 'gre0', 'gretap0', 'erspan0', 'ip_vti0', 'ip6_vti0', 'ip6gre0']);
