// Cgroup probe: walks each cgroup hierarchy (the v2 root, or every v1 controller plus `unified`) to a small
// fixed depth. kubepods trees sit at depth 1–2; a `**` walk over a busy node's cgroupfs costs 100–200 ms
// (ecosystem.md §2.2), a bounded walk a few.
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { CgroupCheck } from '../model/rule.js';
import { absentOrUnavailable } from './fs-errors.js';
import { ProbeUnavailable, type Probe } from './probe.js';

export interface CgroupDir {
  /** Host path, e.g. /sys/fs/cgroup/memory/kubepods.slice. */
  hostPath: string;
  name: string;
  /** `v2` for a unified root, else the v1 hierarchy's directory name (memory, cpu,cpuacct, unified, systemd...). */
  hierarchy: string;
  depth: number;
  children: number;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch (err) {
    absentOrUnavailable(dir, err); // a cgroup removed meanwhile is gone; an unreadable one is not "none"
    return [];
  }
}

export const cgroupProbe: Probe<CgroupCheck, CgroupDir[]> = {
  id: 'cgroup',
  async gather(ctx, requests) {
    const maxDepth = Math.max(2, ...requests.map((r) => r.maxDepth ?? 2));
    const root = ctx.hostPathFollow(CGROUP_ROOT);
    if (!existsSync(root)) throw new ProbeUnavailable(`${CGROUP_ROOT} is not there`);
    const hierarchies: Array<{ dir: string; name: string }> = existsSync(path.join(root, 'cgroup.controllers'))
      ? [{ dir: root, name: 'v2' }]
      : subdirs(root).map((name) => ({ dir: path.join(root, name), name }));
    const out: CgroupDir[] = [];
    for (const h of hierarchies) {
      const walk = (dir: string, names: readonly string[], depth: number): void => {
        for (const name of names) {
          const full = path.join(dir, name);
          const kids = depth < maxDepth ? subdirs(full) : [];
          out.push({ hostPath: ctx.toHostPath(full), name, hierarchy: h.name, depth, children: kids.length });
          if (kids.length > 0) walk(full, kids, depth + 1);
        }
      };
      walk(h.dir, subdirs(h.dir), 1);
    }
    return out;
  },
};
