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

/** `removable`: set by the engine for rules with conditions (`when`). */
export type SystemdUnitFixVars = { target: string; paths: string[]; removable?: string[] };

export const systemdUnitCheck: CheckDefinition<'systemd-unit', UnitFacts, SystemdUnitFixVars> = {
  kind: 'systemd-unit',
  doc: {
    fields: '`units`, `transientOnly`, `when` (unit files, drop-ins, `*.wants` links — dangling too — and transient units, plus state when systemd is PID 1)',
    findingPer: 'unit',
  },
  params: { units: 'required', transientOnly: 'optional', when: 'optional' },
  regexFields: [],
  fixVars: {
    target: 'the unit name',
    paths: 'its unit files, drop-in dirs and links',
    removable: 'rules with conditions: its files and links except those a package owns unmodified',
  },
  sarifPrecision: 'very-high',
  startOrder: 5,
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
