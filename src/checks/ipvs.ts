import { ipvsKind, type IpvsFixVars } from './ipvs.meta.js';
import type { IpvsService } from '../parsers/ipvs.js';
import { ipvsProbe } from '../probes/ipvs.js';
import type { CheckDefinition } from './check.js';
import { globMatcher } from './check.js';

const PROTOCOL_FLAG: Record<IpvsService['protocol'], string> = { TCP: '-t', UDP: '-u', SCTP: '--sctp-service', FWM: '-f' };

export const ipvsCheck: CheckDefinition<'ipvs', IpvsService[], IpvsFixVars> = {
  ...ipvsKind,
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
