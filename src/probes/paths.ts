// Path probe: literal paths with one lstat each (about 50× cheaper than pushing them through a glob walker,
// ecosystem.md §2.1), globs with fast-glob bounded in depth and never following symlinks.
import { accessSync, constants, lstatSync, opendirSync, readlinkSync, type Stats } from 'node:fs';
import path from 'node:path';
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
  /** Symlinks: where the link points, as written (so a fix plan can refuse one that escapes its tree). */
  linkTarget?: string;
}

/** What exists where one pattern points, and what could not be looked at (permission denied). */
export interface PatternFacts {
  entries: PathEntry[];
  problems: string[];
}

/** Every pattern a rule asked for → what exists there. */
export type PathFacts = Map<string, PatternFacts>;

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

/** The entry at a host path; undefined when nothing is there; a string when it cannot be looked at. */
export function describePathEntry(ctx: ProbeContext, hostPath: string): PathEntry | undefined | string {
  let st: Stats | undefined;
  try {
    st = lstatSync(ctx.hostPath(hostPath), { throwIfNoEntry: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return undefined;
    return `${hostPath}: ${code ?? (err as Error).message}`;
  }
  if (!st) return undefined;
  const type = typeOf(st);
  const nonEmpty = type === 'dir' ? dirHasEntries(ctx.hostPath(hostPath)) : type === 'symlink' ? true : st.size > 0;
  if (type !== 'symlink') return { hostPath, type, size: st.size, nonEmpty };
  let linkTarget: string | undefined;
  try {
    linkTarget = readlinkSync(ctx.hostPath(hostPath));
  } catch {
    linkTarget = undefined;
  }
  return { hostPath, type, size: st.size, nonEmpty, linkTarget };
}

/** The spellings of a pattern to look at: `/var/run/x` and `/run/x` are one place on systemd hosts, two elsewhere. */
export function patternSpellings(ctx: ProbeContext, pattern: string): string[] {
  const canonical = canonicalRunPath(ctx, pattern);
  if (ctx.varRunIsRun) return [canonical];
  if (pattern.startsWith('/run/')) return [pattern, `/var${pattern}`];
  return [pattern];
}

/**
 * fast-glob skips what it cannot read (suppressErrors), so a glob whose fixed base directory is unreadable would
 * look empty: that case is reported as a problem instead. Deeper unreadable directories only matter when not
 * running as root, where the scan already says which probes could not run.
 */
export function unreadableGlobBase(ctx: ProbeContext, pattern: string): string | undefined {
  const base = fg.generateTasks([pattern.replace(/^\/+/, '')])[0]?.base ?? '.';
  const dir = path.join(ctx.root, base);
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : `/${base}: ${code ?? 'not readable'}`;
  }
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
        const problems: string[] = [];
        for (const spelling of patternSpellings(ctx, pattern)) {
          const dynamic = fg.isDynamicPattern(spelling);
          const unreadable = dynamic ? unreadableGlobBase(ctx, spelling) : undefined;
          if (unreadable) problems.push(unreadable);
          const hostPaths = dynamic ? globHostPaths(ctx, spelling, check.maxDepth ?? DEFAULT_GLOB_DEPTH) : [canonicalRunPath(ctx, spelling)];
          for (const hp of hostPaths) {
            if (entries.has(hp)) continue;
            const e = describePathEntry(ctx, hp);
            if (typeof e === 'string') problems.push(e);
            else if (e) entries.set(hp, e);
          }
        }
        facts.set(pattern, { entries: [...entries.values()], problems });
      }
    }
    return facts;
  },
};
