// The `ipset` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./ipset.ts.
import { schemaRef, type KindMeta } from './kind.js';

export interface IpsetCheck {
  kind: 'ipset';
  names?: string[];
  nameRegex?: string;
  /** Sets this regex matches never count. */
  nameRegexExclude?: string;
}

export type IpsetFixVars = { target: string };

export const ipsetKind: KindMeta<'ipset', IpsetCheck, IpsetFixVars> = {
  kind: 'ipset',
  doc: { fields: '`names`, `nameRegex`, `nameRegexExclude`', findingPer: 'set' },
  params: { names: 'optional', nameRegex: 'optional', nameRegexExclude: 'optional' },
  schema: {
    properties: {
      names: schemaRef.globList,
      nameRegex: schemaRef.regex,
      nameRegexExclude: schemaRef.regex,
    },
    minProperties: 2,
  },
  regexFields: ['nameRegex', 'nameRegexExclude'],
  fixVars: { target: 'the set name' },
  sarifPrecision: 'very-high',
  startOrder: 4,
};
