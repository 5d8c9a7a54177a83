// Mount probe: /proc/<pid>/mountinfo read directly (1–3 ms even with hundreds of kubelet mounts). Not
// systeminformation's fsSize(): it keeps only block-device mounts and calls df, which hangs on dead NFS mounts.
import { readFileSync } from 'node:fs';
import type { MountCheck } from '../model/rule.js';
import { parseMountinfo, type MountEntry } from '../parsers/mountinfo.js';
import type { ProbeContext } from './context.js';
import { ProbeUnavailable, type Probe } from './probe.js';

export function readMounts(ctx: ProbeContext): MountEntry[] {
  return ctx.memo('mountinfo', () => {
    // On the host, our own view; under --root, the host's init process's view (its mount namespace).
    const file = ctx.onHost ? '/proc/self/mountinfo' : ctx.hostPathFollow('/proc/1/mountinfo');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ProbeUnavailable(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return parseMountinfo(text);
  });
}

export const mountProbe: Probe<MountCheck, MountEntry[]> = {
  id: 'mount',
  async gather(ctx) {
    return readMounts(ctx);
  },
};
