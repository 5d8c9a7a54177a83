// Named network namespace probe: entries of /run/netns, each told apart as live (an nsfs mount is on it) or a
// stale file left after the namespace died.
import { readdirSync } from 'node:fs';
import type { NetnsCheck } from '../model/rule.js';
import { canonicalRunPath, type ProbeContext } from './context.js';
import { readMounts } from './mounts.js';
import { absentOrUnavailable } from './fs-errors.js';
import type { Probe } from './probe.js';

export interface NamedNetns {
  name: string;
  hostPath: string;
  mounted: boolean;
}

export const netnsProbe: Probe<NetnsCheck, NamedNetns[]> = {
  id: 'netns',
  async gather(ctx: ProbeContext) {
    const dirs = ctx.varRunIsRun ? ['/run/netns'] : ['/run/netns', '/var/run/netns'];
    const nsfsMounts = new Set(
      readMounts(ctx)
        .filter((m) => m.fstype === 'nsfs' || m.fstype === 'proc')
        .map((m) => canonicalRunPath(ctx, m.mountPoint)),
    );
    const out: NamedNetns[] = [];
    for (const dir of dirs) {
      let names: string[];
      try {
        names = readdirSync(ctx.hostPathFollow(dir));
      } catch (err) {
        absentOrUnavailable(dir, err);
        continue;
      }
      for (const name of names) {
        const hostPath = canonicalRunPath(ctx, `${dir}/${name}`);
        out.push({ name, hostPath, mounted: nsfsMounts.has(hostPath) });
      }
    }
    return out;
  },
};
