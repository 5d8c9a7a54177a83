// Facts for the conditions rules put on their matches (src/model/conditions.ts): each plain condition on one
// matched path becomes one fact, whether it holds and why, read with one package-database lookup for all of
// them. Runs only for matches of rules that have conditions.
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { nameFromBytes } from '../byte-names.js';
import { globsMatcher } from '../glob.js';
import { flattenConditions, isContainsEntry, isNotOwnedByPackage, isPresentWithoutPackage, type Condition } from '../model/conditions.js';
import type { ProbeContext } from './context.js';
import { errorCode, isAbsent } from './fs-errors.js';
import { globHostPaths, isGlobPattern } from './paths.js';
import { describeOwnership, lookupOwnership, type Ownership } from './provenance.js';

/** Whether one plain condition holds for one path, and the evidence in words. */
export interface ConditionFact {
  holds: boolean;
  detail: string;
  /** notOwnedByPackage: the entries that no package owns unmodified (what makes it residue). */
  unowned?: string[];
  /** notOwnedByPackage: the package(s) owning the path itself. */
  owners?: string[];
  /**
   * What a clean-up may remove because of this fact: the unowned pieces, or the Kubernetes entries a directory
   * holds (containerd's k8s.io state beside Docker's moby). Absent: the whole match.
   */
  removable?: string[];
  /**
   * Why the fact could not be judged (a directory on the way unreadable, a name in it not valid UTF-8): the match
   * is then partly unchecked with this reason, never judged on what could be seen.
   */
  unseen?: string;
}

export interface ConditionRequest {
  /** The host paths a match stands for (a path finding's target; a unit's file and drop-ins). */
  subjects: string[];
  conditions: Condition[];
}

export type ConditionFacts = { ok: true; facts: Map<string, ConditionFact>; database: string } | { ok: false; reason: string };

/** Key of the fact for one plain condition on one path. */
export function factKey(subject: string, condition: Condition): string {
  return `${subject}\0${JSON.stringify(condition)}`;
}

/** A directory walk for ownership stops here: a tree this big was not laid down by a package's conffiles. */
const MAX_WALK_ENTRIES = 5000;
const MAX_WALK_DEPTH = 8;

interface WalkEntry {
  path: string;
  dir: boolean;
  empty: boolean;
  /** Directories: something below was left out as another engine's (an ignore glob matched). */
  holdsIgnored: boolean;
  /** Directories: the entries directly in it. */
  children: WalkEntry[];
}

/** Everything below `dir` (not following symlinks), as a tree, skipping ignored subtrees; undefined past the bound. */
function walk(ctx: ProbeContext, dir: string, ignored: (p: string) => boolean): { entries: WalkEntry[]; top: WalkEntry; unseen: string[] } | undefined {
  const out: WalkEntry[] = [];
  const unseen: string[] = [];
  const top: WalkEntry = { path: dir, dir: true, empty: false, holdsIgnored: false, children: [] };
  const visit = (d: WalkEntry, depth: number): boolean => {
    let names: import('node:fs').Dirent[];
    let real: string;
    try {
      real = ctx.hostPathFollow(d.path);
      names = readdirSync(real, { withFileTypes: true });
    } catch (err) {
      // Gone meanwhile: nothing there. Unreadable: what it holds is not known, so nothing is judged on it.
      if (!isAbsent(err)) unseen.push(`${d.path}: ${errorCode(err) ?? 'not readable'}`);
      return true;
    }
    // Names come decoded lossily: one that is not UTF-8 would be judged (and removed) as its U+FFFD look-alike.
    if (names.some((e) => e.name.includes('\ufffd'))) {
      for (const raw of readdirSync(real, { encoding: 'buffer' })) {
        const n = nameFromBytes(raw);
        if (n.bytes) unseen.push(`${d.path}/${n.text}: the name is not valid UTF-8`);
      }
    }
    d.empty = names.length === 0;
    for (const e of names) {
      const p = d.path === '/' ? `/${e.name}` : `${d.path}/${e.name}`;
      if (ignored(p)) {
        d.holdsIgnored = true;
        continue;
      }
      const entry: WalkEntry = { path: p, dir: e.isDirectory(), empty: false, holdsIgnored: false, children: [] };
      out.push(entry);
      d.children.push(entry);
      if (out.length > MAX_WALK_ENTRIES) return false;
      if (entry.dir) {
        if (depth >= MAX_WALK_DEPTH) return false;
        if (!visit(entry, depth + 1)) return false;
        if (entry.holdsIgnored) d.holdsIgnored = true;
      }
    }
    return true;
  };
  return visit(top, 1) ? { entries: out, top, unseen } : undefined;
}

