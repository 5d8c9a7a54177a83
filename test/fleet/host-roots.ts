// Host filesystems for --root scans in the fleet tests: the dirty fixture (fixtures/hostroot), a clean node built
// from the same fixture's shape with nothing of Kubernetes on it, and a root whose /proc has no socket tables
// (its port rules cannot be checked). Written below a directory the test owns and removes.
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixture } from '../helpers/cli.js';

function put(root: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

function firstLine(file: string): string {
  return `${readFileSync(fixture('hostroot', file), 'utf8').split('\n')[0]}\n`;
}

/** A copy of fixtures/hostroot: a node with kubelet, static pods, PKI, CNI links and ports left over. */
export function dirtyRoot(dir: string): string {
  cpSync(fixture('hostroot'), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

/** A clean node: identity files, PID 1 (systemd), the root mount, eth0, no sockets, nothing of Kubernetes. */
export function cleanRoot(dir: string, hostname: string): string {
  put(dir, 'etc/hostname', `${hostname}\n`);
  put(dir, 'etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n');
  put(dir, 'etc/machine-id', '0123456789abcdef0123456789abcdef\n');
  put(dir, 'etc/hosts', '127.0.0.1 localhost\n');
  put(dir, 'proc/1/comm', 'systemd\n');
  put(dir, 'proc/1/cmdline', '/sbin/init\0');
  put(dir, 'proc/1/mountinfo', '22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda rw\n');
  for (const f of ['tcp', 'tcp6', 'udp']) put(dir, `proc/1/net/${f}`, firstLine(`proc/1/net/${f}`));
  cpSync(fixture('hostroot', 'sys/class/net/eth0'), path.join(dir, 'sys/class/net/eth0'), { recursive: true });
  mkdirSync(path.join(dir, 'run'), { recursive: true });
  mkdirSync(path.join(dir, 'var/lib'), { recursive: true });
  symlinkSync('../run', path.join(dir, 'var/run'));
  return dir;
}

/** A node whose /proc has no socket tables: nothing found, but its port rules are unchecked. */
export function noProcRoot(dir: string, hostname: string): string {
  cleanRoot(dir, hostname);
  rmSync(path.join(dir, 'proc/1/net'), { recursive: true, force: true });
  return dir;
}
