// Cgroup probe: walks each cgroup hierarchy (the v2 root, or every v1 controller plus `unified`) to a small
// fixed depth. kubepods trees sit at depth 1–2; a `**` walk over a busy node's cgroupfs costs 100–200 ms
// (ecosystem.md §2.2), a bounded walk a few.
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { joinName, nameFromBytes, type ByteName } from '../byte-names.js';
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
  /** Set when a name on the path is not valid UTF-8 (`\xHH` in `hostPath`): nothing may act on it by text. */
  notText?: true;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Child cgroups by name, read as bytes (a name need not be valid UTF-8). */
function subdirs(dir: string | Buffer): Buffer[] {
  try {
    return readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch (err) {
    absentOrUnavailable(nameFromBytes(Buffer.from(dir)).text, err); // a cgroup removed meanwhile is gone; an unreadable one is not "none"
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
      : subdirs(root).map((raw) => nameFromBytes(raw).text).map((name) => ({ dir: path.join(root, name), name }));
    const out: CgroupDir[] = [];
    for (const h of hierarchies) {
      // Walked as bytes: a cgroup whose name is not UTF-8 is entered as itself and named with `\xHH` escapes.
      const walk = (dir: ByteName, names: readonly Buffer[], depth: number): void => {
        for (const raw of names) {
          const name = nameFromBytes(raw);
          const full = joinName(dir, name);
          const kids = depth < maxDepth ? subdirs(full.bytes ?? full.text) : [];
          const notText = full.bytes ? { notText: true as const } : {};
          out.push({ hostPath: ctx.toHostPath(full.text), name: name.text, hierarchy: h.name, depth, children: kids.length, ...notText });
          if (kids.length > 0) walk(full, kids, depth + 1);
        }
      };
      walk({ text: h.dir }, subdirs(h.dir), 1);
    }
    return out;
  },
};
