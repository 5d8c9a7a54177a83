import { pathKind, type PathFixVars } from './path.meta.js';
import { pathProbe, type PathEntry, type PathFacts } from '../probes/paths.js';
import { canonicalRunPath } from '../probes/context.js';
import { globsMatcher } from '../glob.js';
import type { CheckDefinition, RawFinding } from './check.js';

function describe(e: PathEntry): string {
  if (e.type === 'dir') return e.nonEmpty ? 'directory, not empty' : 'empty directory';
  if (e.type === 'file') return `file, ${e.size} bytes`;
  if (e.type === 'symlink') return e.linkTarget === undefined ? 'symbolic link' : `symbolic link to ${e.linkTarget}`;
  return 'special file';
}

export const pathCheck: CheckDefinition<'path', PathFacts, PathFixVars> = {
  ...pathKind,
  probe: pathProbe,
  match(check, facts, ctx) {
    const wantType = check.type ?? 'any';
    const excluded = check.exclude ? globsMatcher(check.exclude.map((p) => canonicalRunPath(ctx, p))) : () => false;
    const findings = new Map<string, RawFinding<PathFixVars>>();
    const problems: string[] = [];
    for (const pattern of check.paths) {
      const seen = facts.get(pattern);
      problems.push(...(seen?.problems ?? []));
      for (const e of seen?.entries ?? []) {
        if (wantType !== 'any' && e.type !== wantType) continue;
        if (check.condition === 'non-empty' && e.unlisted) problems.push(e.unlisted);
        if (check.condition === 'non-empty' && !e.nonEmpty) continue;
        if (excluded(e.hostPath)) continue;
        const vars: PathFixVars = e.linkTarget === undefined ? { target: e.hostPath } : { target: e.hostPath, linkTarget: e.linkTarget };
        // A name that is not valid UTF-8: the target shows it with \xHH escapes, targetHex keeps the real bytes.
        if (e.hostPathHex !== undefined) vars.targetHex = e.hostPathHex;
        const evidence = e.hostPathHex === undefined ? describe(e) : `${describe(e)}; the name is not valid UTF-8 (\\xHH marks its raw bytes)`;
        findings.set(e.hostPath, { target: e.hostPath, evidence, vars });
      }
    }
    return { findings: [...findings.values()], partial: problems.length > 0 ? `cannot look at ${problems.join('; ')}` : undefined };
  },
};
