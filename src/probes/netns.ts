// Named network namespace probe: entries of /run/netns, each told apart as live (an nsfs mount is on it) or a
// stale file left after the namespace died.
import { readdirSync } from 'node:fs';
import { nameFromBytes } from '../byte-names.js';
import type { NetnsCheck } from '../model/rule.js';
import { canonicalRunPath, type ProbeContext } from './context.js';
import { readMounts } from './mounts.js';
import { absentOrUnavailable } from './fs-errors.js';
import type { Probe } from './probe.js';

export interface NamedNetns {
  /** The name as text (`\xHH` for each raw byte when it is not valid UTF-8, never the lossy U+FFFD spelling). */
  name: string;
  hostPath: string;
  mounted: boolean;
  /** Set when the name is not valid UTF-8: `ip netns` addresses it as text, so nothing may act on it by name. */
  notText?: true;
}

export const netnsProbe: Probe<NetnsCheck, NamedNetns[]> = {
  id: 'netns',
  async gather(ctx: ProbeContext) {
    const dirs = ctx.varRunIsRun ? ['/run/netns'] : ['/run/netns', '/var/run/netns'];
    const nsfsMounts = new Set(
      readMounts(ctx)
        .filter((m) => (m.fstype === 'nsfs' || m.fstype === 'proc') && !m.notText)
        .map((m) => canonicalRunPath(ctx, m.mountPoint)),
    );
    const out: NamedNetns[] = [];
    for (const dir of dirs) {
      let names: Buffer[];
      try {
        names = readdirSync(ctx.hostPathFollow(dir), { encoding: 'buffer' });
      } catch (err) {
        absentOrUnavailable(dir, err);
        continue;
      }
      for (const raw of names) {
        // Read as bytes: a name decoded lossily would be another namespace's (the U+FFFD spelling).
        const { text: name, bytes } = nameFromBytes(raw);
        const hostPath = canonicalRunPath(ctx, `${dir}/${name}`);
        out.push(bytes ? { name, hostPath, mounted: false, notText: true } : { name, hostPath, mounted: nsfsMounts.has(hostPath) });
      }
    }
    return out;
  },
};
