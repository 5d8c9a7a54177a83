// RPM hosts: one `rpm -qf` for every path asked (not one per path), within the probe's time limit. rpm prints,
// per argument in order, the owning package names or "file X is not owned by any package" / an error naming X.
import { runTool } from './exec.js';

export type RpmOwners = { ok: true; owners: Map<string, string[]> } | { ok: false; reason: string };

/** Parses `rpm -qf --qf '%{NAME}\n' -- paths...` output; exported for tests. */
export function parseRpmQf(paths: readonly string[], stdout: string, stderr = ''): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  const unowned = new Set<string>();
  const notOwned = /^(?:file (.+) is not owned by any package|error: file (.+?): .*)$/;
  const pkgLines: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = notOwned.exec(line);
    if (m) unowned.add((m[1] ?? m[2]) as string);
    else if (line !== '') pkgLines.push(line);
  }
  for (const line of stderr.split('\n')) {
    const m = notOwned.exec(line);
    if (m) unowned.add((m[1] ?? m[2]) as string);
  }
  // Owned arguments take package lines in order; a file of two packages (rare: shared directories) would shift
  // the names, not whether a path is owned.
  let i = 0;
  for (const p of paths) {
    if (unowned.has(p)) continue;
    const name = pkgLines[i++];
    owners.set(p, name ? [name] : ['(rpm)']);
  }
  return owners;
}

export async function rpmOwners(root: string, paths: readonly string[], timeoutMs: number): Promise<RpmOwners> {
  if (paths.length === 0) return { ok: true, owners: new Map() };
  const args = [...(root === '/' ? [] : ['--root', root]), '-qf', '--qf', '%{NAME}\n', '--', ...paths];
  const res = await runTool('rpm', args, timeoutMs);
  // rpm exits 1 when some path is not owned: that is an answer, not a failure.
  if (!res.ok && res.stdout.trim() === '') return { ok: false, reason: res.reason ?? 'rpm -qf failed' };
  return { ok: true, owners: parseRpmQf(paths, res.stdout, res.stderr) };
}
