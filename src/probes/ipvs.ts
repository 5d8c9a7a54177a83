// IPVS probe: /proc/net/ip_vs lists every virtual service; when the file is absent the ip_vs module is not
// loaded and no virtual service can exist, so no ipvsadm is needed.
import { readFileSync } from 'node:fs';
import type { IpvsCheck } from '../model/rule.js';
import { parseProcIpvs, type IpvsService } from '../parsers/ipvs.js';
import type { ProbeContext } from './context.js';
import { ProbeUnavailable, type Probe } from './probe.js';

export const ipvsProbe: Probe<IpvsCheck, IpvsService[]> = {
  id: 'ipvs',
  async gather(ctx: ProbeContext) {
    const file = ctx.hostPathFollow(`/proc/${ctx.onHost ? 'self' : '1'}/net/ip_vs`);
    try {
      return parseProcIpvs(readFileSync(file, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return [];
      throw new ProbeUnavailable(`cannot read /proc/net/ip_vs: ${code ?? (err as Error).message}`);
    }
  },
};