function lstatType(ctx: ProbeContext, p: string): 'dir' | 'other' | undefined {
  const st = lstatSync(ctx.hostPath(p), { throwIfNoEntry: false });
  if (!st) return undefined;
  return st.isDirectory() ? 'dir' : 'other';
}

const ownedUnmodified = (o: Ownership | undefined): boolean => !!o && o.owners.length > 0 && !o.modified;

function relativeTo(base: string, p: string): string {
  return p === base ? path.posix.basename(p) : path.posix.relative(base, p);
}

/** What must be looked up for one notOwnedByPackage condition, and how to judge it once ownership is known. */
function planOwnership(ctx: ProbeContext, subject: string, ignore: readonly string[]): { lookups: string[]; judge: (own: Map<string, Ownership>) => ConditionFact } {
  const ignored = ignore.length > 0 ? globsMatcher(ignore) : () => false;
  const type = lstatType(ctx, subject);
  if (type !== 'dir') {
    return {
      lookups: [subject],
      judge: (own) => {
        const o = own.get(subject);
        const holds = !ownedUnmodified(o);
        return { holds, detail: `${subject} ${describeOwnership(o)}`, unowned: holds ? [subject] : [], owners: o?.owners ?? [], removable: holds ? [subject] : [] };
      },
    };
  }
  const tree = walk(ctx, subject, ignored);
  if (!tree) {
    return { lookups: [], judge: () => ({ holds: true, detail: `more than ${MAX_WALK_ENTRIES} entries: not attributed to a package`, unowned: [subject] }) };
  }
  const { entries, top, unseen } = tree;
  if (unseen.length > 0) return { lookups: [], judge: () => ({ holds: false, detail: 'not judged', unseen: `cannot tell what in ${subject} a package owns: ${unseen.join('; ')}` }) };
  // Looked up: every file, and every directory with nothing of another engine's below it (only those can be
  // removed whole). A directory holding another engine's state is never looked up, nor removed.
  // Under /etc the directory's own owner costs nothing (the conffiles) and is worth saying.
  const lookups = [top, ...entries].filter((e) => !e.dir || !e.holdsIgnored || (e === top && subject.startsWith('/etc/'))).map((e) => e.path);
  return {
    lookups,
    judge: (own) => {
      const topOwn = own.get(subject);
      const pieces: Array<{ path: string; o: Ownership | undefined }> = [];
      /** True when nothing of `e` is a package's or another engine's: it can be removed whole. */
      const loose = (e: WalkEntry): boolean => {
        const o = own.get(e.path);
        if (!e.dir) return !o || o.owners.length === 0;
        return !e.holdsIgnored && (!o || o.owners.length === 0) && e.children.every(loose);
      };
      /** The smallest set of paths that covers everything in `e` no package owns unmodified. */
      const collect = (e: WalkEntry): void => {
        const o = own.get(e.path);
        if (e.dir && e !== top && loose(e)) {
          pieces.push({ path: e.path, o });
          return;
        }
        if (!e.dir) {
          if (!ownedUnmodified(o)) pieces.push({ path: e.path, o });
          return;
        }
        e.children.forEach(collect);
      };
      if (top.children.length === 0 ? !top.holdsIgnored && !ownedUnmodified(topOwn) : loose(top)) pieces.push({ path: subject, o: topOwn });
      else top.children.forEach(collect);
      const owners = topOwn?.owners ?? [];
      if (pieces.length === 0) {
        return { holds: false, detail: owners.length > 0 ? `everything in it from package ${owners.join(', ')}` : 'holds only what packages or other engines own', unowned: [], owners };
      }
      const shown = pieces.slice(0, 3).map((p) => `${p.path === subject ? subject : relativeTo(subject, p.path)} ${describeOwnership(p.o)}`);
      const more = pieces.length > 3 ? ` and ${pieces.length - 3} more` : '';
      const ownedNote = owners.length > 0 ? ` (the directory is package ${owners.join(', ')}'s)` : '';
      return { holds: true, detail: `${shown.join('; ')}${more}${ownedNote}`, unowned: pieces.map((p) => p.path), owners, removable: pieces.map((p) => p.path) };
    },
  };
}

