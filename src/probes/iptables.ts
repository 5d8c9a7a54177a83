// iptables probe: one `*-save` per family and backend that a selected rule asks for, each parsed once with a
// line scanner and shared by every rule. Both backends are read because a node can carry rules in both
// (kubekey forces legacy; kube-proxy images pick one), and each is reported separately. The legacy backend's
// tables are listed in /proc/net: without any, its `*-save` is not run. (The nft backend's could be told from
// `nft list chains`, but waiting for that listing before starting iptables-nft-save, the slowest tool on a busy
// node, made a 50,000-rule scan 150 ms slower to save 2 ms on a clean one.)
import { readFileSync } from 'node:fs';
import type { IpFamily, IptablesBackend, IptablesCheck } from '../model/rule.js';
import { parseIptablesSave, type IptablesSaveDump } from '../parsers/iptables-save.js';
import type { ProbeContext } from './context.js';
import { runTool } from './exec.js';
import { isAbsent, unreadableReason } from './fs-errors.js';
import type { PartialSource, Probe } from './probe.js';
import { decodeToolOutput } from '../byte-names.js';

export interface IptablesSource extends PartialSource<IptablesSaveDump> {
  readonly family: IpFamily;
  readonly backend: IptablesBackend;
  /** The command a person uses for this family and backend, e.g. ip6tables-legacy. */
  readonly command: string;
}

export const ALL_FAMILIES: readonly IpFamily[] = ['ipv4', 'ipv6'];
export const ALL_BACKENDS: readonly IptablesBackend[] = ['nft', 'legacy'];

export function iptablesCommand(family: IpFamily, backend: IptablesBackend): string {
  return `${family === 'ipv4' ? 'iptables' : 'ip6tables'}-${backend}`;
}

/**
 * The legacy backend's tables are listed by the kernel in /proc/net/ip{,6}_tables_names (per network namespace).
 * When that file is absent or empty there is nothing to read, so no tool is needed to prove it clean.
 */
function legacyTablesPresent(ctx: ProbeContext, family: IpFamily): boolean | { unreadable: string } {
  const file = `/proc/${ctx.onHost ? 'self' : '1'}/net/${family === 'ipv4' ? 'ip_tables_names' : 'ip6_tables_names'}`;
  try {
    return readFileSync(ctx.hostPathFollow(file), 'utf8').trim().length > 0;
  } catch (err) {
    // Absent: the legacy module is not loaded, so there are no legacy tables. Unreadable: we do not know.
    return isAbsent(err) ? false : { unreadable: unreadableReason(file, err) };
  }
}

async function readSource(ctx: ProbeContext, family: IpFamily, backend: IptablesBackend): Promise<IptablesSource> {
  const command = iptablesCommand(family, backend);
  const label = `${family}/${backend}`;
  if (backend === 'legacy') {
    const present = legacyTablesPresent(ctx, family);
    if (typeof present === 'object') return { label, family, backend, command, ok: false, reason: present.unreadable };
    if (!present) return { label, family, backend, command, ok: true, data: { tables: [], warnings: [] } };
  }
  // Chain names are printed as raw bytes: a name that is not UTF-8 keeps them (marked), never a U+FFFD spelling.
  const res = await runTool(`${command}-save`, [], ctx.timeoutMs, { decode: decodeToolOutput });
  if (!res.ok) return { label, family, backend, command, ok: false, reason: res.reason };
  return { label, family, backend, command, ok: true, data: parseIptablesSave(res.stdout) };
}

export const iptablesProbe: Probe<IptablesCheck, IptablesSource[]> = {
  id: 'iptables',
  async gather(ctx, requests) {
    const wanted = new Set<string>();
    for (const r of requests) {
      for (const f of r.families ?? ALL_FAMILIES) for (const b of r.backends ?? ALL_BACKENDS) wanted.add(`${f}/${b}`);
    }
    // Spawned together: on an nft node with 50k rules iptables-nft-save alone takes over a second.
    const reads = [...wanted].sort().map((key) => {
      const [family, backend] = key.split('/') as [IpFamily, IptablesBackend];
      return readSource(ctx, family, backend);
    });
    return Promise.all(reads);
  },
};
