// File and directory removals: merged per path, checked against what must never be removed, and collapsed
// under a parent that is removed anyway (one `rm -rf /var/lib/kubelet`, not one line per file below it).
// A symbolic link is removed as a link (`rm -f`), never followed; a path the rule expected to be a directory
// tree that the scan saw as a symbolic link is refused (the tree it points to lies outside what was matched).
import path from 'node:path';
import type { CheckKind, RebootClears } from '../model/rule.js';
import type { Refusal } from './model.js';
import { isBelow, pathRefusal } from './safety.js';

/** What the scan saw at a path: d(irectory), f(ile or other), l(ink), or ? (not recorded, e.g. unit paths). */
export type SeenType = 'd' | 'f' | 'l' | '?';

export interface RemovalCandidate {
  path: string;
  recursive: boolean;
  seen: SeenType;
  ruleIds: string[];
  kind: CheckKind;
  evidence: string;
  rebootClears: RebootClears;
  /** Static pod manifests: removed right after the kubelet stops, before the pods are stopped. */
  early: boolean;
  /** Where a symlink points, when the scan recorded it (`vars.linkTarget`). */
  linkTarget?: string;
  /** The path's real bytes (hex) when a name on it is not valid UTF-8 (`path` then has `\xHH` escapes). */
  hex?: string;
}

export interface Removal extends RemovalCandidate {
  /** Other found paths below this one, removed with it. */
  covers: Array<{ path: string; ruleIds: string[] }>;
}

/** The type the path check describes in its evidence (`directory, not empty`, `file, 12 bytes`, `symbolic link`). */
export function seenTypeFromEvidence(evidence: string): SeenType {
  if (/^symbolic link/.test(evidence)) return 'l';
  if (/^(empty )?directory/.test(evidence)) return 'd';
  if (/^(file|special file)/.test(evidence)) return 'f';
  return '?';
}

/**
 * A candidate's real bytes as a binary string (one character per byte): a name with raw bytes (`\xHH` in its
 * text) and the same text spelled with real backslashes are two paths, and what lies below a path is decided
 * on its bytes.
 */
function realPath(c: RemovalCandidate): string {
  return (c.hex === undefined ? Buffer.from(c.path, 'utf8') : Buffer.from(c.hex, 'hex')).toString('latin1');
}

function merge(cands: readonly RemovalCandidate[]): RemovalCandidate[] {
  const byPath = new Map<string, RemovalCandidate>();
  for (const c of cands) {
    // A byte-named path and a valid UTF-8 name with literal backslashes can have the same text: bytes tell them apart.
    const key = realPath(c);
    const cur = byPath.get(key);
    if (!cur) {
      byPath.set(key, { ...c, ruleIds: [...c.ruleIds] });
      continue;
    }
    for (const id of c.ruleIds) if (!cur.ruleIds.includes(id)) cur.ruleIds.push(id);
    cur.recursive ||= c.recursive;
    cur.early ||= c.early;
    if (cur.seen === '?') cur.seen = c.seen;
    cur.linkTarget ??= c.linkTarget;
  }
  return [...byPath.values()];
}

function refuse(c: RemovalCandidate, reason: string): Refusal {
  return {
    ruleIds: c.ruleIds,
    kind: c.kind,
    target: c.path,
    wouldRun: ['rm', c.recursive ? '-rf' : '-f', '--', c.hex === undefined ? c.path : { hex: c.hex }],
    reason,
    evidence: c.evidence,
    rebootClears: c.rebootClears,
  };
}

/**
 * Refusals for removals: dangerous paths, symlinks standing where a tree was expected or pointing outside the
 * matched tree, and paths with a mount below them that this plan does not unmount.
 */
function removalRefusal(c: RemovalCandidate, unmountable: readonly string[]): string | undefined {
  const bad = pathRefusal(c.path, 'remove');
  if (bad) return bad;
  if (c.seen === 'l' && c.linkTarget !== undefined) {
    const resolved = path.posix.resolve(path.posix.dirname(c.path), c.linkTarget);
    const escapes = resolved === '/' || !isBelow(resolved, path.posix.dirname(c.path)) || pathRefusal(resolved, 'remove') !== undefined;
    if (escapes && c.recursive) {
      return `the scan saw a symbolic link to ${c.linkTarget}, outside the matched tree; the rule expects a directory to remove, and following the link is not done: check where it points`;
    }
  } else if (c.seen === 'l' && c.recursive && c.kind === 'path') {
    return 'the rule expects a directory tree here but the scan saw a symbolic link: the tree it points to lies outside what was matched; check where it points and remove the link by hand if that is right';
  }
  const blocked = unmountable.find((m) => m === c.path || isBelow(m, c.path));
  if (blocked) return `${blocked} is mounted ${blocked === c.path ? 'here' : 'below it'} and this plan does not unmount it`;
  return undefined;
}

/**
 * Merges, checks and collapses removal candidates. `refusedMounts` are mount points found but not unmounted by
 * the plan (refused): nothing at or above them is removed.
 */
export function planRemovals(cands: readonly RemovalCandidate[], refusedMounts: readonly string[]): { removals: Removal[]; refused: Refusal[] } {
  const refused: Refusal[] = [];
  const ok: RemovalCandidate[] = [];
  for (const c of merge(cands)) {
    const why = removalRefusal(c, refusedMounts);
    if (why) refused.push(refuse(c, why));
    else ok.push(c);
  }
  // A symlink is removed as a link: rm -f, never -r (rm -r on a link would not follow it, but -f says what happens).
  for (const c of ok) if (c.seen === 'l') c.recursive = false;
  // Parents that take their children with them: recursive removals of directories (not links).
  const parents = new Set(ok.filter((c) => c.recursive && c.seen !== 'l').map(realPath));
  const coveringParent = (p: string): string | undefined => {
    let top: string | undefined;
    for (let d = path.posix.dirname(p); d !== '/' && d !== '.'; d = path.posix.dirname(d)) if (parents.has(d)) top = d;
    return top;
  };
  const removals = new Map<string, Removal>();
  const sorted = [...ok].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const c of sorted) {
    const parent = c.early ? undefined : coveringParent(realPath(c));
    if (parent === undefined) removals.set(realPath(c), { ...c, covers: [] });
  }
  for (const c of sorted) {
    const parent = coveringParent(realPath(c));
    if (parent === undefined) continue;
    const r = removals.get(parent);
    if (r) r.covers.push({ path: c.path, ruleIds: c.ruleIds });
  }
  return { removals: [...removals.values()], refused };
}
