// The `nftables` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./nftables.ts.
import { schemaRef, type KindMeta } from './kind.js';

export interface NftablesCheck {
  kind: 'nftables';
  tables: Array<{ family: 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev'; name: string }>;
}

export type NftablesFixVars = { target: string; family: string; table: string };

export const nftablesKind: KindMeta<'nftables', NftablesCheck, NftablesFixVars> = {
  kind: 'nftables',
  doc: { fields: '`tables: [{family, name}]`', findingPer: 'native table' },
  params: { tables: 'required' },
  schema: {
    properties: {
      tables: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['family', 'name'],
          properties: { family: { enum: ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'] }, name: schemaRef.nonEmpty },
        },
      },
    },
  },
  regexFields: [],
  fixVars: { target: '`<family> <table>`', family: 'the table family', table: 'the table name' },
  sarifPrecision: 'very-high',
  startOrder: 2,
};
