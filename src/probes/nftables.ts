// nftables probe: the native tables (kube-proxy's nftables mode, Calico's nft dataplane, calico-arp) that no
// iptables-save pipeline sees. `nft -j list tables` is a few ms even on a huge ruleset.
import type { NftablesCheck } from '../model/rule.js';
import { parseNftTablesJson, type NftTable } from '../parsers/nft.js';
import { runTool } from './exec.js';
import { ProbeUnavailable, type Probe } from './probe.js';

export const nftablesProbe: Probe<NftablesCheck, NftTable[]> = {
  id: 'nftables',
  async gather(ctx) {
    const res = await runTool('nft', ['-j', 'list', 'tables'], ctx.timeoutMs);
    if (!res.ok) throw new ProbeUnavailable(res.reason ?? 'nft failed');
    return parseNftTablesJson(res.stdout);
  },
};
