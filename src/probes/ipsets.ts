// ipset probe: `ipset list -n` (names only). Without ip_set in the kernel no set can exist, so a host without
// the ipset tool is still checked.
import { existsSync } from 'node:fs';
import type { IpsetCheck } from '../model/rule.js';
import { parseIpsetNames } from '../parsers/ipset.js';
import type { ProbeContext } from './context.js';
import { runTool } from './exec.js';
import { ProbeUnavailable, type Probe } from './probe.js';

/**
 * true: the kernel has ip_set (a loaded module or built in; either way /sys/module/ip_set exists, since it has a
 * parameter); false: provably not; undefined: cannot tell.
 */
function ipSetInKernel(ctx: ProbeContext): boolean | undefined {
  if (existsSync(ctx.hostPathFollow('/sys/module/ip_set'))) return true;
  return existsSync(ctx.hostPathFollow('/proc/modules')) ? false : undefined;
}

export const ipsetProbe: Probe<IpsetCheck, string[]> = {
  id: 'ipset',
  async gather(ctx) {
    const res = await runTool('ipset', ['list', '-n'], ctx.timeoutMs);
    if (res.ok) return parseIpsetNames(res.stdout);
    if (ipSetInKernel(ctx) === false) return [];
    throw new ProbeUnavailable(res.reason ?? 'ipset failed');
  },
};
