// Mount probe: /proc/<pid>/mountinfo read directly (1–3 ms even with hundreds of kubelet mounts). Not
// systeminformation's fsSize(): it keeps only block-device mounts and calls df, which hangs on dead NFS mounts.
import { readFileSync } from 'node:fs';
import { decodeToolOutput, hasRawBytes, showRawBytes } from '../byte-names.js';
import type { MountCheck } from '../model/rule.js';
import { parseMountinfo, type MountEntry } from '../parsers/mountinfo.js';
import type { ProbeContext } from './context.js';
import { ProbeUnavailable, type Probe } from './probe.js';

export function readMounts(ctx: ProbeContext): MountEntry[] {
  return ctx.memo('mountinfo', () => {
    // On the host, our own view; under --root, the host's init process's view (its mount namespace).
    const file = ctx.onHost ? '/proc/self/mountinfo' : ctx.hostPathFollow('/proc/1/mountinfo');
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch (err) {
      throw new ProbeUnavailable(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    // Paths are bytes: one that is not valid UTF-8 is kept apart from its U+FFFD look-alike (another mount).
    const text = decodeToolOutput(raw);
    const entries = parseMountinfo(text);
    if (!hasRawBytes(text)) return entries;
    return entries.map((m) =>
      hasRawBytes(m.mountPoint) || hasRawBytes(m.root) || hasRawBytes(m.source)
        ? { ...m, mountPoint: showRawBytes(m.mountPoint), root: showRawBytes(m.root), source: showRawBytes(m.source), notText: true as const }
        : m,
    );
  });
}

export const mountProbe: Probe<MountCheck, MountEntry[]> = {
  id: 'mount',
  async gather(ctx) {
    return readMounts(ctx);
  },
};
