// The built-in rule packs: every rule validates with the same loader users get, ids are unique, there are well
// over 100, every leftover named in the five seed articles has its rule, and no fix deletes by hand what only a
// reboot or the proper command should clear.
import { describe, expect, it } from 'vitest';
import { expandRuleArgs, formatProblem, loadRuleFiles } from '../../src/rules/load.js';
import type { Rule } from '../../src/model/rule.js';
import { builtinRulesDir, packageRoot } from '../../src/package-location.js';
import { runCli } from '../helpers/cli.js';

const loaded = loadRuleFiles(expandRuleArgs([builtinRulesDir]), { builtin: true, displayBase: packageRoot });
const byId = new Map(loaded.rules.map((r) => [r.id, r]));

/** Seed article → leftovers it names → the rule that must report each. */
const SEED_COVERAGE: Record<string, Array<[string, string]>> = {
  '000 kubespray reset': [
    ['/var/log/containers', 'kubernetes-container-logs'],
    ['kubepods.slice cgroups', 'kubernetes-kubepods-cgroups'],
    ['/tmp/releases', 'kubespray-tmp-releases'],
    ['kubelet unit in /etc/systemd', 'kubernetes-kubelet-unit'],
    ['/run/systemd/transient kubepods units', 'kubernetes-kubepods-transient-units'],
  ],
  '001 kubespray remove-node': [
    ['static pod manifests', 'kubernetes-static-pod-manifests'],
    ['nginx-proxy manifest', 'kubespray-localhost-lb-manifests'],
    ['containerd-shim-runc-v2 -namespace k8s.io', 'container-runtime-k8s-shims'],
    ['static pod processes', 'kubernetes-control-plane-processes'],
    ['port 6443 in use', 'kubernetes-apiserver-port'],
    ['pod network namespaces', 'container-runtime-cni-netns'],
  ],
  '002 kubekey calico cgroup': [['cgroup2 at /run/calico/cgroup', 'calico-cgroup2-mount']],
  '003 kubesphere uninstall': [
    ['*.kubesphere.io CRDs', 'kubesphere-crds'],
    ['kubesphere.io/managed=true namespaces', 'kubesphere-managed-namespace-labels'],
    ['kubesphere-system namespaces', 'kubesphere-namespaces'],
  ],
  '004 rancher clean-up': [
    ['/etc/ceph', 'rancher-etc-ceph'],
    ['/etc/cni', 'rancher-etc-cni'],
    ['/etc/kubernetes', 'kubernetes-etc-kubernetes-dir'],
    ['/opt/cni', 'kubernetes-opt-cni'],
    ['/opt/rke', 'rancher-opt-rke'],
    ['/run/secrets/kubernetes.io', 'rancher-run-secrets'],
    ['/run/calico', 'calico-run-dir'],
    ['/run/flannel', 'flannel-run-dir'],
    ['/var/lib/calico', 'calico-var-lib-dir'],
    ['/var/lib/etcd', 'kubernetes-etcd-data'],
    ['/var/lib/cni', 'kubernetes-var-lib-cni'],
    ['/var/lib/kubelet', 'kubernetes-var-lib-kubelet'],
    ['/var/lib/rancher/rke/log', 'rancher-rke-logs'],
    ['/var/log/kube-audit', 'rancher-kube-audit-logs'],
    ['/var/log/pods', 'kubernetes-pod-logs'],
    ['/usr/libexec/kubernetes', 'kubernetes-volume-plugin-dir'],
    ['tmpfs mounts under /var/lib/kubelet', 'kubernetes-kubelet-tmpfs-mounts'],
    ['/var/lib/kubelet mount', 'rancher-kubelet-bind-mount'],
    ['/var/lib/rancher mount', 'rancher-var-lib-rancher-mount'],
    ['flannel.1', 'flannel-vxlan-interfaces'],
    ['cni0', 'kubernetes-cni0-bridge'],
    ['tunl0', 'calico-tunl0'],
    ['caliXXXXXXXXXXX', 'calico-workload-veths'],
    ['vethXXXXXXXX', 'kubernetes-cni0-veths'],
    ['cali-* chains', 'calico-iptables-base-chains'],
    ['cali-fw-/cali-tw- chains', 'calico-iptables-workload-chains'],
    ['cali-pri-kns/cali-pro-kns chains', 'calico-iptables-policy-chains'],
    ['KUBE-SERVICES/NODEPORTS/MARK-MASQ', 'kube-proxy-iptables-base-chains'],
    ['KUBE-SVC-/KUBE-SEP-', 'kube-proxy-iptables-service-chains'],
    ['KUBE-FIREWALL/KUBE-MARK-DROP', 'kubernetes-kubelet-iptables-chains'],
    ['ports 2379, 2380', 'kubernetes-etcd-ports'],
    ['port 8472', 'flannel-vxlan-port'],
    ['port 9099', 'calico-felix-health-port'],
    ['port 10250', 'kubernetes-kubelet-ports'],
    ['port 10254', 'rancher-ingress-health-port'],
    ['kubelet process', 'kubernetes-kubelet-process'],
    ['kube-proxy process', 'kube-proxy-process'],
    ['kube-* services', 'kubernetes-control-plane-units'],
  ],
};

