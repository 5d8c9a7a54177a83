import { systemdUnitKind, type SystemdUnitFixVars } from './systemd-unit.meta.js';
import { globsMatcher } from '../glob.js';
import { systemdProbe, type UnitFacts, type UnitFileRef } from '../probes/systemd.js';
import type { CheckDefinition, RawFinding } from './check.js';

function describeRefs(refs: readonly UnitFileRef[]): string {
  return refs
    .map((r) => {
      if (r.role === 'wants-link') return `${r.dangling ? 'dangling ' : ''}link ${r.path}`;
      if (r.role === 'drop-in') return `drop-in dir ${r.path}`;
      return `${r.transient ? 'transient unit' : 'unit file'} ${r.path}`;
    })
    .join('; ');
}

function contentRefs(refs: readonly UnitFileRef[]): UnitFileRef[] {
  const content = refs.filter((r) => r.role === 'unit' || r.role === 'drop-in');
  return content.length > 0 ? content : [...refs];
}

export const systemdUnitCheck: CheckDefinition<'systemd-unit', UnitFacts, SystemdUnitFixVars> = {
  ...systemdUnitKind,
  probe: systemdProbe,
  match(check, facts) {
    const wanted = globsMatcher(check.units);
    const findings: RawFinding<SystemdUnitFixVars>[] = [];
    for (const [unit, refs] of facts.units) {
      if (!wanted(unit)) continue;
      const relevant = check.transientOnly ? refs.filter((r) => r.transient) : refs;
      if (relevant.length === 0) continue;
      const state = facts.state.get(unit);
      const stateText = state ? `; ${state.active}, ${state.enabled || 'no unit file state'}` : '';
      findings.push({
        target: unit,
        evidence: describeRefs(relevant) + stateText,
        vars: { target: unit, paths: relevant.map((r) => r.path) },
        // A package's unit is judged by its file and drop-ins; enablement links are not content of their own.
        subjects: contentRefs(relevant).map((r) => r.path),
      });
    }
    return { findings, note: facts.stateNote };
  },
};
