// Provenance: who owns a path on the scanned host. dpkg hosts: the database read directly (src/probes/dpkg.ts);
// RPM hosts: one batched `rpm -qf`. Asked only for what rules with conditions matched, after their probes ran,
// so a host without such matches never reads a package database. A path owned by an installed package and
// unmodified is not residue; a modified one is reported with the package that owns it and what changed.
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { dpkgExpectedMd5, dpkgOwners, dpkgOwnersFast, etcOwners, likelyOwners, openDpkgDatabase, type DpkgDatabase } from './dpkg.js';
import type { ProbeContext } from './context.js';
import { rpmOwners } from './rpm.js';

export interface Modification {
  owner: string;
  conffile: boolean;
  /** md5 the package recorded, and the file's now. */
  expected: string;
  actual: string;
}

export interface Ownership {
  /** Installed packages that own the path (dpkg keys or RPM names). Empty: no package owns it. */
  owners: string[];
  /** Set when an owned file differs from what its package installed. */
  modified?: Modification;
}

export type OwnershipAnswer = { ok: true; byPath: Map<string, Ownership>; database: string } | { ok: false; reason: string };

/** Files above this size are not hashed (binaries of hundreds of MB); conffiles always are. */
const MAX_HASHED_BYTES = 1024 * 1024;

const MERGED_TOPS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'] as const;

/** Top directories that are links into /usr on the scanned host (/usr-merge): /lib/x and /usr/lib/x are one file. */
function mergedTops(ctx: ProbeContext): Set<string> {
  return ctx.memo('usr-merged-tops', () => {
    const merged = new Set<string>();
    for (const top of MERGED_TOPS) {
      try {
        if (!lstatSync(ctx.hostPath(`/${top}`)).isSymbolicLink()) continue;
        const target = readlinkSync(ctx.hostPath(`/${top}`)).replace(/\/+$/, '');
        if (target === `usr/${top}` || target === `/usr/${top}`) merged.add(top);
      } catch {
        // absent: nothing to alias
      }
    }
    return merged;
  });
}

/** Every spelling a package database may use for a host path: itself and its /usr-merge twin. */
export function pathSpellings(ctx: ProbeContext, p: string): string[] {
  const tops = mergedTops(ctx);
  const m = /^\/(usr\/)?([^/]+)(\/.*)?$/.exec(p);
  if (!m || !tops.has(m[2] as string)) return [p];
  const rest = `${m[2]}${m[3] ?? ''}`;
  return m[1] ? [p, `/${rest}`] : [p, `/usr/${rest}`];
}

function dpkgDatabase(ctx: ProbeContext): DpkgDatabase | undefined {
  return ctx.memo('dpkg-database', () => openDpkgDatabase(ctx.hostPathFollow('/var/lib/dpkg/status'), ctx.hostPathFollow('/var/lib/dpkg/info')));
}

function hasRpmDatabase(ctx: ProbeContext): boolean {
  return ['/var/lib/rpm/Packages', '/var/lib/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/Packages'].some((f) => existsSync(ctx.hostPathFollow(f)));
}

/** /usr/local and /run hold no package's files (Debian policy 9.1.2; /run is a tmpfs): nothing to look up. */
const NEVER_PACKAGED = /^\/(usr\/local|run|var\/run)\//;

/**
 * Owners of every spelling, in tiers so that the common case reads little: /etc from the status file's
 * conffiles, /usr/local and /run by policy, the rest from the lists of likely owners (name match), and one
 * grep over every list only for what is still unowned after that (the answer that costs most is only paid for
 * a path that may well be residue).
 */
