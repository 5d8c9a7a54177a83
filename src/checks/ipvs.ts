import type { IpvsService } from '../parsers/ipvs.js';
import { ipvsProbe } from '../probes/ipvs.js';
import type { CheckDefinition } from './check.js';
import { globMatcher } from './check.js';

const PROTOCOL_FLAG: Record<IpvsService['protocol'], string> = { TCP: '-t', UDP: '-u', SCTP: '--sctp-service', FWM: '-f' };

export type IpvsFixVars = { target: string; protocolFlag: string; address: string };

export const ipvsCheck: CheckDefinition<'ipvs', IpvsService[], IpvsFixVars> = {
  kind: 'ipvs',
  doc: { fields: '`services` (`TCP 10.96.0.1:443`)', findingPer: 'virtual service' },
  params: { services: 'optional' },
  regexFields: [],
  fixVars: { target: '`PROTO address:port`', protocolFlag: "ipvsadm's protocol flag (`-t`, `-u`, `--sctp-service`, `-f`)", address: 'the service address' },
  sarifPrecision: 'high',
  probe: ipvsProbe,
  match(check, services) {
    const wanted = globMatcher(check.services);
    const findings = services
      .map((s) => ({ s, name: `${s.protocol} ${s.address}` }))
      .filter(({ name }) => !wanted || wanted(name))
      .map(({ s, name }) => ({
        target: name,
        evidence: `IPVS virtual service (${s.scheduler}, ${s.realServers} real server${s.realServers === 1 ? '' : 's'})`,
        vars: { target: name, protocolFlag: PROTOCOL_FLAG[s.protocol], address: s.address },
      }));
    return { findings };
  },
};
