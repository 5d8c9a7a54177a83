// Every built-in rule that carries a regex has samples here: text it must match (residue the installer made) and a
// near miss it must NOT match (the user's own object that merely looks alike). An unanchored regex deletes the
// near miss: the NodeLocal DNS NOTRACK rule for 169.254.25.10 also matched the user's rule for 169.254.25.101.
// A new regex rule without samples fails this test, so every regex gets its anchoring looked at.
import { describe, expect, it } from 'vitest';
import { expandRuleArgs, loadRuleFiles } from '../../src/rules/load.js';
import { KIND_META } from '../../src/checks/kinds.js';
import type { Check, Rule } from '../../src/model/rule.js';
import { builtinRulesDir, packageRoot } from '../../src/package-location.js';
import { compileRuleRegex, includeExcludeMatcher } from '../../src/rule-regex.js';

/** What a regex is matched against; each subject is one matcher built the way the check builds it. */
type Subject = 'name' | 'chain' | 'comment' | 'spec' | 'cmdline' | 'content';

interface Samples {
  subject: Subject;
  match: string[];
  nearMiss: string[];
}

const SAMPLES: Record<string, Samples[]> = {
  'calico-workload-veths': [{ subject: 'name', match: ['cali1234567890a'], nearMiss: ['cali1234567890ab', 'calico0', 'xcali1234567890a'] }],
  'calico-iptables-base-chains': [
    { subject: 'chain', match: ['cali-INPUT', 'cali-failsafe-in', 'cali-from-wl-dispatch', 'cali-nat-outgoing'], nearMiss: ['cali-fw-cali1234567890a', 'cali-pri-kns.default', 'calico-user', 'my-cali-INPUT'] },
  ],
  'calico-iptables-workload-chains': [{ subject: 'chain', match: ['cali-fw-cali1234567890a', 'cali-tw-cali1234567890a'], nearMiss: ['cali-fwd-user', 'xcali-fw-a', 'cali-INPUT'] }],
  'calico-iptables-policy-chains': [{ subject: 'chain', match: ['cali-pi-_abc', 'cali-pri-kns.default', 'cali-pro-ksa.x'], nearMiss: ['cali-pipeline', 'cali-INPUT', 'my-cali-pi-x'] }],
  'calico-ipsets': [{ subject: 'name', match: ['cali40all-ipam-pools', 'cali60masq-ipam-pools', 'cali4-x'], nearMiss: ['calico-user-set', 'cali41', 'xcali40'] }],
  'calico-node-processes': [
    {
      subject: 'cmdline',
      match: ['calico-node -felix', '/bin/calico-node -confd', 'bird -R -s /var/run/calico/bird.ctl -d -c /etc/calico/confd/config/bird.cfg', 'bird6 -R -s /run/calico/bird6.ctl -d'],
      nearMiss: ['bird -c /etc/bird/calico-peering.conf', 'calico-node-exporter --port 9100', 'bird -s /var/run/calico/bird.ctl.bak'],
    },
  ],
  'cilium-endpoint-veths': [{ subject: 'name', match: ['lxc1a2b3c', 'lxc_health'], nearMiss: ['lxcbr0', 'lxc1a2b3c-user', 'mylxc12'] }],
  'cilium-iptables-chains': [{ subject: 'chain', match: ['CILIUM_INPUT', 'OLD_CILIUM_FORWARD'], nearMiss: ['MY_CILIUM_INPUT', 'CILIUMINPUT'] }],
  'container-runtime-k8s-shims': [
    {
      subject: 'cmdline',
      match: [
        '/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id 0123abcd -address /run/containerd/containerd.sock',
        '/usr/bin/containerd-shim-runc-v2 -id 0123abcd -address /var/run/containerd/containerd.sock -namespace k8s.io',
        '/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -address /run/containerd/containerd.sock',
        '/usr/bin/containerd-shim-runc-v2 -address /run/containerd/containerd.sock -namespace k8s.io',
      ],
      nearMiss: [
        '/usr/bin/containerd-shim-runc-v2 -namespace moby -id 0123abcd -address /run/containerd/containerd.sock',
        '/usr/bin/containerd-shim-runc-v2 -namespace k8s.io.user -id 0123abcd -address /run/containerd/containerd.sock',
        '/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id 0123abcd -address /run/k3s/containerd/containerd.sock',
        '/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id 0123abcd',
      ],
    },
  ],
  'container-runtime-crio-conmon': [
    { subject: 'cmdline', match: ['/usr/bin/conmon -b /x --exit-dir /var/run/crio/exits -l /y', '/usr/bin/conmon --exit-dir /run/crio/exits'], nearMiss: ['/usr/bin/conmon --exit-dir /run/crio/exits-podman', '/usr/bin/conmon --exit-dir /home/u/run/crio/exits'] },
  ],
  'flannel-vxlan-interfaces': [{ subject: 'name', match: ['flannel.1', 'flannel-v6.1', 'flannel-wg', 'flannel-wg-v6'], nearMiss: ['flannel.1x', 'flannel0', 'myflannel.1'] }],
  'flannel-iptables-chains': [{ subject: 'chain', match: ['FLANNEL-POSTRTG', 'FLANNEL-FWD'], nearMiss: ['MY-FLANNEL-FWD', 'FLANNELFWD'] }],
  'flannel-iptables-masq-rules': [
    { subject: 'comment', match: ['flanneld masq', 'flanneld forward'], nearMiss: ['not flanneld masq', 'flannel masq'] },
    {
      subject: 'spec',
      match: ['-s 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE'],
      nearMiss: ['-m comment --comment "flanneld masq" -j FLANNEL-POSTRTG'],
    },
  ],
  'k3s-process': [{ subject: 'cmdline', match: ['/usr/local/bin/k3s server', 'k3s agent --server https://x:6443'], nearMiss: ['/usr/local/bin/k3s kubectl get pods', 'k3s crictl ps', 'k3s etcd-snapshot save'] }],
  'k3s-containerd-shims': [
    {
      subject: 'cmdline',
      match: ['/var/lib/rancher/k3s/data/abc123/bin/containerd-shim-runc-v2 -namespace k8s.io -id x'],
      nearMiss: ['/home/u/var/lib/rancher/k3s/data/abc123/bin/containerd-shim-runc-v2 -namespace k8s.io', '/var/lib/rancher/k3s/data/abc123/bin/containerd-shim-runc-v2-debug -id x'],
    },
  ],
  'kube-proxy-iptables-base-chains': [
    { subject: 'chain', match: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-MARK-MASQ', 'KUBE-PROXY-CANARY', 'KUBE-SVC-ABCDEFGHIJKLMNOPQ'], nearMiss: ['KUBE-SVC-ABCDEFGHIJKLMNOP', 'KUBE-ROUTER-INPUT', 'KUBE-FIREWALL', 'KUBE-KUBELET-CANARY', 'MY-KUBE-SERVICES'] },
  ],
  'kube-proxy-iptables-service-chains': [
    { subject: 'chain', match: ['KUBE-SVC-ABCDEFGHIJKLMNOP', 'KUBE-SEP-0123456789ABCDEF'], nearMiss: ['KUBE-SVC-ABCDEFGHIJKLMNOPQ', 'KUBE-SVC-abcdefghijklmnop', 'KUBE-SVC-USER'] },
  ],
  'kube-proxy-ipsets': [{ subject: 'name', match: ['KUBE-CLUSTER-IP', 'KUBE-6-LOOP-BACK'], nearMiss: ['KUBE-SRC-ABC', 'KUBE-DST-ABC', 'MY-KUBE-SET'] }],
  'kube-router-tunnels': [{ subject: 'name', match: ['tun-0a000002'], nearMiss: ['tun-user', 'tun-0a000002x', 'mytun-0a'] }],
  'kube-router-iptables-chains': [{ subject: 'chain', match: ['KUBE-ROUTER-INPUT', 'KUBE-NWPLCY-ABC', 'KUBE-POD-FW-ABC'], nearMiss: ['KUBE-ROUTERX', 'MY-KUBE-ROUTER-INPUT'] }],
  'kube-router-ipsets': [{ subject: 'name', match: ['kube-router-pod-subnets', 'inet6:kube-router-x', 'KUBE-SRC-ABC'], nearMiss: ['my-kube-router-set', 'KUBE-SRCX'] }],
  'kubekey-sysctl-conf': [
    { subject: 'content', match: ['net.core.somaxconn = 32768', 'vm.max_map_count=262144'], nearMiss: ['net.core.somaxconn = 327680', '# vm.max_map_count=262144', 'net.core.somaxconn = 4096'] },
  ],
  'kubekey-limits': [{ subject: 'content', match: ['*               soft    nofile         1048576'], nearMiss: ['*  soft  nofile  10485760', 'user soft nofile 1048576'] }],
  'kubekey-selinux-disabled': [{ subject: 'content', match: ['SELINUX=disabled'], nearMiss: ['SELINUX=disabledx', '#SELINUX=disabled', 'SELINUX=permissive'] }],
  'kubekey-fstab-swap-commented': [{ subject: 'content', match: ['#/swap.img none swap sw 0 0'], nearMiss: ['/swap.img none swap sw 0 0', '#UUID=1 /home ext4 defaults 0 2'] }],
  'kubekey-kube-user': [{ subject: 'content', match: ['kube:x:1001:1001::/home/kube:/sbin/nologin'], nearMiss: ['kubeuser:x:1002:1002::/home/kubeuser:/bin/sh', 'xkube:x:1'] }],
  'kubernetes-cni-plugin-iptables-chains': [{ subject: 'chain', match: ['CNI-HOSTPORT-DNAT', 'CNI-DN-abc'], nearMiss: ['MY-CNI-CHAIN', 'CNIX'] }],
  'kubernetes-etcd-system-user': [{ subject: 'content', match: ['etcd:x:998:998::/var/lib/etcd:/sbin/nologin'], nearMiss: ['etcd-backup:x:997:997::/home/etcd-backup:/bin/sh', 'myetcd:x:1'] }],
  'kubernetes-kubeadm-rootless-users': [{ subject: 'content', match: ['kubeadm-etcd:x:1000:1000::/:/sbin/nologin', 'kubeadm-sa-key-readers:x:1004:'], nearMiss: ['kubeadm-etcdx:x:1:1::/:/bin/sh', 'kubeadm:x:1:1::/:/bin/sh'] }],
  'kubespray-localhost-lb-config': [
    { subject: 'content', match: ['backend kube_api_backend', '  upstream kube_apiserver {'], nearMiss: ['backend kube_api_backend_user', 'upstream kube_apiserver_user {', '# backend kube_api_backend'] },
  ],
  'kubespray-hosts-lb-apiserver': [
    { subject: 'content', match: ['10.0.0.10 lb-apiserver.kubernetes.local', '10.0.0.10\tlb-apiserver.kubernetes.local other'], nearMiss: ['10.0.0.10 my-lb-apiserver.kubernetes.local', '10.0.0.10 lb-apiserver.kubernetes.local.example.com', '# 10.0.0.10 lb-apiserver.kubernetes.local'] },
  ],
  'kubespray-resolv-conf-nodelocaldns': [
    { subject: 'content', match: ['nameserver 169.254.25.10', 'search default.svc.cluster.local svc.cluster.local', 'search example.com default.svc.cluster.local'], nearMiss: ['nameserver 169.254.25.101', 'search my-default.svc.example.com', 'nameserver 169.254.25.1'] },
  ],
  'kubespray-networkmanager-dns': [{ subject: 'content', match: ['servers=169.254.25.10', 'dns=169.254.20.10;8.8.8.8'], nearMiss: ['servers=169.254.25.101', 'servers=1169.254.25.10', 'servers=169.254.25.10.5'] }],
  'kubespray-sysctl-settings': [{ subject: 'content', match: ['fs.may_detach_mounts = 1', 'kernel.keys.root_maxkeys=1000000'], nearMiss: ['fs.may_detach_mounts_user = 1', '# fs.may_detach_mounts = 1'] }],
  'kubespray-nodelocaldns-iptables-rules': [
    {
      subject: 'spec',
      match: ['-d 169.254.25.10/32 -p udp -m udp --dport 53 -m comment --comment "NodeLocal DNS Cache: skip conntrack" -j NOTRACK', '-s 169.254.20.10/32 -p tcp -m tcp --sport 53 -j NOTRACK'],
      nearMiss: ['-d 169.254.25.101/32 -p udp -m udp --dport 53 -j NOTRACK', '-d 169.254.25.10/24 -j ACCEPT', '-d 1169.254.25.10/32 -j NOTRACK'],
    },
  ],
  'rke2-process': [{ subject: 'cmdline', match: ['/usr/local/bin/rke2 server', 'rke2 agent'], nearMiss: ['/usr/local/bin/rke2 etcd-snapshot save', 'rke2 certificate rotate'] }],
  'rke2-containerd-shims': [
    { subject: 'cmdline', match: ['/var/lib/rancher/rke2/data/v1/bin/containerd-shim-runc-v2 -namespace k8s.io'], nearMiss: ['/opt/var/lib/rancher/rke2/data/v1/bin/containerd-shim-runc-v2 -namespace k8s.io'] },
  ],
  'rke2-cilium-iptables-chains': [{ subject: 'chain', match: ['RKE2-CILIUM-INPUT'], nearMiss: ['MY-RKE2-CILIUM-INPUT', 'RKE2-CILIUMX'] }],
};

/** The regex fields each subject is matched with, as include/exclude pairs. */
const SUBJECT_FIELDS: Record<Subject, Array<[string, string | undefined]>> = {
  name: [['nameRegex', 'nameRegexExclude']],
  chain: [['chainRegex', 'chainRegexExclude']],
  comment: [['ruleComment', undefined]],
  spec: [['ruleMatch', 'ruleMatchExclude']],
  cmdline: [['cmdline', 'cmdlineExclude']],
  content: [['regex', undefined]],
};

function field(check: Check, name: string): string | undefined {
  const v = (check as unknown as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/** The subject's matcher from the rule's own fields, built as the check kinds build it. */
function matcher(rule: Rule, subject: Subject): (text: string) => boolean {
  const [[inc, exc]] = SUBJECT_FIELDS[subject] as [[string, string | undefined]];
  const include = field(rule.check, inc);
  const exclude = exc ? field(rule.check, exc) : undefined;
  if (subject === 'content') {
    const re = compileRuleRegex(include as string);
    return (text) => re.matchingLines(text).length > 0;
  }
  return includeExcludeMatcher(include, exclude) ?? (() => true);
}

const loaded = loadRuleFiles(expandRuleArgs([builtinRulesDir]), { builtin: true, displayBase: packageRoot });
/** The regex fields of a rule's kind, from the check-kind registry. */
const regexFieldsOf = (r: Rule): readonly string[] => KIND_META[r.check.kind].regexFields;
const regexRules = loaded.rules.filter((r) => regexFieldsOf(r).some((f) => field(r.check, f) !== undefined));

describe('every built-in regex: a positive sample and a near miss', () => {
  it('the built-in rules load, and there are regex rules to check', () => {
    expect(loaded.problems).toEqual([]);
    expect(regexRules.length).toBeGreaterThan(30);
  });

  it.each(regexRules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    const samples = SAMPLES[rule.id];
    expect(samples, `${rule.id} has a regex but no samples in test/rules/regex-samples.test.ts`).toBeDefined();
    // Every regex field of the rule is covered by a subject that has both kinds of sample.
    const covered = new Set((samples ?? []).flatMap((s) => SUBJECT_FIELDS[s.subject].flatMap(([i, e]) => [i, e])));
    for (const f of regexFieldsOf(rule)) if (field(rule.check, f) !== undefined) expect(covered.has(f), `${rule.id}: no samples for ${f}`).toBe(true);
    for (const s of samples ?? []) {
      expect(s.match.length, `${rule.id}/${s.subject}: no positive sample`).toBeGreaterThan(0);
      expect(s.nearMiss.length, `${rule.id}/${s.subject}: no near miss`).toBeGreaterThan(0);
      const m = matcher(rule, s.subject);
      for (const text of s.match) expect(m(text), `${rule.id}/${s.subject} must match ${JSON.stringify(text)}`).toBe(true);
      for (const text of s.nearMiss) expect(m(text), `${rule.id}/${s.subject} must NOT match ${JSON.stringify(text)}`).toBe(false);
    }
  });

  it('has no samples for rules that no longer exist or carry no regex', () => {
    const ids = new Set(regexRules.map((r) => r.id));
    expect(Object.keys(SAMPLES).filter((id) => !ids.has(id))).toEqual([]);
  });
});
