// Path probe: literal paths with one lstat each (about 50× cheaper than pushing them through a glob walker,
// ecosystem.md §2.1), globs with fast-glob bounded in depth and never following symlinks.
import { lstatSync, opendirSync, type Stats } from 'node:fs';
import fg from 'fast-glob';
import type { PathCheck } from '../model/rule.js';
import { canonicalRunPath, type ProbeContext } from './context.js';
import type { Probe } from './probe.js';

export type PathType = 'file' | 'dir' | 'symlink' | 'other';

export interface PathEntry {
  /** The path on the scanned host (without the --root prefix, /run spelling). */
  hostPath: string;
  type: PathType;
  size: number;
  /** Directories: has at least one entry. Files: size > 0. Symlinks: always true. */
  nonEmpty: boolean;
}

/** Every pattern a rule asked for → what exists there. */
export type PathFacts = Map<string, PathEntry[]>;

const DEFAULT_GLOB_DEPTH = 4;

function typeOf(st: Stats): PathType {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return 'other';
}

function dirHasEntries(p: string): boolean {
  // Reading one entry is enough and costs the same for 10 or 100,000 entries.
  try {
    const dir = opendirSync(p);
    try {
      return dir.readSync() !== null;
    } finally {
      dir.closeSync();
    }
  } catch {
    return false;
  }
}

export function describePathEntry(ctx: ProbeContext, hostPath: string): PathEntry | undefined {
  const st = lstatSync(ctx.hostPath(hostPath), { throwIfNoEntry: false });
  if (!st) return undefined;
  const type = typeOf(st);
  const nonEmpty = type === 'dir' ? dirHasEntries(ctx.hostPath(hostPath)) : type === 'symlink' ? true : st.size > 0;
  return { hostPath, type, size: st.size, nonEmpty };
}

/** The spellings of a pattern to look at: `/var/run/x` and `/run/x` are one place on systemd hosts, two elsewhere. */
export function patternSpellings(ctx: ProbeContext, pattern: string): string[] {
  const canonical = canonicalRunPath(ctx, pattern);
  if (ctx.varRunIsRun) return [canonical];
  if (pattern.startsWith('/run/')) return [pattern, `/var${pattern}`];
  return [pattern];
}

export function globHostPaths(ctx: ProbeContext, pattern: string, deep: number): string[] {
  const found = fg.sync(pattern.replace(/^\/+/, ''), {
    cwd: ctx.root,
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    suppressErrors: true,
    unique: true,
    deep,
  });
  return found.map((rel) => canonicalRunPath(ctx, `/${rel}`));
}

export const pathProbe: Probe<PathCheck, PathFacts> = {
  id: 'path',
  async gather(ctx, requests) {
    const facts: PathFacts = new Map();
    for (const check of requests) {
      for (const pattern of check.paths) {
        if (facts.has(pattern)) continue;
        const entries = new Map<string, PathEntry>();
        for (const spelling of patternSpellings(ctx, pattern)) {
          const hostPaths = fg.isDynamicPattern(spelling)
            ? globHostPaths(ctx, spelling, check.maxDepth ?? DEFAULT_GLOB_DEPTH)
            : [canonicalRunPath(ctx, spelling)];
          for (const hp of hostPaths) {
            const e = entries.has(hp) ? undefined : describePathEntry(ctx, hp);
            if (e) entries.set(hp, e);
          }
        }
        facts.set(pattern, [...entries.values()]);
      }
    }
    return facts;
  },
};
