// CNI chains of the reference plugins as Podman (network "podman") and a Kubernetes pod network leave them:
// attributed by the `name: "<net>"` comments the bridge and portmap plugins write, Podman's never count.
import { describe, expect, it } from 'vitest';
import { iptablesCheck } from '../../src/checks/iptables.js';
import { parseIptablesSave } from '../../src/parsers/iptables-save.js';
import { createProbeContext } from '../../src/probes/context.js';
import type { IptablesSource } from '../../src/probes/iptables.js';

const ctx = createProbeContext({ root: '/', timeoutMs: 1000 });

/** nat table in the shape the portmap (hostPort) and bridge (ipMasq) plugins write it. */
function nat(pods: Array<{ net: string; hash: string }>): string {
  const chains = [':CNI-HOSTPORT-DNAT - [0:0]', ':CNI-HOSTPORT-MASQ - [0:0]', ':CNI-HOSTPORT-SETMARK - [0:0]'];
  const rules = [
    '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
    '-A CNI-HOSTPORT-MASQ --mark 0x2000/0x2000 -j MASQUERADE',
    '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
  ];
  for (const p of pods) {
    chains.push(`:CNI-${p.hash} - [0:0]`, `:CNI-DN-${p.hash} - [0:0]`);
    rules.push(
      `-A POSTROUTING -s 10.88.0.2/32 -m comment --comment "name: \\"${p.net}\\" id: \\"c0ffee${p.hash}\\"" -j CNI-${p.hash}`,
      `-A CNI-${p.hash} -d 10.88.0.0/16 -m comment --comment "name: \\"${p.net}\\" id: \\"c0ffee${p.hash}\\"" -j ACCEPT`,
      `-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"${p.net}\\" id: \\"c0ffee${p.hash}\\"" -m multiport --dports 8080 -j CNI-DN-${p.hash}`,
      `-A CNI-DN-${p.hash} -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.88.0.2:80`,
    );
  }
  return ['*nat', ':PREROUTING ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ...chains, ...rules, 'COMMIT', ''].join('\n');
}

function chains(text: string): string[] {
  const source: IptablesSource = { label: 'ipv4/nft', ok: true, data: parseIptablesSave(text), family: 'ipv4', backend: 'nft', command: 'iptables-nft' };
  const out = iptablesCheck.match({ kind: 'iptables', chainRegex: '^CNI-', excludeCniNetworks: ['podman'] }, [source], ctx);
  return out.findings.map((f) => f.target.split('/').pop() as string).sort();
}

describe('CNI chains', () => {
  it("a Podman host's chains, shared ones included, are not Kubernetes residue", () => {
    expect(chains(nat([{ net: 'podman', hash: 'aaaaaaaaaaaaaaaaaaaaaaaa' }]))).toEqual([]);
  });

  it("a Kubernetes pod network's chains are, with the shared chains when Podman has none", () => {
    expect(chains(nat([{ net: 'k8s-pod-network', hash: 'bbbbbbbbbbbbbbbbbbbbbbbb' }]))).toEqual([
      'CNI-DN-bbbbbbbbbbbbbbbbbbbbbbbb',
      'CNI-HOSTPORT-DNAT',
      'CNI-HOSTPORT-MASQ',
      'CNI-HOSTPORT-SETMARK',
      'CNI-bbbbbbbbbbbbbbbbbbbbbbbb',
    ]);
  });

  it("beside Podman's, only the pod network's own chains count (a shared chain also serves Podman)", () => {
    expect(chains(nat([{ net: 'podman', hash: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, { net: 'cbr0', hash: 'cccccccccccccccccccccccc' }]))).toEqual([
      'CNI-DN-cccccccccccccccccccccccc',
      'CNI-cccccccccccccccccccccccc',
    ]);
  });
});
