// nftables probe: the native tables (kube-proxy's nftables mode, Calico's nft dataplane, calico-arp) that no
// iptables-save pipeline sees. Read from the text of `nft list chains`, which names every table (one without
// chains too) and reads no rules: a few ms even on a huge ruleset. `nft list tables` would give the same list,
// but nft 1.0.6 (Debian 12) answers it by dumping every rule of every table, once per table: 1.3 s on a node
// with 35,000 iptables-nft rules, against 11 ms for `nft list chains`.
import type { NftablesCheck } from '../model/rule.js';
import { parseNftListChains, type NftTable } from '../parsers/nft.js';
import { runTool } from './exec.js';
import { ProbeUnavailable, type Probe } from './probe.js';

export const nftablesProbe: Probe<NftablesCheck, NftTable[]> = {
  id: 'nftables',
  async gather(ctx) {
    const res = await runTool('nft', ['list', 'chains'], ctx.timeoutMs);
    if (!res.ok) throw new ProbeUnavailable(res.reason ?? 'nft failed');
    return parseNftListChains(res.stdout).tables;
  },
};
