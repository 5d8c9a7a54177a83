// planFix: the order of operations, what is collapsed, what is refused, and how rule commands are read.
import { describe, expect, it } from 'vitest';
import { planFix } from '../../src/fix/plan.js';
import type { FixPlan, ScriptBlock, ScriptCall } from '../../src/fix/model.js';
import { PHASES, type PhaseId } from '../../src/fix/phases.js';
import { fromFindings, makeResult, pathRule, type RuleSpec } from './helpers.js';

/** Every call of the plan, in order, with its phase (both branches of an if). */
function calls(plan: FixPlan): Array<ScriptCall & { phase: PhaseId }> {
  const out: Array<ScriptCall & { phase: PhaseId }> = [];
  const walk = (blocks: readonly ScriptBlock[], phase: PhaseId): void => {
    for (const b of blocks) {
      if (b.type === 'call') out.push({ ...b, phase });
      else if (b.type === 'if') {
        walk(b.then, phase);
        walk(b.otherwise, phase);
      }
    }
  };
  for (const s of plan.steps) walk(s.blocks, s.phase);
  return out;
}

/** The command words a call stands for (what the script would print), for run/run_may_fail and kr_rm/kr_umount. */
function words(c: ScriptCall): string[] {
  const args = c.args.map((a) => (typeof a === 'string' ? a : `<bytes ${a.hex}>`));
  if (c.fn === 'run' || c.fn === 'run_may_fail') return args;
  if (c.fn === 'kr_rm') return ['rm', args[0] ?? '', '--', args[2] ?? ''];
  if (c.fn === 'kr_umount') return ['umount', '--', args[0] ?? ''];
  return [c.fn, ...args];
}

function index(plan: FixPlan, pred: (w: string[], c: ScriptCall) => boolean): number {
  return calls(plan).findIndex((c) => pred(words(c), c));
}

const unit = (id: string, name: string, paths: string[], extra: Partial<RuleSpec> = {}): RuleSpec => ({
  id,
  kind: 'systemd-unit',
  ...extra,
  findings: [{ target: name, vars: { target: name, paths }, fix: [`systemctl disable --now ${name}`, `rm -rf -- ${paths.join(' ')}`, 'systemctl daemon-reload'] }],
});

const ipt = (id: string, chain: string, jumps: string[][], table = 'nat', cmd = 'iptables-nft'): RuleSpec => ({
  id,
  kind: 'iptables',
  rebootClears: true,
  findings: [
    {
      target: `ipv4/nft/${table}/${chain}`,
      vars: { target: `ipv4/nft/${table}/${chain}`, iptables: cmd, family: 'ipv4', backend: 'nft', table, chain, jumps },
      fix: [],
    },
  ],
});

