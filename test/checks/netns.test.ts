import { describe, expect, it } from 'vitest';
import { netnsCheck } from '../../src/checks/netns.js';
import type { NamedNetns } from '../../src/probes/netns.js';
import { match, targets } from './facts.js';

const namespaces: NamedNetns[] = [
  { name: 'cni-1234', hostPath: '/run/netns/cni-1234', mounted: true },
  { name: 'cni-dead', hostPath: '/run/netns/cni-dead', mounted: false },
  { name: 'vpn', hostPath: '/run/netns/vpn', mounted: true },
];

describe('netns check', () => {
  it('live and stale namespaces alike, said which', () => {
    const out = match(netnsCheck, { names: ['cni-*'] }, namespaces);
    expect(out.findings).toEqual([
      { target: 'cni-1234', evidence: 'live network namespace (nsfs mount at /run/netns/cni-1234)', vars: { target: 'cni-1234' } },
      { target: 'cni-dead', evidence: 'stale file /run/netns/cni-dead (namespace no longer mounted)', vars: { target: 'cni-dead' } },
    ]);
  });

  it("a namespace the rule does not name is someone else's", () => {
    expect(targets(match(netnsCheck, { names: ['cni-*'] }, namespaces))).not.toContain('vpn');
  });
});
