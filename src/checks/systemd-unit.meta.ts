// The `systemd-unit` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./systemd-unit.ts.
import type { Condition } from '../model/conditions.js';
import { schemaRef, type KindMeta } from './kind.js';

export interface SystemdUnitCheck {
  kind: 'systemd-unit';
  /** Globs over unit names (kubelet.service, kubepods*.slice). */
  units: string[];
  /** Only units under /run/systemd/transient. */
  transientOnly?: boolean;
  /** Conditions every unit found must meet to count; they look at its unit file and drop-ins. */
  when?: Condition[];
}

/** `removable`: set by the engine for rules with conditions (`when`). */
export type SystemdUnitFixVars = { target: string; paths: string[]; removable?: string[] };

export const systemdUnitKind: KindMeta<'systemd-unit', SystemdUnitCheck, SystemdUnitFixVars> = {
  kind: 'systemd-unit',
  doc: {
    fields: '`units`, `transientOnly`, `when` (unit files, drop-ins, `*.wants` links — dangling too — and transient units, plus state when systemd is PID 1)',
    findingPer: 'unit',
  },
  params: { units: 'required', transientOnly: 'optional', when: 'optional' },
  schema: {
    properties: {
      units: schemaRef.globList,
      transientOnly: { type: 'boolean' },
      when: schemaRef.conditionList,
    },
  },
  regexFields: [],
  fixVars: {
    target: 'the unit name',
    paths: 'its unit files, drop-in dirs and links',
    removable: 'rules with conditions: its files and links except those a package owns unmodified',
  },
  sarifPrecision: 'very-high',
  startOrder: 5,
};
