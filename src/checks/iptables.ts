import type { IptablesTable } from '../model/rule.js';
import { IPTABLES_TABLES } from '../model/rule.js';
import type { IptablesRule } from '../parsers/iptables-save.js';
import { ALL_BACKENDS, ALL_FAMILIES, iptablesProbe, type IptablesSource } from '../probes/iptables.js';
import type { CheckDefinition, RawFinding } from './check.js';
import { globMatcher, nameMatcher } from './check.js';

/**
 * Chains that belong to other software and are never reported, whatever a rule says: Docker, Tailscale (ts-*),
 * ufw and firewalld. A Kubernetes auditor that offered to delete DOCKER-USER would be dangerous.
 */
export const FOREIGN_CHAIN =
  /^(DOCKER|ts-|ufw6?-|(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)_(direct|ZONES|ZONES_SOURCE|IN_ZONES|OUT_ZONES|IN_ZONES_SOURCE|OUT_ZONES_SOURCE)$|(IN|FWDI|FWDO|FWD|PRE|POST)_[A-Za-z0-9]+)/;

interface RulesIndex {
  count: Map<string, number>;
  jumpsTo: Map<string, IptablesRule[]>;
}

const indexes = new WeakMap<readonly IptablesRule[], RulesIndex>();

/** Rules per chain and jumps per target, built once per table and shared by every rule that reads it. */
function rulesIndex(rules: readonly IptablesRule[]): RulesIndex {
  let index = indexes.get(rules);
  if (index) return index;
  index = { count: new Map(), jumpsTo: new Map() };
  for (const r of rules) {
    index.count.set(r.chain, (index.count.get(r.chain) ?? 0) + 1);
    if (!r.target) continue;
    const list = index.jumpsTo.get(r.target);
    if (list) list.push(r);
    else index.jumpsTo.set(r.target, [r]);
  }
  indexes.set(rules, index);
  return index;
}

function ruleText(r: IptablesRule): string {
  return r.words.join(' ');
}

export const iptablesCheck: CheckDefinition<'iptables', IptablesSource[]> = {
  kind: 'iptables',
  probe: iptablesProbe,
  match(check, sources) {
    const families = check.families ?? ALL_FAMILIES;
    const backends = check.backends ?? ALL_BACKENDS;
    const tables = new Set<IptablesTable>(check.tables ?? IPTABLES_TABLES);
    const chainMatches = check.chains || check.chainRegex ? nameMatcher(check.chains, check.chainRegex) : undefined;
    const ruleMode = Boolean(check.ruleComment || check.ruleTarget || check.ruleMatch);
    const comment = check.ruleComment ? new RegExp(check.ruleComment) : undefined;
    const target = globMatcher(check.ruleTarget);
    const spec = check.ruleMatch ? new RegExp(check.ruleMatch) : undefined;
    const findings: RawFinding[] = [];
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
        if (ruleMode) {
          for (const r of t.rules) {
            if (FOREIGN_CHAIN.test(r.chain) || (r.target && FOREIGN_CHAIN.test(r.target))) continue;
            if (chainMatches && !chainMatches(r.chain)) continue;
            if (comment && !(r.comment !== undefined && comment.test(r.comment))) continue;
            if (target && !(r.target !== undefined && target(r.target))) continue;
            if (spec && !spec.test(ruleText(r))) continue;
            findings.push({
              target: `${prefix}/${r.chain}: ${ruleText(r)}`,
              evidence: r.comment ? `rule commented "${r.comment}"` : `rule in ${r.chain}`,
              vars: { ...base, target: `${prefix}/${r.chain}`, table: t.table, chain: r.chain, rule: [r.chain, ...r.words] },
            });
          }
          continue;
        }
        const index = rulesIndex(t.rules);
        for (const c of t.chains) {
          if (c.builtin || FOREIGN_CHAIN.test(c.name) || (chainMatches && !chainMatches(c.name))) continue;
          const own = index.count.get(c.name) ?? 0;
          const jumps = (index.jumpsTo.get(c.name) ?? []).map((r) => [r.chain, ...r.words]);
          findings.push({
            target: `${prefix}/${c.name}`,
            evidence: `chain with ${own} rule${own === 1 ? '' : 's'}, ${jumps.length} jump${jumps.length === 1 ? '' : 's'} into it`,
            vars: { ...base, target: `${prefix}/${c.name}`, table: t.table, chain: c.name, jumps },
          });
        }
      }
    }
    return { findings, partial: failed.length > 0 ? failed.join('; ') : undefined };
  },
};
