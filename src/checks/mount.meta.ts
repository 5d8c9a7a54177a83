// The `mount` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./mount.ts.
import { schemaRef, type KindMeta } from './kind.js';

export interface MountCheck {
  kind: 'mount';
  /** Globs over the mount point. */
  mountPoints?: string[];
  fstypes?: string[];
  /** Globs over the mount source. */
  sources?: string[];
}

export type MountFixVars = { target: string; fstype: string; source: string };

export const mountKind: KindMeta<'mount', MountCheck, MountFixVars> = {
  kind: 'mount',
  doc: { fields: '`mountPoints`, `fstypes`, `sources` (from `/proc/self/mountinfo`)', findingPer: 'mount point' },
  params: { mountPoints: 'optional', fstypes: 'optional', sources: 'optional' },
  schema: {
    properties: {
      mountPoints: schemaRef.absGlobList,
      fstypes: schemaRef.globList,
      sources: schemaRef.globList,
    },
    minProperties: 2,
  },
  regexFields: [],
  fixVars: { target: 'the mount point', fstype: 'the filesystem type', source: 'the mount source' },
  sarifPrecision: 'very-high',
};
