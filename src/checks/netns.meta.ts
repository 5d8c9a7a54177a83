// The `netns` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./netns.ts.
import { schemaRef, type KindMeta } from './kind.js';

export interface NetnsCheck {
  kind: 'netns';
  names: string[];
}

export type NetnsFixVars = { target: string };

export const netnsKind: KindMeta<'netns', NetnsCheck, NetnsFixVars> = {
  kind: 'netns',
  doc: { fields: '`names` (in `/run/netns`; live or stale)', findingPer: 'namespace' },
  params: { names: 'required' },
  schema: {
    properties: {
      names: schemaRef.globList,
    },
  },
  regexFields: [],
  fixVars: { target: 'the namespace name' },
  sarifPrecision: 'high',
};
