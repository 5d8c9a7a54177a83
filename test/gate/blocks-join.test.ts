// Which built-in rules block a join, and the rule that only a pre-join rule may say so.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isConfigOf } from '../../src/gate/cni.js';
import { expandRuleArgs, loadRuleFiles, parseRuleText } from '../../src/rules/load.js';
import { repoRoot } from '../helpers/cli.js';

const builtin = loadRuleFiles(expandRuleArgs([path.join(repoRoot, 'rules')]), { builtin: true, displayBase: repoRoot });
const byId = new Map(builtin.rules.map((r) => [r.id, r]));

describe('blocksJoin in the built-in rules', () => {
  it('is written for every kind of leftover that fails or corrupts a join', () => {
    const blocking: Record<string, RegExp> = {
      'kubernetes-apiserver-port': /Port-6443/,
      'kubernetes-kubelet-ports': /Port-10250/,
      'kubernetes-control-plane-ports': /Port-10257.*Port-10259/,
      'kubernetes-etcd-ports': /Port-2379.*Port-2380/,
      'kubernetes-static-pod-manifests': /old static pods/,
      'kubernetes-kubelet-process': /10250/,
      'container-runtime-k8s-shims': /port already in use/,
      'container-runtime-crio-conmon': /address already in use/,
      'k3s-containerd-shims': /address already in use/,
      'rke2-containerd-shims': /address already in use/,
      'kubernetes-component-kubeconfigs': /skips kubeadm join altogether while \/etc\/kubernetes\/kubelet\.conf exists/,
      'kubernetes-kubelet-pki': /client certificate/,
      'kubernetes-pki': /ca\.crt already exists/,
      'kubernetes-etcd-data': /DirAvailable--var-lib-etcd/,
      'rke2-etcd-data': /old etcd member/,
      'k3s-datastore': /resumes the old cluster/,
      'rke2-static-pod-manifests': /old rke2 control plane/,
      'kubernetes-cni-net-d': /first CNI config/,
      'k3s-node-password': /Node password rejected/,
    };
    for (const [id, why] of Object.entries(blocking)) expect(byId.get(id)?.blocksJoin, id).toMatch(why);
  });

  it('covers kubespray’s localhost load balancer port: the port rule checks 6443 on every address, 127.0.0.1 included', () => {
    const rule = byId.get('kubernetes-apiserver-port');
    expect(rule?.check).toMatchObject({ kind: 'port', ports: [6443] });
    expect(rule?.check).not.toHaveProperty('addresses');
  });

  it('only appears on pre-join rules, and the loader refuses it elsewhere with file, line and field', () => {
    for (const r of builtin.rules) if (r.blocksJoin) expect(r.profiles, r.id).toContain('pre-join');
    const text = readFileSync(path.join(repoRoot, 'fixtures', 'rules', 'needs-root-rules.yaml'), 'utf8');
    const bad = text.replace(/^( {4}profiles: ).*$/m, '$1[post-reset]\n    blocksJoin: would fail the join');
    const { problems } = parseRuleText(bad, 'bad.yaml', false);
    expect(problems).toContainEqual(expect.objectContaining({ file: 'bad.yaml', field: 'blocksJoin', message: 'only a pre-join rule can block a join (add pre-join to profiles)' }));
    expect(problems[0]?.line).toBeGreaterThan(1);
  });
});

describe('CNI config ownership for gate --cni', () => {
  it('recognises the config files of the plugin about to be installed, and nothing else', () => {
    expect(isConfigOf('calico', '/etc/cni/net.d/10-calico.conflist')).toBe(true);
    expect(isConfigOf('calico', '/etc/cni/net.d/calico-kubeconfig')).toBe(true);
    expect(isConfigOf('calico', '/etc/cni/net.d/10-flannel.conflist')).toBe(false);
    expect(isConfigOf('cilium', '/etc/cni/net.d/05-cilium.conflist')).toBe(true);
    expect(isConfigOf('flannel', '/etc/cni/net.d/10-containerd-net.conflist')).toBe(false);
    expect(isConfigOf('kube-router', '/etc/cni/net.d/10-kuberouter.conflist')).toBe(true);
  });
});
