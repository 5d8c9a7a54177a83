// The `cgroup` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./cgroup.ts.
import { schemaRef, type KindMeta } from './kind.js';

export interface CgroupCheck {
  kind: 'cgroup';
  /** Globs over a cgroup directory's own name (kubepods.slice, kubepods, kube.slice). */
  names: string[];
  /** How many levels below each hierarchy root to look (default 2). */
  maxDepth?: number;
}

export type CgroupFixVars = { target: string; name: string; hierarchy: string };

export const cgroupKind: KindMeta<'cgroup', CgroupCheck, CgroupFixVars> = {
  kind: 'cgroup',
  doc: { fields: '`names`, `maxDepth` (cgroup v2 and every v1 hierarchy)', findingPer: 'top-most matching cgroup' },
  params: { names: 'required', maxDepth: 'optional' },
  schema: {
    properties: {
      names: schemaRef.globList,
      maxDepth: { type: 'integer', minimum: 1, maximum: 4 },
    },
  },
  regexFields: [],
  fixVars: { target: 'the cgroup directory', name: "the cgroup's own name", hierarchy: '`v2` or the v1 hierarchy' },
  sarifPrecision: 'very-high',
};
