// iptables removal, built from the findings' typed values, per backend command (iptables-nft,
// ip6tables-legacy, ...) and table. Only what the scan found is touched, by name:
//   1. delete the single rules that were found (nodelocaldns NOTRACK rules, say) and every rule that jumps into
//      a chain being removed from a chain that stays (INPUT, FORWARD, a user's own chain);
//   2. flush every chain being removed (chains that jump to each other lose those jumps here);
//   3. only then delete them.
// There is never a bare `-F` or `-X` without a chain: a blanket `iptables --flush` is how a clean-up script
// locks people out of a node over SSH (seed 004, residue catalog §5.0).
import type { Entry } from './builder.js';
import type { FixStep, Refusal, ScriptBlock } from './model.js';
import { chainProblem, iptablesCommandProblem, iptablesTableProblem, ruleChainProblem } from './safety.js';

interface ChainItem {
  chain: string;
  jumps: string[][];
  ruleIds: string[];
}

interface Group {
  cmd: string;
  table: string;
  chains: Map<string, ChainItem>;
  /** Rule deletions (argv after -D) with how many identical rules to delete. */
  rules: Map<string, { words: string[]; count: number; ruleIds: string[] }>;
  ruleIds: Set<string>;
}

const TABLE_ORDER = ['raw', 'mangle', 'nat', 'filter', 'security'];

function refusal(e: Entry<'iptables'>, reason: string, wouldRun?: string[]): Refusal {
  return { ruleIds: [e.rule.ruleId], kind: 'iptables', target: e.finding.target, wouldRun, reason, evidence: e.finding.evidence, rebootClears: e.finding.rebootClears };
}

