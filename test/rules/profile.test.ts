// Profiles: decommission is post-reset plus what a reset rightly keeps; post-reset and pre-join leave the
// decommission-only rules out; `all` takes every rule. Checked on the built-in packs as users select them.
import { describe, expect, it } from 'vitest';
import { PROFILES, type Rule } from '../../src/model/rule.js';
import { expandRuleArgs, loadRuleFiles } from '../../src/rules/load.js';
import { PROFILE_SUMMARY, ruleInProfile } from '../../src/rules/profile.js';
import { selectRules } from '../../src/rules/select.js';
import { builtinRulesDir, packageRoot } from '../../src/package-location.js';

const rules = loadRuleFiles(expandRuleArgs([builtinRulesDir]), { builtin: true, displayBase: packageRoot }).rules;
const ids = (profile: Rule['profiles'][number] | 'all'): Set<string> =>
  new Set(selectRules(rules, { profile, tags: [], rules: [], skip: [], cluster: true }).selected.map((r) => r.id));

describe('profiles', () => {
  it('decommission = post-reset + decommission-only rules', () => {
    const post = ids('post-reset');
    const decommission = ids('decommission');
    for (const id of post) expect(decommission.has(id)).toBe(true);
    const extra = [...decommission].filter((id) => !post.has(id)).sort();
    expect(extra).toEqual(
      expect.arrayContaining([
        'container-runtime-containerd-config',
        'container-runtime-containerd-unit',
        'container-runtime-local-binaries',
        'kubernetes-package-repos',
        'kubernetes-packaged-binaries',
      ]),
    );
  });

  it('post-reset and pre-join leave packages, repos and the installed runtime out', () => {
    for (const p of ['post-reset', 'pre-join'] as const) {
      const s = ids(p);
      for (const id of ['container-runtime-containerd-config', 'container-runtime-containerd-unit', 'kubernetes-package-repos', 'kubernetes-packaged-binaries']) expect(s.has(id)).toBe(false);
    }
  });

  it('all selects every rule; every profile has a one-line summary', () => {
    expect(ids('all').size).toBe(rules.length);
    for (const p of PROFILES) expect(PROFILE_SUMMARY[p]).toMatch(/^[^\n]+$/);
    expect(ruleInProfile({ profiles: ['decommission'] }, 'post-reset')).toBe(false);
    expect(ruleInProfile({ profiles: ['post-reset'] }, 'decommission')).toBe(true);
    expect(ruleInProfile({ profiles: ['pre-join'] }, 'decommission')).toBe(false);
  });
});
