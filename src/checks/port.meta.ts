// The `port` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./port.ts.
import { schemaRef, type KindMeta } from './kind.js';

export interface PortCheck {
  kind: 'port';
  ports: number[];
  protocols?: Array<'tcp' | 'udp'>;
  /** Only listeners bound to one of these addresses (e.g. 169.254.25.10). */
  addresses?: string[];
}

export type PortFixVars = { target: string; port: string; protocol: string; pids: string[] };

export const portKind: KindMeta<'port', PortCheck, PortFixVars> = {
  kind: 'port',
  doc: { fields: '`ports`, `protocols`, `addresses` (TCP listeners and bound UDP, v4 and v6, with owners)', findingPer: '`<proto>/<port>`' },
  params: { ports: 'required', protocols: 'optional', addresses: 'optional' },
  schema: {
    properties: {
      ports: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1, maximum: 65535 } },
      protocols: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['tcp', 'udp'] } },
      addresses: schemaRef.globList,
    },
  },
  regexFields: [],
  fixVars: { target: '`<proto>/<port>`', port: 'the port', protocol: '`tcp` or `udp`', pids: 'the owning processes' },
  sarifPrecision: 'medium',
};