async function containsEntryFact(ctx: ProbeContext, subject: string, globs: readonly string[]): Promise<ConditionFact> {
  if (lstatType(ctx, subject) !== 'dir') return { holds: false, detail: 'not a directory' };
  const found: string[] = [];
  const unseen: string[] = [];
  for (const g of globs) {
    const pattern = `${subject.replace(/\/+$/, '')}/${g}`;
    if (isGlobPattern(pattern)) found.push(...(await globHostPaths(ctx, pattern, g.split('/').length, unseen)));
    else if (lstatType(ctx, pattern)) found.push(pattern);
  }
  if (unseen.length > 0) return { holds: false, detail: 'not judged', unseen: `cannot tell what ${subject} holds: ${unseen.join('; ')}` };
  if (found.length === 0) return { holds: false, detail: `holds none of ${globs.join(', ')}` };
  const more = found.length > 2 ? ` and ${found.length - 2} more` : '';
  return { holds: true, detail: `holds ${found.slice(0, 2).map((p) => relativeTo(subject, p)).join(', ')}${more}`, removable: found };
}

/** Gathers the fact of every plain condition on every subject, with one ownership lookup for all. */
export async function gatherConditionFacts(ctx: ProbeContext, requests: readonly ConditionRequest[]): Promise<ConditionFacts> {
  const facts = new Map<string, ConditionFact>();
  const lookups = new Set<string>();
  const judges: Array<{ key: string; judge: (own: Map<string, Ownership>) => ConditionFact }> = [];
  for (const req of requests) {
    for (const c of flattenConditions(req.conditions)) {
      if (isContainsEntry(c)) {
        for (const s of req.subjects) {
          const key = factKey(s, c);
          if (!facts.has(key)) facts.set(key, await containsEntryFact(ctx, s, c.containsEntry));
        }
      } else if (isNotOwnedByPackage(c)) {
        const ignore = c.notOwnedByPackage === true ? [] : c.notOwnedByPackage.ignore;
        for (const s of req.subjects) {
          const key = factKey(s, c);
          if (facts.has(key) || judges.some((j) => j.key === key)) continue;
          const plan = planOwnership(ctx, s, ignore);
          plan.lookups.forEach((p) => lookups.add(p));
          judges.push({ key, judge: plan.judge });
        }
      } else if (isPresentWithoutPackage(c)) {
        // The same fact for every subject: it is about other paths.
        const key = factKey('', c);
        if (judges.some((j) => j.key === key)) continue;
        const present = c.presentWithoutPackage.filter((p) => lstatType(ctx, p) !== undefined);
        present.forEach((p) => lookups.add(p));
        judges.push({
          key,
          judge: (own) => {
            const loose = present.filter((p) => !ownedUnmodified(own.get(p)));
            if (present.length === 0) return { holds: false, detail: `none of ${c.presentWithoutPackage.join(', ')} present` };
            if (loose.length === 0) return { holds: false, detail: present.map((p) => `${p} ${describeOwnership(own.get(p))}`).join('; ') };
            return { holds: true, detail: loose.map((p) => `${p} ${describeOwnership(own.get(p))}`).join('; ') };
          },
        });
      }
    }
  }
  let database = 'not needed';
  let own = new Map<string, Ownership>();
  if (lookups.size > 0) {
    const answer = await lookupOwnership(ctx, [...lookups]);
    if (!answer.ok) return { ok: false, reason: answer.reason };
    own = answer.byPath;
    database = answer.database;
  }
  for (const j of judges) facts.set(j.key, j.judge(own));
  return { ok: true, facts, database };
}
