import { iptablesKind, type IptablesFixVars } from './iptables.meta.js';
import type { IptablesTable } from '../model/rule.js';
import { IPTABLES_TABLES } from '../model/rule.js';
import type { IptablesChain, IptablesRule, IptablesTableDump } from '../parsers/iptables-save.js';
import { ALL_BACKENDS, ALL_FAMILIES, iptablesProbe, type IptablesSource } from '../probes/iptables.js';
import type { CheckDefinition, RawFinding } from './check.js';
import { globMatcher, nameMatcher } from './check.js';
import { hasRawBytes, showRawBytes } from '../byte-names.js';
import { includeExcludeMatcher } from '../rule-regex.js';

/**
 * Chains that belong to other software and are never reported, whatever a rule says: Docker, Tailscale (ts-*),
 * ufw and firewalld. A Kubernetes auditor that offered to delete DOCKER-USER would be dangerous.
 */
export const FOREIGN_CHAIN =
  /^(DOCKER|ts-|ufw6?-|(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)_(direct|ZONES|ZONES_SOURCE|IN_ZONES|OUT_ZONES|IN_ZONES_SOURCE|OUT_ZONES_SOURCE)$|(IN|FWDI|FWDO|FWD|PRE|POST)_[A-Za-z0-9]+)/;

interface TableIndex {
  /** The rules of each chain, in dump order; chains in order of their first rule. */
  byChain: Map<string, IptablesRule[]>;
  jumpsTo: Map<string, IptablesRule[]>;
  /** The user chains that are not another program's (FOREIGN_CHAIN), in dump order. */
  userChains: IptablesChain[];
}

const indexes = new WeakMap<IptablesTableDump, TableIndex>();

/**
 * Rules per chain, jumps per target and the user chains a rule may report, built once per table and shared
 * by every rule that reads it (a busy node's table has tens of thousands of rules, and a dozen rules read it).
 */
function tableIndex(t: IptablesTableDump): TableIndex {
  let index = indexes.get(t);
  if (index) return index;
  index = { byChain: new Map(), jumpsTo: new Map(), userChains: t.chains.filter((c) => !c.builtin && !isForeign(c.name)) };
  for (const r of t.rules) {
    const own = index.byChain.get(r.chain);
    if (own) own.push(r);
    else index.byChain.set(r.chain, [r]);
    if (!r.target) continue;
    const list = index.jumpsTo.get(r.target);
    if (list) list.push(r);
    else index.jumpsTo.set(r.target, [r]);
  }
  indexes.set(t, index);
  return index;
}

const foreign = new Map<string, boolean>();

/** FOREIGN_CHAIN.test, remembered per name: every rule of a scan asks about the same few thousand chains. */
function isForeign(name: string): boolean {
  let f = foreign.get(name);
  if (f === undefined) {
    f = FOREIGN_CHAIN.test(name);
    foreign.set(name, f);
  }
  return f;
}

/**
 * A finding naming a chain (or holding a rule) that is not valid UTF-8: every name shown with `\xHH` for its raw
 * bytes, and `rawBytes: yes`, which the fix plan refuses (it would otherwise name another chain).
 */
function shownAsBytes(f: RawFinding<IptablesFixVars>): RawFinding<IptablesFixVars> {
  const v = f.vars;
  const words = [v.chain, ...(v.rule ?? []), ...(v.jumps ?? []).flat()];
  if (!hasRawBytes(f.target) && !words.some(hasRawBytes)) return f;
  return {
    target: showRawBytes(f.target),
    evidence: `${showRawBytes(f.evidence)}; a name is not valid UTF-8 (\\xHH marks its raw bytes)`,
    vars: {
      ...v,
      target: showRawBytes(v.target),
      chain: showRawBytes(v.chain),
      ...(v.rule ? { rule: v.rule.map(showRawBytes) } : {}),
      ...(v.jumps ? { jumps: v.jumps.map((j) => j.map(showRawBytes)) } : {}),
      rawBytes: 'yes',
    },
  };
}

/** `name: "podman" id: "…"` and `dnat name: "k8s-pod-network" id: "…"` comments of the reference CNI plugins. */
const CNI_NETWORK_COMMENT = /(?:^|\s)name: "([^"]+)"/;

/**
 * Which user chains of a table count when some CNI networks belong to other engines: a chain is attributed to
 * the networks its own rules and the jumps into it name. Chains of counted networks only count; chains naming an
 * excluded network do not; chains naming none (shared portmap/firewall chains) count only when the table has
 * counted chains and no excluded one, so a Podman host's shared chains are never planned for removal.
 */
