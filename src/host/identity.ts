// Host identity for the report header, read from files: on the running host /etc/*-release, os-release and
// machine-id plus the os module; under --root the same files below the mounted filesystem.
//
// It used to come from systeminformation's osInfo() and uuid(). On Linux those read the very same files, but
// through about 20 child processes, some of them execSync calls that block the event loop, and uuid() walks
// every network interface (125 ms of the main thread on a node with 2,000 links). The distribution name and
// release are derived here the way osInfo() derives them, so reports name the OS exactly as before.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { HostIdentity } from '../model/result.js';
import type { ProbeContext } from '../probes/context.js';

function readTrim(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function osReleaseName(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  return m?.[1]?.replace(/^"(.*)"$/, '$1');
}

/**
 * `KEY=value` pairs of the release files, later files overriding earlier ones: /etc/*-release in name order
 * (lsb-release's DISTRIB_* and os-release's keys), then /usr/lib/os-release and /etc/openwrt_release. Like
 * osInfo(), a key is upper-cased and its value is the text between the first and the second `=`, trimmed.
 */
export function releaseFields(readEtc: () => string[], read: (file: string) => string | undefined): Record<string, string> {
  const files = [
    ...readEtc()
      .filter((n) => n.endsWith('-release'))
      .sort()
      .map((n) => `/etc/${n}`),
    '/usr/lib/os-release',
    '/etc/openwrt_release',
  ];
  const fields: Record<string, string> = {};
  for (const file of files) {
    for (const line of (read(file) ?? '').split('\n')) {
      if (!line.includes('=')) continue;
      const parts = line.split('=');
      fields[(parts[0] ?? '').trim().toUpperCase()] = (parts[1] ?? '').trim();
    }
  }
  return fields;
}

/** Distribution and release as osInfo() names them on Linux, e.g. `Debian GNU/Linux` and `12`. */
export function distroAndRelease(fields: Record<string, string>): { distro: string; release: string } {
  const unquote = (s: string | undefined): string => (s ?? '').replace(/"/g, '');
  const distro = unquote(fields.DISTRIB_ID || fields.NAME || 'unknown');
  let version = unquote(fields.VERSION);
  const pretty = unquote(fields.PRETTY_NAME);
  if (pretty.startsWith(`${distro} `)) version = pretty.replace(`${distro} `, '').trim();
  if (version.includes('(')) version = (version.split('(')[0] ?? '').trim();
  const release = unquote(version || fields.DISTRIB_RELEASE || fields.VERSION_ID || 'unknown');
  return { distro, release };
}

function fromFiles(ctx: ProbeContext): HostIdentity {
  return {
    hostname: readTrim(ctx.hostPathFollow('/etc/hostname')) ?? 'unknown',
    os: osReleaseName(readTrim(ctx.hostPathFollow('/etc/os-release')) ?? readTrim(ctx.hostPathFollow('/usr/lib/os-release'))) ?? 'unknown',
    kernel: 'unknown (--root)',
    arch: 'unknown',
    root: ctx.root,
    machineId: readTrim(ctx.hostPathFollow('/etc/machine-id')),
  };
}

function fromRunningHost(): HostIdentity {
  const etc = (): string[] => {
    try {
      return readdirSync('/etc');
    } catch {
      return [];
    }
  };
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const { distro, release } = distroAndRelease(releaseFields(etc, read));
  // D-Bus's copy first, as systemd's sd_id128_get_machine() and osInfo() read it.
  const machineId = (readTrim('/var/lib/dbus/machine-id') ?? readTrim('/etc/machine-id'))?.split('\n')[0]?.trim().toLowerCase();
  // Which boot of this machine the scan saw (audit trail); a mounted --root has no readable boot id.
  const bootId = readTrim('/proc/sys/kernel/random/boot_id');
  return {
    hostname: os.hostname(),
    os: [distro, release].filter(Boolean).join(' ') || `${os.type()} ${os.release()}`,
    kernel: os.release(),
    arch: os.arch(),
    root: '/',
    machineId: machineId || undefined,
    ...(bootId ? { bootId } : {}),
  };
}

export function hostIdentity(ctx: ProbeContext): HostIdentity {
  return ctx.onHost ? fromRunningHost() : fromFiles(ctx);
}
