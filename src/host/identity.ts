// Host identity for the report header. On the running host it comes from systeminformation's osInfo() and
// uuid(), which do this well (distro name and release across distributions, machine id); it runs while the
// probes work, and the os module stands in if it is slow or fails. Under --root it is read from the mounted
// filesystem (/etc/hostname, /etc/os-release), since systeminformation can only describe this machine.
import { readFileSync } from 'node:fs';
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

function fromFiles(ctx: ProbeContext): HostIdentity {
  return {
    hostname: readTrim(ctx.hostPath('/etc/hostname')) ?? 'unknown',
    os: osReleaseName(readTrim(ctx.hostPath('/etc/os-release')) ?? readTrim(ctx.hostPath('/usr/lib/os-release'))) ?? 'unknown',
    kernel: 'unknown (--root)',
    arch: 'unknown',
    root: ctx.root,
    machineId: readTrim(ctx.hostPath('/etc/machine-id')),
  };
}

function fromOsModule(): HostIdentity {
  return {
    hostname: os.hostname(),
    os: osReleaseName(readTrim('/etc/os-release')) ?? `${os.type()} ${os.release()}`,
    kernel: os.release(),
    arch: os.arch(),
    root: '/',
    machineId: readTrim('/etc/machine-id'),
  };
}

async function fromSysteminformation(): Promise<HostIdentity> {
  const si = (await import('systeminformation')).default;
  const [info, uuid] = await Promise.all([si.osInfo(), si.uuid()]);
  return {
    hostname: info.hostname || os.hostname(),
    os: [info.distro, info.release].filter(Boolean).join(' ') || `${os.type()} ${os.release()}`,
    kernel: info.kernel || os.release(),
    arch: info.arch || os.arch(),
    root: '/',
    machineId: uuid.os || undefined,
  };
}

export async function hostIdentity(ctx: ProbeContext, limitMs: number): Promise<HostIdentity> {
  if (!ctx.onHost) return fromFiles(ctx);
  let timer: NodeJS.Timeout | undefined;
  const fallback = new Promise<HostIdentity>((resolve) => {
    timer = setTimeout(() => resolve(fromOsModule()), limitMs);
    timer.unref();
  });
  try {
    return await Promise.race([fromSysteminformation().catch(() => fromOsModule()), fallback]);
  } finally {
    clearTimeout(timer);
  }
}