function cniAttribution(index: TableIndex, chains: readonly IptablesChain[], exclude: ReadonlySet<string>): Map<string, string[] | undefined> {
  const networksOf = new Map<string, string[]>();
  for (const c of chains) {
    const names = new Set<string>();
    for (const r of [...(index.byChain.get(c.name) ?? []), ...(index.jumpsTo.get(c.name) ?? [])]) {
      const m = r.comment === undefined ? null : CNI_NETWORK_COMMENT.exec(r.comment);
      if (m) names.add(m[1] as string);
    }
    networksOf.set(c.name, [...names]);
  }
  const counted = [...networksOf.values()].some((n) => n.some((x) => !exclude.has(x)));
  const excludedSeen = [...networksOf.values()].some((n) => n.some((x) => exclude.has(x)));
  const out = new Map<string, string[] | undefined>();
  for (const [chain, names] of networksOf) {
    const own = names.filter((x) => !exclude.has(x));
    // A chain that also serves an excluded network is shared with that engine: removing the Kubernetes chains
    // it jumps into removes those jumps, and the chain stays.
    if (own.length > 0 && own.length === names.length) out.set(chain, own);
    else if (names.length === 0 && counted && !excludedSeen) out.set(chain, []);
    else out.set(chain, undefined);
  }
  return out;
}

function ruleText(r: IptablesRule): string {
  return r.words.join(' ');
}

export const iptablesCheck: CheckDefinition<'iptables', IptablesSource[], IptablesFixVars> = {
  ...iptablesKind,
  probe: iptablesProbe,
  match(check, sources) {
    const families = check.families ?? ALL_FAMILIES;
    const backends = check.backends ?? ALL_BACKENDS;
    const tables = new Set<IptablesTable>(check.tables ?? IPTABLES_TABLES);
    const chainMatches = check.chains || check.chainRegex || check.chainRegexExclude ? nameMatcher(check.chains, check.chainRegex, check.chainRegexExclude) : undefined;
    const ruleMode = Boolean(check.ruleComment || check.ruleTarget || check.ruleMatch || check.ruleMatchExclude);
    const comment = includeExcludeMatcher(check.ruleComment, undefined);
    const target = globMatcher(check.ruleTarget);
    const spec = includeExcludeMatcher(check.ruleMatch, check.ruleMatchExclude);
    const findings: RawFinding<IptablesFixVars>[] = [];
    const failed: string[] = [];
    for (const src of sources) {
      if (!families.includes(src.family) || !backends.includes(src.backend)) continue;
      if (!src.ok || !src.data) {
        failed.push(`${src.label}: ${src.reason ?? 'not readable'}`);
        continue;
      }
      const base = { iptables: src.command, family: src.family, backend: src.backend };
      for (const t of src.data.tables) {
        if (!tables.has(t.table as IptablesTable)) continue;
        const prefix = `${src.family}/${src.backend}/${t.table}`;
        const index = tableIndex(t);
        if (ruleMode) {
          // Chain by chain, so a rule about PREROUTING looks at PREROUTING's rules only. (Findings are sorted by
          // target later, so the order they are found in does not show.)
          for (const [chain, rules] of index.byChain) {
            if (isForeign(chain) || (chainMatches && !chainMatches(chain))) continue;
            for (const r of rules) {
              if (r.target && isForeign(r.target)) continue;
              if (comment && !(r.comment !== undefined && comment(r.comment))) continue;
              if (target && !(r.target !== undefined && target(r.target))) continue;
              if (spec && !spec(ruleText(r))) continue;
              findings.push(
                shownAsBytes({
                  target: `${prefix}/${r.chain}: ${ruleText(r)}`,
                  evidence: r.comment ? `rule commented "${r.comment}"` : `rule in ${r.chain}`,
                  vars: { ...base, target: `${prefix}/${r.chain}`, table: t.table, chain: r.chain, rule: [r.chain, ...r.words] },
                }),
              );
            }
          }
          continue;
        }
        const chains = chainMatches ? index.userChains.filter((c) => chainMatches(c.name)) : index.userChains;
        const cni = check.excludeCniNetworks ? cniAttribution(index, chains, new Set(check.excludeCniNetworks)) : undefined;
        for (const c of chains) {
          const networks = cni?.get(c.name);
          if (cni && !networks) continue;
          const own = index.byChain.get(c.name)?.length ?? 0;
          const jumps = (index.jumpsTo.get(c.name) ?? []).map((r) => [r.chain, ...r.words]);
          const net = networks && networks.length > 0 ? `; CNI network ${networks.join(', ')}` : '';
          findings.push(
            shownAsBytes({
              target: `${prefix}/${c.name}`,
              evidence: `chain with ${own} rule${own === 1 ? '' : 's'}, ${jumps.length} jump${jumps.length === 1 ? '' : 's'} into it${net}`,
              vars: { ...base, target: `${prefix}/${c.name}`, table: t.table, chain: c.name, jumps },
            }),
          );
        }
      }
    }
    return { findings, partial: failed.length > 0 ? failed.join('; ') : undefined };
  },
};
