// Path probe: literal paths with one lstat each (about 50× cheaper than pushing them through a glob walker,
// ecosystem.md §2.1); globs bounded in depth and never following symlinks. A glob whose wildcards are `*`, `?`
// and `[...]` (every built-in one) is expanded by reading only the directories on its way; the others (`**`,
// braces, extglobs, escapes) are walked by glob-walk.ts, from fast-glob's tasks. Both read names as bytes: a
// name that is not valid UTF-8 is found, shown with `\xHH` escapes and looked at (and removed) as its real bytes.
import { accessSync, constants, lstatSync, opendirSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { byteNameKey, joinName, nameFromBytes, type ByteName } from '../byte-names.js';
import picomatch from 'picomatch';
import type { PathCheck } from '../model/rule.js';
import { canonicalRunPath, type ProbeContext } from './context.js';
import { errorCode, isAbsent } from './fs-errors.js';
import { loadFastGlob, walkGlob } from './glob-walk.js';
import type { Probe } from './probe.js';

export type PathType = 'file' | 'dir' | 'symlink' | 'other';

export interface PathEntry {
  /** The path on the scanned host (without the --root prefix, /run spelling). */
  hostPath: string;
  type: PathType;
  size: number;
  /** Directories: has at least one entry. Files: size > 0. Symlinks: always true. */
  nonEmpty: boolean;
  /** The path's real bytes (hex), only when a name on it is not valid UTF-8 (hostPath then has `\xHH` escapes). */
  hostPathHex?: string;
  /** Symlinks: where the link points, as written (so a fix plan can refuse one that escapes its tree). */
  linkTarget?: string;
  /** Directories that could not be listed (permission denied): `nonEmpty` is then unknown, not false. */
  unlisted?: string;
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

function dirHasEntries(p: string | Buffer): boolean {
  // Reading one entry is enough and costs the same for 10 or 100,000 entries.
  try {
    const dir = opendirSync(p);
    try {
      return dir.readSync() !== null;
    } finally {
      dir.closeSync();
    }
  } catch (err) {
    if (isAbsent(err)) return false;
    throw err;
  }
}

/** The entry at a host path; undefined when nothing is there; a string when it cannot be looked at. */
export function describePathEntry(ctx: ProbeContext, hostPath: string, bytes?: Buffer): PathEntry | undefined | string {
  let st: Stats | undefined;
  let real: string | Buffer;
  const hex = bytes ? { hostPathHex: bytes.toString('hex') } : {};
  try {
    // Under --root resolved as bytes: a link on the way may lead to a name that is not UTF-8 (a loop is ELOOP).
    real = bytes ? ctx.hostPathBytes(bytes) : ctx.onHost ? hostPath : ctx.hostPathBytes(Buffer.from(hostPath));
    st = lstatSync(real, { throwIfNoEntry: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return undefined;
    return `${hostPath}: ${code ?? (err as Error).message}`;
  }
  if (!st) return undefined;
  const type = typeOf(st);
  let nonEmpty: boolean;
  let unlisted: string | undefined;
  try {
    nonEmpty = type === 'dir' ? dirHasEntries(real) : type === 'symlink' ? true : st.size > 0;
  } catch (err) {
    nonEmpty = false;
    unlisted = `${hostPath}: ${errorCode(err) ?? 'not readable'}`;
  }
  if (type !== 'symlink') return unlisted ? { hostPath, ...hex, type, size: st.size, nonEmpty, unlisted } : { hostPath, ...hex, type, size: st.size, nonEmpty };
  let linkTarget: string | undefined;
  try {
    linkTarget = nameFromBytes(readlinkSync(real, { encoding: 'buffer' })).text;
  } catch {
    linkTarget = undefined;
  }
  return { hostPath, ...hex, type, size: st.size, nonEmpty, linkTarget };
}

/** The spellings of a pattern to look at: `/var/run/x` and `/run/x` are one place on systemd hosts, two elsewhere. */
export function patternSpellings(ctx: ProbeContext, pattern: string): string[] {
  const canonical = canonicalRunPath(ctx, pattern);
  if (ctx.varRunIsRun) return [canonical];
  if (pattern.startsWith('/run/')) return [pattern, `/var${pattern}`];
  return [pattern];
}

/**
 * A glob whose fixed base directory is unreadable would look empty: that case is reported as a problem instead
 * (the walks also report each deeper directory they could not list).
 */
export async function unreadableGlobBase(ctx: ProbeContext, pattern: string): Promise<string | undefined> {
  const base = EXOTIC.test(pattern) ? ((await loadFastGlob()).generateTasks([pattern.replace(/^\/+/, '')])[0]?.base ?? '.') : plainGlobBase(pattern);
  try {
    accessSync(ctx.hostPathFollow(`/${base}`), constants.R_OK | constants.X_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : `/${base}: ${code ?? 'not readable'}`;
  }
}

/** Characters that make a pattern more than `*`, `?` and `[...]` (or might escape one): left to glob-walk.ts. */
const EXOTIC = /[\\{}()!+@]/;

/** fast-glob's isDynamicPattern() for a pattern without EXOTIC characters. */
function hasPlainWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern) || /\[[^[]*]/.test(pattern);
}

/**
 * True when a pattern is a glob, false for a literal path — decided as fast-glob's isDynamicPattern() does
 * (an escape, `*`, `?`, a leading `!`, a `[...]` class, a `(a|b)` group, an extglob, a `{a,b}`/`{1..3}`
 * brace), without loading fast-glob.
 */
export function isGlobPattern(pattern: string): boolean {
  if (pattern === '') return false;
  if (pattern.includes('\\') || /[*?]|^!/.test(pattern) || /\[[^[]*]/.test(pattern)) return true;
  if (/(?:^|[^!*+?@])\([^(]*\|[^|]*\)/.test(pattern) || /[!*+?@]\([^(]*\)/.test(pattern)) return true;
  const open = pattern.indexOf('{');
  const close = open === -1 ? -1 : pattern.indexOf('}', open + 1);
  return close !== -1 && /,|\.\./.test(pattern.slice(open, close));
}

/** fast-glob's base directory (relative, `.` for the root) of a pattern without EXOTIC characters. */
function plainGlobBase(pattern: string): string {
  const segments = pattern.replace(/^\/+/, '').split('/');
  const first = segments.findIndex(hasPlainWildcard);
  return segments.slice(0, first === -1 ? segments.length : first).join('/') || '.';
}

const segmentMatchers = new Map<string, (name: string) => boolean>();

function segmentMatcher(segment: string): (name: string) => boolean {
  let m = segmentMatchers.get(segment);
  if (!m) {
    m = picomatch(segment, { dot: true });
    segmentMatchers.set(segment, m);
  }
  return m;
}

/**
 * Expands a pattern whose wildcards lie within path segments (such as a user's kubeconfig under /home) one
 * segment at a time:
 * a literal segment is one lstat, a wildcard one readdir of the directory reached so far. The result is what
 * fast-glob gives with dot, onlyFiles: false, followSymbolicLinks: false and `deep`: a match may be of any
 * type (a dangling symlink too), but the way to it goes through real directories only, and it lies at most
 * `deep` levels below the pattern's literal base directory. Undefined when the pattern needs glob-walk.ts.
 */
export function expandSegments(ctx: ProbeContext, pattern: string, deep: number, problems?: string[]): string[] | undefined {
  // Names that are not valid UTF-8 are left out here: their text is not a path that can be opened.
  return expandSegmentNames(ctx, pattern, deep, problems)
    ?.filter((n) => !n.bytes)
    .map((n) => n.text);
}

function canonicalName(ctx: ProbeContext, n: ByteName): ByteName {
  const text = canonicalRunPath(ctx, n.text);
  if (text === n.text || !n.bytes) return { ...n, text };
  return { text, bytes: n.bytes.subarray(n.text.length - text.length) };
}

/**
 * expandSegments with names read as bytes (readdir with encoding 'buffer'): a name that is not valid UTF-8 is
 * matched on its escaped text and keeps its real bytes, so it is looked at (and later removed) as itself,
 * never as the lossy U+FFFD spelling, which may be another directory.
 */
export function expandSegmentNames(ctx: ProbeContext, pattern: string, deep: number, problems?: string[]): ByteName[] | undefined {
  if (!pattern.startsWith('/') || EXOTIC.test(pattern) || pattern.endsWith('/')) return undefined;
  const segments = pattern.slice(1).split('/');
  if (segments.some((seg) => seg === '' || seg === '.' || seg === '..' || seg.includes('**'))) return undefined;
  const first = segments.findIndex(hasPlainWildcard);
  if (first === -1) return undefined;
  if (segments.length - first > deep) return [];
  let reached: ByteName[] = [{ text: `/${segments.slice(0, first).join('/')}` }];
  for (let i = first; i < segments.length && reached.length > 0; i++) {
    const seg = segments[i] as string;
    const last = i === segments.length - 1;
    const next: ByteName[] = [];
    for (const dir of reached) {
      if (hasPlainWildcard(seg)) {
        const matches = segmentMatcher(seg);
        let entries;
        try {
          entries = readdirSync(dir.bytes ? ctx.hostPathFollowBytes(dir.bytes) : ctx.hostPathFollow(dir.text), { withFileTypes: true, encoding: 'buffer' });
        } catch (err) {
          // Missing or not a directory: nothing there. Unreadable: said, so the rule is not clean unseen.
          if (!isAbsent(err)) problems?.push(`${dir.text}: ${errorCode(err) ?? 'not readable'}`);
          continue;
        }
        for (const e of entries) {
          const name = nameFromBytes(e.name);
          if (matches(name.text) && (last || e.isDirectory())) next.push(joinName(dir, name));
        }
      } else {
        const p = joinName(dir, { text: seg });
        let st;
        try {
          st = lstatSync(p.bytes ? ctx.hostPathBytes(p.bytes) : ctx.hostPath(p.text), { throwIfNoEntry: false });
        } catch (err) {
          if (!isAbsent(err)) problems?.push(`${dir.text}: ${errorCode(err) ?? 'not readable'}`);
          continue;
        }
        if (st && (last || st.isDirectory())) next.push(p);
      }
    }
    reached = next;
  }
  const unique = new Map(reached.map((n) => [n.text, n]));
  return [...unique.values()].map((n) => canonicalName(ctx, n));
}

/**
 * The existing host paths a glob names (without following symlinks, at most `deep` levels below its base), for
 * readers that address paths as text. A name that is not valid UTF-8 cannot be: it is said in `problems` (so
 * the rule is partly unchecked), never read under its lossy spelling, which may be another file.
 */
export async function globHostPaths(ctx: ProbeContext, pattern: string, deep: number, problems?: string[]): Promise<string[]> {
  const names = await globHostPathNames(ctx, pattern, deep, problems);
  for (const n of names) if (n.bytes) problems?.push(`${n.text}: the name is not valid UTF-8 (not read)`);
  return names.filter((n) => !n.bytes).map((n) => n.text);
}

/**
 * Every host path a glob names, with names as bytes: the segment walk for `*`, `?` and `[...]`, the byte-aware
 * walk of glob-walk.ts for the rest (`**`, braces, extglobs, escapes).
 */
export async function globHostPathNames(ctx: ProbeContext, pattern: string, deep: number, problems?: string[]): Promise<ByteName[]> {
  return expandSegmentNames(ctx, pattern, deep, problems) ?? (await walkGlob(ctx, pattern, deep, problems)).map((n) => canonicalName(ctx, n));
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
          const dynamic = isGlobPattern(spelling);
          const unreadable = dynamic ? await unreadableGlobBase(ctx, spelling) : undefined;
          if (unreadable) problems.push(unreadable);
          const hostPaths = dynamic ? await globHostPathNames(ctx, spelling, check.maxDepth ?? DEFAULT_GLOB_DEPTH, problems) : [{ text: canonicalRunPath(ctx, spelling) }];
          for (const hp of hostPaths) {
            // Keyed by bytes: a name that is not UTF-8 and a name spelled like its escape are two objects.
            const key = byteNameKey(hp);
            if (entries.has(key)) continue;
            const e = describePathEntry(ctx, hp.text, hp.bytes);
            if (typeof e === 'string') problems.push(e);
            else if (e) entries.set(key, e);
          }
        }
        facts.set(pattern, { entries: [...entries.values()], problems: [...new Set(problems)] });
      }
    }
    return facts;
  },
};
