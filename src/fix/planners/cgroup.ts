import { addId, byString, call, depth, seenLine } from '../builder.js';
import { cgroupRefusal, unitNameProblem } from '../safety.js';
import { displayText } from '../shell-text.js';
import type { KindFix, Planner } from './planner.js';
import { globsMatcher } from '../../glob.js';

/** cgroups: slices stopped through systemd, then every empty cgroup removed with rmdir, deepest first. */
export const planCgroups: Planner<'cgroup'> = (entries, b) => {
  const dirs = new Map<string, { target: string; ruleIds: string[]; lines: string[] }>();
  for (const e of entries) {
    const { target, name, hierarchy } = e.values;
    const problem = cgroupRefusal(target, hierarchy);
    if (problem) {
      b.refuse(e, problem, ['rmdir', target]);
      continue;
    }
    if (/\.slice$/.test(name) && unitNameProblem(name) === undefined) b.slices.set(name, [...new Set([...(b.slices.get(name) ?? []), e.rule.ruleId])]);
    const cur = dirs.get(target) ?? { target, ruleIds: [], lines: [] };
    addId(cur.ruleIds, e.rule.ruleId);
    cur.lines.push(seenLine(e));
    dirs.set(target, cur);
    b.rebootOnly.push({ ruleIds: [e.rule.ruleId], kind: 'cgroup', target, why: 'a cgroup with processes (or children that have them) cannot be removed; a reboot clears it', check: { type: 'path', value: target } });
  }
  for (const c of [...dirs.values()].sort((x, y) => depth(y.target) - depth(x.target) || byString(x.target, y.target))) {
    b.step('cgroup', {
      phase: 'cgroups',
      ruleIds: c.ruleIds,
      comment: [...c.lines, 'Every empty cgroup below it and then itself, deepest first, with rmdir (a cgroup still holding processes stays: a reboot clears it).'],
      blocks: [call('kr_cgroup_rmdir', c.target, displayText(c.target))],
    });
  }
};

/** The cgroup kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const cgroupFix: KindFix<'cgroup'> = {
  plan: planCgroups,
  refusalPhase: 'cgroups',
  readValues: (r) => ({ target: r.target(), name: r.word('name'), hierarchy: r.word('hierarchy') }),
  fits: (c, v) => (globsMatcher(c.names)(v.name) && v.target.startsWith('/sys/fs/cgroup/') && v.target.endsWith(`/${v.name}`) ? undefined : `${v.target} is not a cgroup the rule looks for`),
};
