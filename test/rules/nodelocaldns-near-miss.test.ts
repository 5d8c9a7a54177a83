// The case issue 9 reproduced: the built-in NodeLocal DNS rule for 169.254.25.10 also matched the user's NOTRACK
// rule for 169.254.25.101, in both iptables backends, so the fix plan deleted the user's rule. Here the real
// built-in rule is compared (with the real check) to dumps of both backends holding both rules.
import { describe, expect, it } from 'vitest';
import { iptablesCheck } from '../../src/checks/iptables.js';
import { expandRuleArgs, loadRuleFiles } from '../../src/rules/load.js';
import { builtinRulesDir, packageRoot } from '../../src/package-location.js';
import { parseIptablesSave } from '../../src/parsers/iptables-save.js';
import { createProbeContext } from '../../src/probes/context.js';
import type { IptablesSource } from '../../src/probes/iptables.js';
import type { IptablesCheck } from '../../src/model/rule.js';

const dump = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -d 169.254.25.10/32 -p udp -m udp --dport 53 -m comment --comment "NodeLocal DNS Cache: skip conntrack" -j NOTRACK
-A PREROUTING -d 169.254.25.101/32 -p udp -m udp --dport 53 -m comment --comment "my own resolver" -j NOTRACK
-A OUTPUT -s 169.254.25.101/32 -p udp -m udp --sport 53 -j NOTRACK
COMMIT
`;

describe('kubespray-nodelocaldns-iptables-rules: 169.254.25.10 and not the user’s 169.254.25.101', () => {
  it('finds only the NodeLocal DNS rule, in each backend', () => {
    const rule = loadRuleFiles(expandRuleArgs([builtinRulesDir]), { builtin: true, displayBase: packageRoot }).rules.find((r) => r.id === 'kubespray-nodelocaldns-iptables-rules');
    expect(rule).toBeDefined();
    const sources: IptablesSource[] = (['nft', 'legacy'] as const).map((backend) => ({
      label: `ipv4/${backend}`,
      family: 'ipv4',
      backend,
      command: `iptables-${backend}`,
      ok: true,
      data: parseIptablesSave(dump),
    }));
    const out = iptablesCheck.match(rule?.check as IptablesCheck, sources, createProbeContext({ root: '/', timeoutMs: 1000 }));
    const targets = out.findings.map((f) => f.target).sort();
    expect(targets.map((t) => t.split(':')[0])).toEqual(['ipv4/legacy/raw/PREROUTING', 'ipv4/nft/raw/PREROUTING']);
    for (const t of targets) expect(t).toContain('-d 169.254.25.10/32 ');
    expect(targets.join('\n')).not.toContain('169.254.25.101');
  });
});