async function dpkgOwnersTiered(ctx: ProbeContext, db: DpkgDatabase, spellings: ReadonlyMap<string, string[]>): Promise<Map<string, string[]>> {
  const owners = new Map<string, string[]>();
  const rest: string[] = [];
  for (const [p, names] of spellings) {
    const isDir = lstatSync(ctx.hostPath(p), { throwIfNoEntry: false })?.isDirectory() ?? false;
    for (const s of names) {
      const etc = etcOwners(db, s, isDir);
      if (etc) {
        if (etc.length > 0) owners.set(s, etc);
      } else if (!NEVER_PACKAGED.test(s)) {
        rest.push(s);
      }
    }
  }
  if (rest.length === 0) return owners;
  const likely = [...new Set(rest.flatMap((s) => likelyOwners(db, s)))];
  const near = likely.length > 0 ? await dpkgOwners(db, new Set(rest), likely) : new Map<string, string[]>();
  for (const [s, keys] of near) owners.set(s, keys);
  // A path is settled once any of its spellings is owned.
  const unsettled = [...spellings.values()].filter((names) => !names.some((s) => owners.has(s))).flat().filter((s) => rest.includes(s));
  if (unsettled.length > 0) for (const [s, keys] of await dpkgOwnersFast(db, new Set(unsettled), ctx.timeoutMs)) owners.set(s, keys);
  return owners;
}

async function dpkgLookup(ctx: ProbeContext, db: DpkgDatabase, paths: readonly string[]): Promise<Map<string, Ownership>> {
  const spellings = new Map(paths.map((p) => [p, pathSpellings(ctx, p)]));
  const owners = await dpkgOwnersTiered(ctx, db, spellings);
  const md5sums = new Map<string, Map<string, string>>();
  const byPath = new Map<string, Ownership>();
  let md5File: ((file: string) => string | undefined) | undefined;
  for (const [p, names] of spellings) {
    const found = names.flatMap((s) => (owners.get(s) ?? []).map((key) => ({ key, spelling: s })));
    const own: Ownership = { owners: [...new Set(found.map((f) => f.key))] };
    for (const { key, spelling } of found) {
      const expected = dpkgExpectedMd5(db, key, spelling, md5sums);
      if (!expected) continue;
      const st = lstatSync(ctx.hostPath(p), { throwIfNoEntry: false });
      if (!st?.isFile() || (!expected.conffile && st.size > MAX_HASHED_BYTES)) break;
      // dpkg gives an unpacked file the archive's mtime and replaces every non-conffile on upgrade, so such a
      // file older than its package's unpacking is the package's: hashed only when it changed later. Conffiles
      // are always hashed: an upgrade keeps a modified one, older than the unpacking.
      const unpacked = expected.conffile ? undefined : db.unpackedAt(key);
      if (unpacked !== undefined && st.mtimeMs < unpacked) break;
      md5File ??= (await import('./md5.js')).md5File;
      const actual = md5File(ctx.hostPathFollow(p));
      if (actual && actual !== expected.md5) own.modified = { owner: key, conffile: expected.conffile, expected: expected.md5, actual };
      break;
    }
    byPath.set(p, own);
  }
  return byPath;
}

/**
 * Who owns each of `paths` (host paths). dpkg when the host has a dpkg database, else RPM when it has an RPM
 * database (unavailable with the reason when rpm cannot run), else nothing is owned.
 */
export async function lookupOwnership(ctx: ProbeContext, paths: readonly string[]): Promise<OwnershipAnswer> {
  const unique = [...new Set(paths)];
  const db = dpkgDatabase(ctx);
  if (db) return { ok: true, byPath: await dpkgLookup(ctx, db, unique), database: 'dpkg' };
  if (hasRpmDatabase(ctx)) {
    const res = await rpmOwners(ctx.root, unique, ctx.timeoutMs);
    if (!res.ok) return { ok: false, reason: `package ownership not checked: ${res.reason}` };
    return { ok: true, byPath: new Map(unique.map((p) => [p, { owners: res.owners.get(p) ?? [] }])), database: 'rpm' };
  }
  return { ok: true, byPath: new Map(unique.map((p) => [p, { owners: [] }])), database: 'none' };
}

/** One line for people: who owns a path and whether it changed. */
export function describeOwnership(o: Ownership | undefined): string {
  if (!o || o.owners.length === 0) return 'from no package';
  const who = `package ${o.owners.join(', ')}`;
  if (!o.modified) return `from ${who}, unmodified`;
  const what = o.modified.conffile ? 'conffile' : 'file';
  return `${what} of ${who}, modified (md5 ${o.modified.actual}, the package's ${o.modified.expected})`;
}
