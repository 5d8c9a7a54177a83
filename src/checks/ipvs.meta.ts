// The `ipvs` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./ipvs.ts.
import { schemaRef, type KindMeta } from './kind.js';

export interface IpvsCheck {
  kind: 'ipvs';
  /** Globs over `PROTO address:port` of a virtual service; default: every virtual service. */
  services?: string[];
}

export type IpvsFixVars = { target: string; protocolFlag: string; address: string };

export const ipvsKind: KindMeta<'ipvs', IpvsCheck, IpvsFixVars> = {
  kind: 'ipvs',
  doc: { fields: '`services` (`TCP 10.96.0.1:443`)', findingPer: 'virtual service' },
  params: { services: 'optional' },
  schema: {
    properties: {
      services: schemaRef.globList,
    },
  },
  regexFields: [],
  fixVars: { target: '`PROTO address:port`', protocolFlag: "ipvsadm's protocol flag (`-t`, `-u`, `--sctp-service`, `-f`)", address: 'the service address' },
  sarifPrecision: 'high',
};