export function planIptables(entries: ReadonlyArray<Entry<'iptables'>>): { steps: FixStep[]; refused: Refusal[] } {
  const groups = new Map<string, Group>();
  const refused: Refusal[] = [];
  // Identical rule findings within one rule's result are identical rules in the chain (each needs its own -D);
  // the same rule found by two rules is one rule. So: count per rule result, then take the largest count.
  const ruleCounts = new Map<string, Map<string, number>>();

  for (const e of entries) {
    const v = e.values;
    const cmd = v.iptables;
    const table = v.table;
    const problem =
      iptablesCommandProblem(cmd) ??
      iptablesTableProblem(table) ??
      (v.rawBytes === undefined ? undefined : 'a chain or rule in it has a name that is not valid UTF-8 (shown with \\xHH): it is not addressed by this plan; remove it by hand');
    if (problem) {
      refused.push(refusal(e, problem));
      continue;
    }
    const key = `${cmd}\t${table}`;
    let g = groups.get(key);
    if (!g) {
      g = { cmd, table, chains: new Map(), rules: new Map(), ruleIds: new Set() };
      groups.set(key, g);
    }
    const rule = v.rule;
    if (rule) {
      // A rule finding: delete exactly this rule.
      const chain = rule[0] ?? '';
      const p = ruleChainProblem(chain);
      if (p || rule.length < 2) {
        refused.push(refusal(e, p ?? 'the rule has no match or target', [cmd, '-t', table, '-D', ...rule]));
        continue;
      }
      const rkey = `${key}\t${JSON.stringify(rule)}`;
      const perRule = ruleCounts.get(e.rule.ruleId) ?? new Map<string, number>();
      perRule.set(rkey, (perRule.get(rkey) ?? 0) + 1);
      ruleCounts.set(e.rule.ruleId, perRule);
      const cur = g.rules.get(rkey) ?? { words: rule, count: 0, ruleIds: [] };
      if (!cur.ruleIds.includes(e.rule.ruleId)) cur.ruleIds.push(e.rule.ruleId);
      g.rules.set(rkey, cur);
      g.ruleIds.add(e.rule.ruleId);
      continue;
    }
    const chain = v.chain;
    const p = chainProblem(chain);
    if (p) {
      refused.push(refusal(e, p, [cmd, '-t', table, '-X', chain]));
      continue;
    }
    const jumps = v.jumps ?? [];
    const existing = g.chains.get(chain);
    if (existing) {
      if (!existing.ruleIds.includes(e.rule.ruleId)) existing.ruleIds.push(e.rule.ruleId);
    } else {
      g.chains.set(chain, { chain, jumps, ruleIds: [e.rule.ruleId] });
    }
    g.ruleIds.add(e.rule.ruleId);
  }
  for (const perRule of ruleCounts.values()) {
    for (const [rkey, n] of perRule) {
      const g = groups.get(rkey.split('\t').slice(0, 2).join('\t'));
      const r = g?.rules.get(rkey);
      if (r) r.count = Math.max(r.count, n);
    }
  }

  const steps: FixStep[] = [];
  const ordered = [...groups.values()].sort((a, b) => (a.cmd === b.cmd ? TABLE_ORDER.indexOf(a.table) - TABLE_ORDER.indexOf(b.table) : a.cmd < b.cmd ? -1 : 1));
  for (const g of ordered) {
    const base = [g.cmd, '-w', '-t', g.table];
    const chainNames = [...g.chains.keys()].sort();
    const removed = new Set(chainNames);
    const blocks: ScriptBlock[] = [];
    // Rule deletions: the found rules (unless their chain is flushed anyway) and the jumps into removed chains
    // from chains that stay. A rule that is both counts once, with the larger multiplicity.
    const deletions = new Map<string, { words: string[]; count: number }>();
    for (const [rkey, r] of g.rules) {
      if (removed.has(r.words[0] ?? '')) continue;
      deletions.set(rkey, { words: r.words, count: r.count });
    }
    for (const c of chainNames.map((n) => g.chains.get(n) as ChainItem)) {
      const perChain = new Map<string, { words: string[]; count: number }>();
      for (const j of c.jumps) {
        const from = j[0] ?? '';
        if (removed.has(from)) continue;
        if (ruleChainProblem(from) || j.length < 2) {
          refused.push({
            ruleIds: c.ruleIds,
            kind: 'iptables',
            target: `${g.cmd} ${g.table} ${c.chain}`,
            wouldRun: [...base, '-D', ...j],
            reason: `the jump into ${c.chain} sits in ${from || 'an unnamed chain'}: ${ruleChainProblem(from) ?? 'malformed rule'}`,
            evidence: `jump ${j.join(' ')}`,
            rebootClears: true,
          });
          continue;
        }
        const rkey = `${g.cmd}\t${g.table}\t${JSON.stringify(j)}`;
        const cur = perChain.get(rkey) ?? { words: j, count: 0 };
        cur.count++;
        perChain.set(rkey, cur);
      }
      for (const [rkey, d] of perChain) {
        const cur = deletions.get(rkey);
        deletions.set(rkey, { words: d.words, count: Math.max(d.count, cur?.count ?? 0) });
      }
    }
    for (const d of deletions.values()) {
      for (let i = 0; i < d.count; i++) blocks.push({ type: 'call', fn: 'run_may_fail', args: [...base, '-D', ...d.words] });
    }
    for (const c of chainNames) blocks.push({ type: 'call', fn: 'run_may_fail', args: [...base, '-F', c] });
    for (const c of chainNames) blocks.push({ type: 'call', fn: 'run_may_fail', args: [...base, '-X', c] });
    if (blocks.length === 0) continue;
    const nRules = [...deletions.values()].reduce((n, d) => n + d.count, 0);
    steps.push({
      phase: 'iptables',
      ruleIds: [...g.ruleIds].sort(),
      comment: [
        `${g.cmd}, table ${g.table}: delete ${nRules} rule${nRules === 1 ? '' : 's'}${chainNames.length > 0 ? `, then flush and delete ${chainNames.length} chain${chainNames.length === 1 ? '' : 's'}: ${chainNames.join(', ')}` : ''}.`,
        'A rule or chain that is already gone makes its command fail harmlessly (tolerated). -w waits for the xtables lock.',
      ],
      blocks,
    });
  }
  return { steps, refused };
}
