import { planIptables } from '../iptables-steps.js';
import type { KindFix, Planner } from './planner.js';
import { globsMatcher } from '../../glob.js';
import { compileRuleRegex } from '../../rule-regex.js';
import { commentOf, jumpTarget, nameFits } from '../fits.js';

/** iptables: per backend and table, jumps first, then flushes, then deletes (iptables-steps.ts). */
export const planIptablesFindings: Planner<'iptables'> = (entries, b) => {
  const ipt = planIptables(entries);
  b.refused.push(...ipt.refused);
  for (const s of ipt.steps) b.step('iptables', s);
};

/** The iptables kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const iptablesFix: KindFix<'iptables'> = {
  plan: planIptablesFindings,
  refusalPhase: 'iptables',
  readValues: (r) => ({
    target: r.target(),
    iptables: r.word('iptables'),
    family: r.word('family'),
    backend: r.word('backend'),
    table: r.word('table'),
    chain: r.word('chain'),
    jumps: r.wordLists('jumps'),
    rule: r.optionalWords('rule'),
    rawBytes: r.optionalWord('rawBytes'),
  }),
  fits: (c, v) => {
    const family = v.iptables.startsWith('ip6tables') ? 'ipv6' : 'ipv4';
    const backend = v.iptables.endsWith('-legacy') ? 'legacy' : 'nft';
    if ((c.families && !c.families.includes(family)) || (c.backends && !c.backends.includes(backend))) return `${v.iptables} is not a backend the rule looks at`;
    if (c.tables && !(c.tables as readonly string[]).includes(v.table)) return `table ${v.table} is not one the rule looks at`;
    const chainMatches = c.chains || c.chainRegex ? (name: string) => nameFits(c.chains, c.chainRegex, name) : () => true;
    if (c.ruleComment || c.ruleTarget || c.ruleMatch) {
      const rule = v.rule;
      if (!rule || rule.length < 2) return 'the rule finding has no rule';
      const [chain = '', ...words] = rule;
      const target = jumpTarget(words);
      const comment = commentOf(words);
      if (!chainMatches(chain)) return `chain ${chain} is not one the rule looks at`;
      if (c.ruleComment && !(comment !== undefined && compileRuleRegex(c.ruleComment).test(comment))) return 'the rule\u2019s comment is not one the rule looks for';
      if (c.ruleTarget && !(target !== undefined && globsMatcher(c.ruleTarget)(target))) return 'the rule\u2019s target is not one the rule looks for';
      if (c.ruleMatch && !compileRuleRegex(c.ruleMatch).test(words.join(' '))) return 'the rule is not one the rule looks for';
      return undefined;
    }
    if (v.rule) return 'a rule where the rule reports chains';
    if (!chainMatches(v.chain)) return `chain ${v.chain} is not one the rule looks for`;
    const bad = (v.jumps ?? []).find((j) => jumpTarget(j.slice(1)) !== v.chain);
    return bad ? `"${bad.join(' ')}" does not jump into ${v.chain}` : undefined;
  },
};