function isUnder(path: string, top: string): boolean {
  return path === top || path.startsWith(`${top}/`);
}

describe('built-in rules', () => {
  it('all validate with the user-facing loader, ids unique', () => {
    expect(loaded.problems.map(formatProblem)).toEqual([]);
    expect(new Set(loaded.rules.map((r) => r.id)).size).toBe(loaded.rules.length);
  });

  it('are well over 100, in the packs by origin', () => {
    expect(loaded.rules.length).toBeGreaterThan(150);
    expect(new Set(loaded.rules.map((r) => r.pack))).toEqual(
      new Set(['kubernetes', 'kubespray', 'kubekey', 'rancher', 'k3s', 'rke2', 'kubesphere', 'calico', 'flannel', 'cilium', 'kube-router', 'container-runtime', 'kube-proxy', 'cluster']),
    );
  });

  describe.each(Object.entries(SEED_COVERAGE))('seed %s', (_seed, items) => {
    it.each(items)('%s → %s', (_what, id) => {
      const rule = byId.get(id);
      expect(rule, `missing rule ${id}`).toBeDefined();
    });
  });

  it('never suggests rm under /sys or /proc, and says a reboot clears what lives there', () => {
    const offenders: string[] = [];
    for (const r of loaded.rules) {
      for (const c of r.fix.commands) if (/\brm\b[^|;]*\s\/(sys|proc)\//.test(c)) offenders.push(`${r.id}: ${c}`);
      const paths = r.check.kind === 'path' ? r.check.paths : [];
      if (paths.some((p) => isUnder(p, '/sys') || isUnder(p, '/proc')) && r.fix.commands.some((c) => /\brm\b/.test(c))) offenders.push(`${r.id}: rm on a /sys path`);
    }
    expect(offenders).toEqual([]);
    const kernelKinds = new Set(['mount', 'cgroup', 'interface', 'iptables', 'nftables', 'ipvs', 'ipset', 'process', 'port', 'netns']);
    const notReboot = loaded.rules.filter((r: Rule) => kernelKinds.has(r.check.kind) && r.rebootClears === false).map((r) => r.id);
    // Kernel state is gone after a reboot; only a bind mount listed in fstab might come back.
    expect(notReboot.filter((id) => !/mount/.test(id))).toEqual([]);
  });

  it('puts `--` before path operands of rm', () => {
    const bad = loaded.rules.flatMap((r) => r.fix.commands.filter((c) => /^rm\b/.test(c) && /\{\{(target|paths)\}\}/.test(c) && !/ -- /.test(c)).map((c) => `${r.id}: ${c}`));
    expect(bad).toEqual([]);
  });

  it('`rules list` shows them all, with --format json for scripts', () => {
    const run = runCli(['rules', 'list', '--format', 'json']);
    expect(run.status).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<{ id: string; severity: string; kinds: string[]; tags: string[]; title: string }>;
    expect(rows.length).toBe(loaded.rules.length);
    expect(rows.find((r) => r.id === 'calico-cgroup2-mount')).toMatchObject({ severity: expect.any(String), kinds: ['mount'] });
    expect(rows.filter((r) => r.tags.includes('seed')).length).toBeGreaterThan(40);
  });

  it('`rules show` prints the fix and references of one rule', () => {
    const run = runCli(['rules', 'show', 'calico-cgroup2-mount']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('umount {{target}}');
    expect(run.stdout).toMatch(/https:\/\/github\.com\/kubesphere\/kubekey\/issues\/2539/);
    expect(runCli(['rules', 'show', 'no-such-rule']).status).toBe(2);
  });
});
