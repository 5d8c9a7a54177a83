// Path probe: literal paths with one lstat each (about 50× cheaper than pushing them through a glob walker,
// ecosystem.md §2.1); globs bounded in depth and never following symlinks. A glob whose wildcards are `*`, `?`
// and `[...]` (every built-in one) is expanded by reading only the directories on its way; fast-glob, loaded
// only then, takes the others (`**`, braces, extglobs, escapes).
import { accessSync, constants, lstatSync, opendirSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { joinName, nameFromBytes, type ByteName } from '../byte-names.js';
import picomatch from 'picomatch';
import type { PathCheck } from '../model/rule.js';
import { canonicalRunPath, type ProbeContext } from './context.js';
import { errorCode, isAbsent } from './fs-errors.js';
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
  const real = bytes ? hostPathBytes(ctx, bytes) : ctx.hostPath(hostPath);
  const hex = bytes ? { hostPathHex: bytes.toString('hex') } : {};
  try {
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
 * fast-glob skips what it cannot read (suppressErrors), so a glob whose fixed base directory is unreadable would
 * look empty: that case is reported as a problem instead. Deeper unreadable directories only matter when not
 * running as root, where the scan already says which probes could not run.
 */
export async function unreadableGlobBase(ctx: ProbeContext, pattern: string): Promise<string | undefined> {
  const base = EXOTIC.test(pattern) ? ((await loadFastGlob()).generateTasks([pattern.replace(/^\/+/, '')])[0]?.base ?? '.') : plainGlobBase(pattern);
  const dir = ctx.hostPathFollow(`/${base}`);
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : `/${base}: ${code ?? 'not readable'}`;
  }
}

/** Characters that make a pattern more than `*`, `?` and `[...]` (or might escape one): left to fast-glob. */
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

type FastGlob = typeof import('fast-glob');
let fastGlob: FastGlob | undefined;

/** fast-glob costs about 25 ms to load and a few ms per call to set up: loaded for the patterns that need it. */
async function loadFastGlob(): Promise<FastGlob> {
  fastGlob ??= (await import('fast-glob')).default;
  return fastGlob;
}

/** fast-glob's base directory (relative, `.` for the root) of a pattern without EXOTIC characters. */
function plainGlobBase(pattern: string): string {
  const segments = pattern.replace(/^\/+/, '').split('/');
  const first = segments.findIndex(hasPlainWildcard);
  return segments.slice(0, first === -1 ? segments.length : first).join('/') || '.';
}

async function fastGlobHostPaths(ctx: ProbeContext, pattern: string, deep: number, problems?: string[]): Promise<string[]> {
  const fg = await loadFastGlob();
  const relPattern = pattern.replace(/^\/+/, '');
  // Under --root the literal base directory is resolved inside the root (its symlinks are the mounted host's, not
  // this machine's); fast-glob walks on from there without following links.
  const base = fg.generateTasks([relPattern])[0]?.base ?? '.';
  const rooted = !ctx.onHost && base !== '.' && relPattern.startsWith(`${base}/`);
  const cwd = rooted ? ctx.hostPathFollow(`/${base}`) : ctx.root;
  // suppressErrors keeps fast-glob going past what it cannot read; what could not be read is still said.
  const recordingReaddir = ((dir: string, options: unknown) => {
    try {
      return readdirSync(dir, options as never);
    } catch (err) {
      if (!isAbsent(err)) problems?.push(`${ctx.toHostPath(dir)}: ${errorCode(err) ?? 'not readable'}`);
      throw err;
    }
  }) as typeof readdirSync;
  const found = fg.sync(rooted ? relPattern.slice(base.length + 1) : relPattern, {
    cwd,
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    suppressErrors: true,
    unique: true,
    deep,
    fs: { readdirSync: recordingReaddir },
  });
  return found.map((rel) => canonicalRunPath(ctx, rooted ? `/${base}/${rel}` : `/${rel}`));
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
 * `deep` levels below the pattern's literal base directory. Undefined when the pattern needs fast-glob.
 */
export function expandSegments(ctx: ProbeContext, pattern: string, deep: number, problems?: string[]): string[] | undefined {
  // Names that are not valid UTF-8 are left out here: their text is not a path that can be opened.
  return expandSegmentNames(ctx, pattern, deep, problems)
    ?.filter((n) => !n.bytes)
    .map((n) => n.text);
}

/**
 * The path this process opens for a host path given as bytes. (Under --root a path with such a name is not
 * resolved through symbolic links inside the root, as text paths are: it is opened as it is spelled.)
 */
export function hostPathBytes(ctx: ProbeContext, bytes: Buffer): Buffer {
  return ctx.onHost ? bytes : Buffer.concat([Buffer.from(ctx.root), bytes]);
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
          entries = readdirSync(dir.bytes ? hostPathBytes(ctx, dir.bytes) : ctx.hostPathFollow(dir.text), { withFileTypes: true, encoding: 'buffer' });
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
          st = lstatSync(p.bytes ? hostPathBytes(ctx, p.bytes) : ctx.hostPath(p.text), { throwIfNoEntry: false });
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

/** The existing host paths a glob names (without following symlinks, at most `deep` levels below its base). */
export async function globHostPaths(ctx: ProbeContext, pattern: string, deep: number, problems?: string[]): Promise<string[]> {
  return expandSegments(ctx, pattern, deep, problems) ?? fastGlobHostPaths(ctx, pattern, deep, problems);
}

/**
 * globHostPaths with names as bytes where the segment walk reads them. fast-glob (patterns with `**` or
 * extglobs) reads names as text: a name that is not UTF-8 is then only seen by its lossy spelling, which is
 * looked at as the path it names (a real object of that name, or nothing), never as the other one.
 */
async function globHostPathNames(ctx: ProbeContext, pattern: string, deep: number, problems?: string[]): Promise<ByteName[]> {
  return expandSegmentNames(ctx, pattern, deep, problems) ?? (await fastGlobHostPaths(ctx, pattern, deep, problems)).map((text) => ({ text }));
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
            if (entries.has(hp.text)) continue;
            const e = describePathEntry(ctx, hp.text, hp.bytes);
            if (typeof e === 'string') problems.push(e);
            else if (e) entries.set(hp.text, e);
          }
        }
        facts.set(pattern, { entries: [...entries.values()], problems });
      }
    }
    return facts;
  },
};