describe('order of operations', () => {
  // A node like the remove-node seed: kubelet running, a shim, static pods, mounts, a netns, links, chains.
  const result = makeResult([
    unit('kubernetes-kubelet-unit', 'kubelet.service', ['/etc/systemd/system/kubelet.service', '/etc/systemd/system/kubelet.service.d']),
    unit('container-runtime-containerd-unit', 'containerd.service', ['/etc/systemd/system/containerd.service']),
    unit('kubernetes-etcd-units', 'etcd.service', ['/etc/systemd/system/etcd.service']),
    { id: 'kubernetes-kubelet-process', kind: 'process', findings: [{ target: 'kubelet[192]', vars: { target: 'kubelet[192]', pid: '192', comm: 'kubelet', pidNamespace: 'host' }, fix: ['kill 192'] }] },
    { id: 'container-runtime-k8s-shims', kind: 'process', findings: [{ target: 'containerd-shim[199]', vars: { target: 'containerd-shim[199]', pid: '199', comm: 'containerd-shim', pidNamespace: 'host' }, fix: ['kill 199'] }] },
    { id: 'kubernetes-control-plane-processes', kind: 'process', findings: [{ target: 'kube-apiserver[213]', vars: { target: 'kube-apiserver[213]', pid: '213', comm: 'kube-apiserver', pidNamespace: 'host' }, fix: ['kill 213'] }] },
    { id: 'kubernetes-apiserver-port', kind: 'port', findings: [{ target: 'tcp/6443', vars: { target: 'tcp/6443', port: '6443', protocol: 'tcp', pids: ['206'] }, fix: ['kill 206'] }] },
    pathRule('kubernetes-static-pod-manifests', [{ target: '/etc/kubernetes/manifests/kube-apiserver.yaml', evidence: 'file, 400 bytes' }], { tags: ['static-pod'] }),
    pathRule('kubernetes-etc-kubernetes-dir', ['/etc/kubernetes']),
    pathRule('kubernetes-var-lib-kubelet', ['/var/lib/kubelet']),
    {
      id: 'kubernetes-kubelet-tmpfs-mounts',
      kind: 'mount',
      rebootClears: true,
      findings: ['/var/lib/kubelet/pods/u1/volumes/kubernetes.io~projected/tok', '/var/lib/kubelet/pods/u1/volumes/kubernetes.io~projected/tok/sub', '/var/lib/kubelet/pods/u2/volumes/x'].map((t) => ({
        target: t,
        vars: { target: t, fstype: 'tmpfs', source: 'tmpfs' },
        fix: [`umount '${t}'`],
      })),
    },
    { id: 'calico-cgroup-mount', kind: 'mount', rebootClears: true, findings: [{ target: '/run/calico/cgroup', vars: { target: '/run/calico/cgroup', fstype: 'cgroup2', source: 'none' }, fix: ['umount /run/calico/cgroup'] }] },
    pathRule('calico-run-dir', ['/run/calico']),
    { id: 'container-runtime-cni-netns', kind: 'netns', rebootClears: true, findings: [{ target: 'cni-1234', fix: ['ip netns delete cni-1234'] }] },
    { id: 'kubernetes-cni0-bridge', kind: 'interface', rebootClears: true, findings: [{ target: 'cni0', vars: { target: 'cni0', linkKind: 'bridge' } }] },
    { id: 'kubernetes-cni0-veths', kind: 'interface', rebootClears: true, findings: [{ target: 'veth1234', vars: { target: 'veth1234', linkKind: 'veth' } }] },
    ipt('kube-proxy-iptables-base-chains', 'KUBE-SERVICES', [['PREROUTING', '-j', 'KUBE-SERVICES']]),
    { id: 'calico-ipsets', kind: 'ipset', rebootClears: true, findings: [{ target: 'cali40all-ipam-pools' }] },
    { id: 'kubernetes-kubepods-cgroups', kind: 'cgroup', rebootClears: true, findings: [{ target: '/sys/fs/cgroup/kubepods.slice', vars: { target: '/sys/fs/cgroup/kubepods.slice', name: 'kubepods.slice', hierarchy: 'v2' } }] },
  ]);
  const plan = planFix(result, fromFindings);

  it('orders the phases as PHASES says', () => {
    const seen = plan.steps.map((s) => PHASES.findIndex((p) => p.id === s.phase));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('stops the kubelet unit first, the runtime unit only after the pods', () => {
    const kubelet = index(plan, (w) => w.join(' ') === 'systemctl disable --now kubelet.service');
    const etcd = index(plan, (w) => w.join(' ') === 'systemctl disable --now etcd.service');
    const containerd = index(plan, (w) => w.join(' ') === 'systemctl disable --now containerd.service');
    const crictl = index(plan, (w) => w[0] === 'crictl');
    const shim = index(plan, (w, c) => c.fn === 'kr_kill_tree');
    expect(kubelet).toBe(0);
    expect(kubelet).toBeLessThan(etcd);
    expect(crictl).toBeGreaterThan(etcd);
    expect(containerd).toBeGreaterThan(shim);
  });

  it('ends a kubelet process right after the units, before removing static pod manifests', () => {
    const kill = index(plan, (w, c) => c.fn === 'kr_kill' && c.args[1] === 'kubelet');
    const manifest = index(plan, (w) => w[0] === 'rm' && w[3] === '/etc/kubernetes/manifests/kube-apiserver.yaml');
    const crictl = index(plan, (w) => w[0] === 'crictl');
    expect(kill).toBeGreaterThan(0);
    expect(kill).toBeLessThan(manifest);
    expect(manifest).toBeLessThan(crictl);
  });

  it('tries crictl, ends shim trees, then other processes, then port owners, then unmounts', () => {
    const step = plan.steps.find((s) => s.blocks.some((b) => b.type === 'if' && b.test === 'crictl'));
    expect(step?.phase).toBe('workloads');
    const crictl = index(plan, (w) => w.join(' ') === 'crictl --timeout 30s rmp --all --force');
    const shim = index(plan, (w, c) => c.fn === 'kr_kill_tree' && c.args[0] === '199');
    const apiserver = index(plan, (w, c) => c.fn === 'kr_kill' && c.args[0] === '213');
    const port = index(plan, (w, c) => c.fn === 'kr_kill_port');
    const firstUmount = index(plan, (w) => w[0] === 'umount');
    expect(crictl).toBeLessThan(shim);
    expect(shim).toBeLessThan(apiserver);
    expect(apiserver).toBeLessThan(port);
    expect(port).toBeLessThan(firstUmount);
    expect(calls(plan).find((c) => c.fn === 'kr_kill_port')?.args).toEqual(['tcp', '6443', '206']);
  });

  it('unmounts deepest first, then namespaces, links, chains, sets, files, reload, cgroups', () => {
    const umounts = calls(plan).filter((c) => c.fn === 'kr_umount').map((c) => c.args[0]);
    expect(umounts).toEqual([
      '/var/lib/kubelet/pods/u1/volumes/kubernetes.io~projected/tok/sub',
      '/var/lib/kubelet/pods/u1/volumes/kubernetes.io~projected/tok',
      '/var/lib/kubelet/pods/u2/volumes/x',
      '/run/calico/cgroup',
    ]);
    const order = [
      index(plan, (w) => w[0] === 'umount' && w[2] === '/run/calico/cgroup'),
      index(plan, (w, c) => c.fn === 'kr_netns_delete'),
      index(plan, (w, c) => c.fn === 'kr_link_delete' && c.args[0] === 'veth1234'),
      index(plan, (w, c) => c.fn === 'kr_link_delete' && c.args[0] === 'cni0'),
      index(plan, (w) => w[0] === 'iptables-nft' && w.includes('-D')),
      index(plan, (w) => w[0] === 'ipset'),
      index(plan, (w) => w[0] === 'rm' && w[3] === '/run/calico'),
      index(plan, (w) => w.join(' ') === 'systemctl daemon-reload'),
      index(plan, (w, c) => c.fn === 'kr_cgroup_rmdir'),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('passes the mountinfo spelling of each path along for the run-time check', () => {
    const plan2 = planFix(makeResult([{ id: 'm', kind: 'mount', findings: [{ target: '/var/lib/kubelet/pods/a b\\c\td', vars: { target: '/var/lib/kubelet/pods/a b\\c\td' } }] }]), fromFindings);
    expect(calls(plan2).find((c) => c.fn === 'kr_umount')?.args.slice(0, 2)).toEqual(['/var/lib/kubelet/pods/a b\\c\td', '/var/lib/kubelet/pods/a\\040b\\134c\\011d']);
  });

  it('reloads systemd once, and stops kubepods slices before removing their cgroups', () => {
    expect(calls(plan).filter((c) => words(c).join(' ') === 'systemctl daemon-reload')).toHaveLength(1);
    const stop = index(plan, (w) => w.join(' ') === 'systemctl stop kubepods.slice');
    const rmdir = index(plan, (w, c) => c.fn === 'kr_cgroup_rmdir');
    expect(stop).toBeGreaterThan(0);
    expect(stop).toBeLessThan(rmdir);
    expect(plan.rebootOnly.map((r) => r.target)).toContain('/sys/fs/cgroup/kubepods.slice');
  });
});

describe('collapsing', () => {
  it('removes a parent once and lists what it covers, never below a link or a refused parent', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ target: `/var/lib/kubelet/pods/p${i}/etc-hosts`, evidence: 'file, 20 bytes' }));
    const plan = planFix(
      makeResult([
        pathRule('kubernetes-var-lib-kubelet', ['/var/lib/kubelet']),
        pathRule('kubernetes-kubelet-state-files', [{ target: '/var/lib/kubelet/config.yaml', evidence: 'file, 10 bytes' }, ...many]),
        pathRule('kubernetes-kubelet-pki', ['/var/lib/kubelet/pki']),
        pathRule('linked', [{ target: '/var/lib/cni', evidence: 'symbolic link', recursive: false }]),
        pathRule('below-link', [{ target: '/var/lib/cni/networks', evidence: 'directory, not empty' }]),
      ]), fromFindings
    );
    const rms = calls(plan).filter((c) => c.fn === 'kr_rm');
    expect(rms.map((c) => [c.args[0], c.args[1], c.args[2]])).toEqual([
      ['-f', 'l', '/var/lib/cni'],
      ['-rf', 'd', '/var/lib/cni/networks'],
      ['-rf', 'd', '/var/lib/kubelet'],
    ]);
    const step = plan.steps.find((s) => s.blocks.some((b) => b.type === 'call' && b.args[2] === '/var/lib/kubelet'));
    expect(step?.comment.join('\n')).toMatch(/Also removes 502 other findings below it/);
    expect(step?.ruleIds).toEqual(['kubernetes-var-lib-kubelet']);
  });

  it('keeps static pod manifests as an early step even under a directory removed later', () => {
    const plan = planFix(
      makeResult([
        pathRule('kubernetes-etc-kubernetes-dir', ['/etc/kubernetes']),
        pathRule('kubernetes-static-pod-manifests', [{ target: '/etc/kubernetes/manifests/etcd.yaml', evidence: 'file, 1 bytes' }], { tags: ['static-pod'] }),
      ]), fromFindings
    );
    expect(plan.steps.map((s) => [s.phase, s.blocks[0]?.type === 'call' ? s.blocks[0].args[2] : ''])).toEqual([
      ['static-pods', '/etc/kubernetes/manifests/etcd.yaml'],
      ['files', '/etc/kubernetes'],
    ]);
  });

  it('merges one path found by several rules', () => {
    const plan = planFix(makeResult([pathRule('a', ['/etc/cni']), pathRule('b', [{ target: '/etc/cni', evidence: 'directory, not empty', recursive: false }])]), fromFindings);
    const rms = calls(plan).filter((c) => c.fn === 'kr_rm');
    expect(rms).toHaveLength(1);
    expect(rms[0]?.args[0]).toBe('-rf');
    expect(plan.steps[0]?.ruleIds).toEqual(['a', 'b']);
  });
});

describe('refusals', () => {
  const dangerous = [
    '/',
    '/etc',
    '/var',
    '/usr',
    '/opt',
    '/run',
    '/home',
    '/root',
    '/boot',
    '/sys',
    '/proc',
    '/dev',
    '/lib',
    '/lib64',
    '/bin',
    '/sbin',
    '/tmp',
    '/var/lib',
    '/var/log',
    '/usr/local',
    '/usr/local/bin',
    '/home/alice',
    '/etc/systemd/system',
    '/etc/systemd/system/multi-user.target.wants',
    '/run/systemd',
    '/run/netns',
    '/sys/fs/cgroup/kubepods.slice',
    '/sys/fs/bpf/cilium',
    '/proc/1',
    '/dev/shm/x',
    '/boot/grub',
    '/var/lib/kubelet/../..',
    '/var/lib/./kubelet',
    '/var//lib/kubelet',
    '/var/lib/kubelet/',
    'var/lib/kubelet',
    '/root/.config',
  ];
  it.each(dangerous)('never removes %j: a comment instead of a command', (target) => {
    const plan = planFix(makeResult([pathRule('bad', [target])]), fromFindings);
    expect(calls(plan).filter((c) => c.fn === 'kr_rm')).toEqual([]);
    expect(plan.refused).toHaveLength(1);
    expect(plan.refused[0]?.target).toBe(target);
    expect(plan.refused[0]?.evidence).toBe('directory, not empty');
    expect(plan.refused[0]?.wouldRun).toEqual(['rm', '-rf', '--', target]);
  });

  it('does not remove a directory below which a refused mount sits', () => {
    const plan = planFix(
      makeResult([
        pathRule('kubernetes-var-lib-kubelet', ['/var/lib/kubelet']),
        { id: 'weird-mount', kind: 'mount', findings: [{ target: '/var/lib/kubelet/pods/x/../../../../boot', vars: { target: '/var/lib/kubelet/pods/x/../../../../boot' } }] },
      ]), fromFindings
    );
    expect(calls(plan).filter((c) => c.fn === 'kr_rm' || c.fn === 'kr_umount')).toEqual([]);
    expect(plan.refused.map((r) => r.kind).sort()).toEqual(['mount', 'path']);
  });

  it('refuses a symlink where the rule expects a tree, and a link that escapes the matched tree', () => {
    const plan = planFix(
      makeResult([
        pathRule('a', [{ target: '/var/lib/kubelet', evidence: 'symbolic link', recursive: true }]),
        {
          id: 'b',
          kind: 'path',
          findings: [{ target: '/var/lib/etcd', evidence: 'symbolic link', vars: { target: '/var/lib/etcd', linkTarget: '/' }, fix: ['rm -rf -- /var/lib/etcd'] }],
        },
        pathRule('c', [{ target: '/var/log/containers/x.log', evidence: 'symbolic link', recursive: false }]),
      ]), fromFindings
    );
    expect(plan.refused.map((r) => r.target).sort()).toEqual(['/var/lib/etcd', '/var/lib/kubelet']);
    expect(plan.refused.find((r) => r.target === '/var/lib/etcd')?.reason).toMatch(/symbolic link to \/, outside the matched tree/);
    expect(calls(plan).filter((c) => c.fn === 'kr_rm').map((c) => c.args.slice(0, 3))).toEqual([['-f', 'l', '/var/log/containers/x.log']]);
  });

  it('never ends a pod\u2019s own process (its own PID namespace) by pid, and does not count it as refused', () => {
    const plan = planFix(
      makeResult([
        { id: 'pause', kind: 'process', findings: [{ target: 'pause[4242]', vars: { target: 'pause[4242]', pid: '4242', comm: 'pause', pidNamespace: 'pod' }, fix: ['kill 4242'] }] },
      ]), fromFindings
    );
    expect(calls(plan)).toEqual([]);
    expect(plan.refused).toEqual([]);
    expect(plan.steps.map((st) => [st.phase, st.blocks.length, st.comment[0]?.slice(0, 30)])).toEqual([['workloads', 0, 'Processes of pods, in the pods']]);
  });

  it('refuses names with U+FFFD that were read as text (netns, ipset, cgroup): they may stand for other bytes', () => {
    const plan = planFix(
      makeResult([
        { id: 'ns', kind: 'netns', findings: [{ target: 'cni-\ufffd', vars: { target: 'cni-\ufffd' } }] },
        { id: 'set', kind: 'ipset', findings: [{ target: 'cali40\ufffd', vars: { target: 'cali40\ufffd' } }] },
        { id: 'cg', kind: 'cgroup', findings: [{ target: '/sys/fs/cgroup/kubepods\ufffd', vars: { target: '/sys/fs/cgroup/kubepods\ufffd', name: 'kubepods\ufffd', hierarchy: 'v2' } }] },
      ]), fromFindings
    );
    expect(plan.steps).toEqual([]);
    expect(plan.refused.map((r) => r.reason)).toEqual(Array(3).fill(expect.stringMatching(/^the name holds U\+FFFD/)));
  });

  it('refuses names a tool would read as something else', () => {
    const plan = planFix(
      makeResult([
        { id: 'n', kind: 'nftables', findings: [{ target: 'ip x; flush ruleset', vars: { family: 'ip', table: 'x; flush ruleset' } }] },
        { id: 'i', kind: 'interface', findings: [{ target: 'a/b' }, { target: 'waytoolonginterfacename' }] },
        { id: 'ns', kind: 'netns', findings: [{ target: '-all' }, { target: '../x' }] },
        { id: 's', kind: 'ipset', findings: [{ target: '-exist' }] },
        { id: 'u', kind: 'systemd-unit', findings: [{ target: '--now', vars: { target: '--now', paths: [] } }] },
        { id: 'p', kind: 'process', findings: [{ target: 'x[1]', vars: { pid: '1', comm: 'systemd' } }, { target: 'y[$(id)]', vars: { pid: '$(id)', comm: 'y' } }] },
        { id: 'v', kind: 'ipvs', findings: [{ target: 'TCP x', vars: { protocolFlag: '-C', address: '1.2.3.4:80' } }] },
        { id: 'c', kind: 'cgroup', findings: [{ target: '/sys/fs/cgroup', vars: { target: '/sys/fs/cgroup', name: 'cgroup', hierarchy: 'v2' } }] },
      ]), fromFindings
    );
    expect(calls(plan).filter((c) => c.fn !== 'kr_say')).toEqual([]);
    expect(plan.refused).toHaveLength(11);
  });

  it('never flushes or deletes a built-in or foreign chain, only rules in it', () => {
    const plan = planFix(
      makeResult([
        ipt('x', 'INPUT', []),
        ipt('y', 'DOCKER-USER', [['FORWARD', '-j', 'DOCKER-USER']]),
        { id: 'bad-cmd', kind: 'iptables', findings: [{ target: 't', vars: { iptables: 'sh -c id', table: 'nat', chain: 'KUBE-X', jumps: [] } }] },
      ]), fromFindings
    );
    expect(calls(plan)).toEqual([]);
    expect(plan.refused.map((r) => r.reason).sort()).toEqual([
      expect.stringMatching(/^DOCKER-USER belongs to other software/),
      expect.stringMatching(/^INPUT is a built-in chain/),
      expect.stringMatching(/^unknown iptables command/),
    ]);
  });
});

describe('iptables', () => {
  it('per backend and table: jumps from chains that stay, every flush, then every delete', () => {
    const plan = planFix(
      makeResult([
        ipt('kp', 'KUBE-SERVICES', [
          ['PREROUTING', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
          ['OUTPUT', '-j', 'KUBE-SERVICES'],
        ]),
        ipt('kp', 'KUBE-SVC-AAA', [['KUBE-SERVICES', '-d', '10.0.0.1/32', '-j', 'KUBE-SVC-AAA']]),
        ipt('kp', 'KUBE-SEP-BBB', [['KUBE-SVC-AAA', '-j', 'KUBE-SEP-BBB']]),
        ipt('kl', 'KUBE-FIREWALL', [['INPUT', '-j', 'KUBE-FIREWALL'], ['INPUT', '-j', 'KUBE-FIREWALL']], 'filter', 'iptables-legacy'),
        ipt('kp2', 'KUBE-SERVICES', [['PREROUTING', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'], ['OUTPUT', '-j', 'KUBE-SERVICES']]),
        {
          id: 'nodelocal',
          kind: 'iptables',
          findings: [
            { target: 'r1', vars: { iptables: 'iptables-nft', table: 'raw', chain: 'PREROUTING', rule: ['PREROUTING', '-d', '169.254.25.10/32', '-j', 'NOTRACK'] } },
            { target: 'r1', vars: { iptables: 'iptables-nft', table: 'raw', chain: 'PREROUTING', rule: ['PREROUTING', '-d', '169.254.25.10/32', '-j', 'NOTRACK'] } },
          ],
        },
      ]), fromFindings
    );
    const cmds = calls(plan).map((c) => c.args.join(' '));
    expect(cmds).toEqual([
      'iptables-legacy -w -t filter -D INPUT -j KUBE-FIREWALL',
      'iptables-legacy -w -t filter -D INPUT -j KUBE-FIREWALL',
      'iptables-legacy -w -t filter -F KUBE-FIREWALL',
      'iptables-legacy -w -t filter -X KUBE-FIREWALL',
      'iptables-nft -w -t raw -D PREROUTING -d 169.254.25.10/32 -j NOTRACK',
      'iptables-nft -w -t raw -D PREROUTING -d 169.254.25.10/32 -j NOTRACK',
      'iptables-nft -w -t nat -D PREROUTING -m comment --comment kubernetes service portals -j KUBE-SERVICES',
      'iptables-nft -w -t nat -D OUTPUT -j KUBE-SERVICES',
      'iptables-nft -w -t nat -F KUBE-SEP-BBB',
      'iptables-nft -w -t nat -F KUBE-SERVICES',
      'iptables-nft -w -t nat -F KUBE-SVC-AAA',
      'iptables-nft -w -t nat -X KUBE-SEP-BBB',
      'iptables-nft -w -t nat -X KUBE-SERVICES',
      'iptables-nft -w -t nat -X KUBE-SVC-AAA',
    ]);
    expect(calls(plan).every((c) => c.fn === 'run_may_fail')).toBe(true);
    // Never a flush or delete without a chain name.
    for (const c of calls(plan)) {
      const op = c.args.findIndex((a) => a === '-F' || a === '-X');
      if (op >= 0) expect(c.args.length).toBe(op + 2);
    }
  });
});

describe('rule commands', () => {
  it('runs a rule\u2019s own umount before its rm, and stops a unit a path rule names', () => {
    const plan = planFix(
      makeResult([
        { id: 'calico-run-dir', kind: 'path', rebootClears: true, findings: [{ target: '/run/calico', evidence: 'directory, not empty', fix: ['umount /run/calico/cgroup', 'rm -rf -- /run/calico'] }] },
        { id: 'container-runtime-run-containerd', kind: 'path', findings: [{ target: '/run/containerd', evidence: 'directory, not empty', fix: ['systemctl disable --now containerd', 'rm -rf -- /run/containerd'] }] },
        { id: 'calico-vxlan-port', kind: 'port', findings: [{ target: 'udp/4789', vars: { protocol: 'udp', port: '4789', pids: [] }, fix: ['ip link delete vxlan.calico'] }] },
      ]), fromFindings
    );
    const seq = calls(plan).map((c) => `${c.phase}: ${words(c).join(' ')}`);
    expect(seq).toEqual([
      'runtime-units: systemctl disable --now containerd.service',
      'runtime-units: kr_say skip: systemd is not running: containerd.service is not running under it',
      'unmount: umount -- /run/calico/cgroup',
      'interfaces: kr_link_delete vxlan.calico vxlan.calico',
      'files: rm -rf -- /run/calico',
      'files: rm -rf -- /run/containerd',
      'daemon-reload: systemctl daemon-reload',
      'daemon-reload: kr_say skip: systemd is not running: no daemon-reload needed',
    ]);
  });

  it('removes shared-file lines by the exact text the scan saw, never by line number, and runs follow-ups after', () => {
    const block = '# BEGIN\n10.0.0.1 node1\n# END';
    const plan = planFix(
      makeResult([
        { id: 'block', kind: 'file-content', findings: [{ target: '/etc/hosts', vars: { target: '/etc/hosts', sedDelete: '/# BEGIN/,/# END/d', lines: [block] }, fix: ["sed -i '/# BEGIN/,/# END/d' /etc/hosts"] }] },
        { id: 'line', kind: 'file-content', findings: [{ target: '/etc/hosts', vars: { target: '/etc/hosts', sedDelete: '12d', lines: ['169.254.25.10 dns'] }, fix: ['sed -i 12d /etc/hosts'] }] },
        { id: 'sysctl', kind: 'file-content', findings: [{ target: '/etc/sysctl.conf', vars: { target: '/etc/sysctl.conf', sedDelete: '3d', lines: ['net.ipv4.ip_forward = 1'] }, fix: ['sed -i 3d /etc/sysctl.conf', 'sysctl --system'] }] },
        { id: 'selinux', kind: 'file-content', findings: [{ target: '/etc/selinux/config', vars: { target: '/etc/selinux/config' }, fix: ["sed -i 's/^SELINUX=disabled/SELINUX=enforcing/' /etc/selinux/config"] }] },
        { id: 'users', kind: 'file-content', findings: [{ target: '/etc/passwd', fix: ['userdel etcd'] }] },
      ]), fromFindings
    );
    expect(calls(plan).map((c) => `${c.phase}: ${c.fn} ${JSON.stringify(c.args)}`)).toEqual([
      `file-edits: kr_edit_remove ${JSON.stringify(['/etc/hosts', '/etc/hosts', block, '169.254.25.10 dns'])}`,
      `file-edits: kr_edit_remove ${JSON.stringify(['/etc/sysctl.conf', '/etc/sysctl.conf', 'net.ipv4.ip_forward = 1'])}`,
      `file-edits: run ${JSON.stringify(['sed', '-i', '-e', 's/^SELINUX=disabled/SELINUX=enforcing/', '--', '/etc/selinux/config'])}`,
      `rule-commands: run_may_fail ${JSON.stringify(['userdel', 'etcd'])}`,
      `follow-up: run_may_fail ${JSON.stringify(['sysctl', '--system'])}`,
    ]);
    expect(plan.refused).toEqual([]);
  });

  it('refuses a line-number or range edit when the report does not record the lines seen (an older report)', () => {
    const plan = planFix(
      makeResult([
        { id: 'block', kind: 'file-content', findings: [{ target: '/etc/hosts', vars: { target: '/etc/hosts', sedDelete: '/# BEGIN/,/# END/d' }, fix: ["sed -i '/# BEGIN/,/# END/d' /etc/hosts"] }] },
        { id: 'line', kind: 'file-content', findings: [{ target: '/etc/hosts', vars: { target: '/etc/hosts', sedDelete: '12d' }, fix: ['sed -i 12d /etc/hosts'] }] },
      ]), fromFindings
    );
    expect(calls(plan)).toEqual([]);
    expect(plan.refused.map((r) => [r.ruleIds[0], r.reason.slice(0, 40)])).toEqual([
      ['block', 'the scan recorded no complete block or l'],
      ['line', 'the scan recorded no complete block or l'],
    ]);
  });

  it('shows commands with shell syntax and cluster objects for a person instead of running them', () => {
    const plan = planFix(
      makeResult([
        { id: 'glob', kind: 'path', findings: [{ target: '/etc/kubernetes/manifests', fix: ['rm -f /etc/kubernetes/manifests/*.yaml'] }] },
        { id: 'pipe', kind: 'path', findings: [{ target: '/opt/x', fix: ['ip route show proto bird | xargs -L1 ip route del'] }] },
        { id: 'subst', kind: 'path', findings: [{ target: '/opt/y', fix: ['kill $(pidof x)', 'kill `pidof y`'] }] },
        { id: 'crd', kind: 'kube-resource', findings: [{ target: 'customresourcedefinitions/x', fix: ['kubectl delete customresourcedefinitions x'] }] },
      ]), fromFindings
    );
    expect(calls(plan)).toEqual([]);
    expect(plan.manual.map((m) => [m.ruleIds[0], m.commands.length])).toEqual([
      ['glob', 1],
      ['pipe', 1],
      ['subst', 2],
      ['crd', 1],
    ]);
  });

  it('flushes and downs tunl0 (it cannot be deleted) and leaves modprobe -r to a person', () => {
    const plan = planFix(
      makeResult([
        { id: 'calico-tunl0', kind: 'interface', rebootClears: true, findings: [{ target: 'tunl0', vars: { target: 'tunl0', linkKind: 'ipip' }, fix: ['ip addr flush dev tunl0', 'ip link set tunl0 down', 'modprobe -r ipip'] }] },
      ]), fromFindings
    );
    expect(calls(plan).map((c) => c.args.join(' '))).toEqual(['ip addr flush dev tunl0', 'ip link set dev tunl0 down']);
    expect(plan.rebootOnly).toEqual([expect.objectContaining({ target: 'tunl0', check: { type: 'link', value: 'tunl0' } })]);
    expect(plan.manual[0]?.commands).toEqual(['modprobe -r ipip']);
  });

  it('stops transient units through systemd, else removes their /run files', () => {
    const paths = ['/run/systemd/transient/kubepods.slice', '/run/systemd/transient/kubepods.slice.d'];
    const plan = planFix(makeResult([{ id: 'kubernetes-kubepods-transient-units', kind: 'systemd-unit', findings: [{ target: 'kubepods.slice', vars: { target: 'kubepods.slice', paths }, fix: ['systemctl stop kubepods.slice'] }] }]), fromFindings);
    expect(plan.steps).toHaveLength(1);
    const b = plan.steps[0]?.blocks[0];
    expect(b?.type === 'if' && b.test).toBe('systemd');
    if (b?.type !== 'if') throw new Error('expected an if');
    expect(b.then.map((c) => (c.type === 'call' ? c.args.join(' ') : ''))).toEqual(['systemctl stop kubepods.slice']);
    expect(b.otherwise.map((c) => (c.type === 'call' ? `${c.fn} ${c.args[2]}` : ''))).toEqual(paths.map((p) => `kr_rm ${p}`));
  });
});

describe('a clean scan', () => {
  it('plans nothing', () => {
    const plan = planFix(makeResult([{ id: 'x', kind: 'path', findings: [] }]), fromFindings);
    expect(plan.steps).toEqual([]);
    expect(plan.refused).toEqual([]);
    expect(plan.verdict).toBe('clean');
  });
});
