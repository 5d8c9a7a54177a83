// globsMatcher looks plain patterns up in a Set instead of compiling them with picomatch: it must agree with
// picomatch(patterns, { dot: true }) for every pattern the built-in rules use, on the names they are meant
// for and on near misses.
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles, expandRuleArgs } from '../src/rules/load.js';
import { builtinRulesDir } from '../src/package-location.js';
import { globsMatcher, isPlainName } from '../src/glob.js';

const rules = loadRuleFiles(expandRuleArgs([builtinRulesDir]), { builtin: true }).rules;
const patterns = new Set<string>();
for (const r of rules) {
  const c = r.check as unknown as Record<string, unknown>;
  for (const key of ['names', 'units', 'comm', 'exe', 'mountPoints', 'fstypes', 'sources', 'chains', 'ruleTarget', 'linkKinds', 'addresses', 'exclude']) {
    const v = c[key];
    if (Array.isArray(v)) for (const p of v) if (typeof p === 'string') patterns.add(p);
  }
}

function variants(p: string): string[] {
  return [p, `${p}/`, `./${p}`, `${p}x`, `x${p}`, p.toUpperCase(), p.slice(0, -1), `${p}.d`, `.${p}`, p.replace(/\*/g, 'abc'), p.replace(/\*/g, ''), p.replace(/\*/g, 'a/b'), '', '.', '/'];
}

describe('globsMatcher', () => {
  it('covers the patterns of the built-in rules', () => {
    expect(patterns.size).toBeGreaterThan(100);
    expect([...patterns].filter(isPlainName).length).toBeGreaterThan(80);
  });

  it('agrees with picomatch pattern by pattern', () => {
    for (const p of patterns) {
      const ours = globsMatcher([p]);
      const theirs = picomatch(p, { dot: true });
      for (const name of variants(p)) expect(ours(name), `${p} vs ${JSON.stringify(name)}`).toBe(theirs(name));
    }
  });

  it('agrees with picomatch on the lists rules give', () => {
    const lists = [
      ['kubelet.service', 'k3s*.service'],
      ['calico-node', 'bird', 'bird6'],
      ['veth*'],
      ['/var/lib/kubelet/**'],
      ['kubepods.slice', 'kubepods'],
      ['[abc]', 'a*', '?x'],
      ['*'],
      ['*.{service,socket}', '@(cni|flannel)*', '!(x)'],
      ['.hidden*', 'a\\*b'],
    ];
    for (const list of lists) {
      const ours = globsMatcher(list);
      const theirs = picomatch(list, { dot: true });
      for (const name of list.flatMap(variants)) expect(ours(name), `${list.join(',')} vs ${JSON.stringify(name)}`).toBe(theirs(name));
      // Without dot (nftables table names are matched so).
      const oursNoDot = globsMatcher(list, { dot: false });
      const theirsNoDot = picomatch(list);
      for (const name of list.flatMap(variants)) expect(oursNoDot(name), `${list.join(',')} (no dot) vs ${JSON.stringify(name)}`).toBe(theirsNoDot(name));
    }
  });
});
