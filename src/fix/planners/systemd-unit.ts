import { addId, call, seenLine, RUN_TMPFS_NOTE, byString } from '../builder.js';
import { mountinfoPath, pathRefusal, unitNameProblem } from '../safety.js';
import { displayText } from '../shell-text.js';
import type { KindFix, Planner } from './planner.js';
import { globsMatcher } from '../../glob.js';
import { UNIT_DIR, within } from '../fits.js';

/** Units: stopped and disabled as the rule says; transient units (kubepods slices) through systemd or their /run files. */
export const planSystemdUnits: Planner<'systemd-unit'> = (entries, b) => {
  const transient = new Map<string, { unit: string; ruleIds: string[]; lines: string[]; paths: string[] }>();
  for (const e of entries) {
    const { target: unit, paths } = e.values;
    const problem = unitNameProblem(unit);
    if (problem) {
      b.refuse(e, problem, ['systemctl', 'disable', '--now', unit]);
      continue;
    }
    if (paths.length > 0 && paths.every((p) => p.startsWith('/run/systemd/transient/'))) {
      // Transient units (kubepods slices): systemd removes them when they stop; without systemd their files
      // are inert, and /run is cleared at boot.
      const cur = transient.get(unit) ?? { unit, ruleIds: [], lines: [], paths: [] };
      addId(cur.ruleIds, e.rule.ruleId);
      cur.lines.push(seenLine(e));
      for (const p of paths) addId(cur.paths, p);
      transient.set(unit, cur);
      b.rebootOnly.push({ ruleIds: [e.rule.ruleId], kind: 'systemd-unit', target: unit, why: 'a transient unit: stopped here when systemd runs; a reboot clears it', check: { type: 'path', value: paths[0] ?? '' } });
      continue;
    }
    b.routeRuleFix(e);
  }
  for (const t of [...transient.values()].sort((x, y) => byString(x.unit, y.unit))) {
    const paths = t.paths.filter((p) => pathRefusal(p, 'remove') === undefined && p.startsWith('/run/systemd/transient/'));
    b.transientUnits.add(t.unit);
    b.step('transient-unit', {
      phase: 'cgroups',
      ruleIds: t.ruleIds,
      comment: [`${t.unit}: a transient unit. Stopped through systemd when it runs (which also removes its files); otherwise its leftover files are removed (${RUN_TMPFS_NOTE}).`, ...t.lines],
      blocks: [{ type: 'if', test: 'systemd', then: [call('run_may_fail', 'systemctl', 'stop', t.unit)], otherwise: paths.map((p) => call('kr_rm', '-rf', '?', p, mountinfoPath(p), displayText(p))) }],
    });
  }
};

/** The systemd-unit kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const systemdUnitFix: KindFix<'systemd-unit'> = {
  plan: planSystemdUnits,
  refusalPhase: 'units',
  readValues: (r) => ({ target: r.target(), paths: r.words('paths'), removable: r.optionalWords('removable') }),
  fits: (c, v) => {
    if (!globsMatcher(c.units)(v.target)) return `${v.target} is not a unit the rule looks for`;
    const bad = v.paths.find((p) => !UNIT_DIR.test(p) || !(p.endsWith(`/${v.target}`) || p.endsWith(`/${v.target}.d`)));
    if (bad !== undefined) return `${bad} is not a file or drop-in directory of ${v.target}`;
    const outside = (v.removable ?? []).find((u) => !v.paths.some((p) => within(u, p)));
    return outside === undefined ? undefined : `${outside} (removable) is not within the unit's files`;
  },
};
