// Tests of the kr-sandbox harness itself: every scenario really plants what it
// claims (checked with ip / iptables-*-save / nft / ipset / ss / /proc / stat
// inside the sandbox) and the real host is left exactly as it was.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLEANUP_STALE_SCRIPT,
  EX_HARNESS,
  PROJECT_ROOT,
  RESIDUE_SCENARIOS,
  SANDBOX_HOME,
  SANDBOX_SCRIPT,
  hostSandboxCgroups,
  parseManifest,
  requireSandboxOrSkip,
  runInSandbox,
  type PlantedItem,
  type SandboxResult,
} from './sandbox.js';

const skipReason = requireSandboxOrSkip();
const PROBE = join(SANDBOX_HOME, 'probe.sh');
const FAKE_COMMS = ['kubelet', 'kube-proxy', 'kube-apiserver', 'containerd-shim', 'nginx', 'myappd'];
// Paths the scenarios plant: the host's view of them must not change (on a test machine they are absent).
const HOST_PATHS = [
  '/etc/kubernetes',
  '/etc/cni',
  '/etc/containerd',
  '/etc/myapp',
  '/etc/ceph',
  '/etc/rancher',
  '/etc/systemd/system/kubelet.service',
  '/etc/bash_completion.d/helm.sh',
  '/var/lib/kubelet',
  '/var/lib/etcd',
  '/var/lib/calico',
  '/var/lib/cni',
  '/var/lib/myapp',
  '/var/lib/rancher',
  '/var/lib/kr-csi-backing',
  '/var/log/containers',
  '/var/log/pods',
  '/var/log/calico',
  '/var/log/kube-audit',
  '/var/backups/etcd-2024-01-01_00:00:00',
  '/opt/cni',
  '/opt/rke',
  '/opt/myapp',
  '/usr/local/bin/kubelet',
  '/usr/local/bin/kube-proxy',
  '/usr/bin/containerd-shim-runc-v2',
  '/usr/libexec/kubernetes',
  '/run/calico',
  '/run/containerd',
  '/run/flannel',
  '/run/netns',
  '/run/secrets/kubernetes.io',
  '/run/systemd/transient/kubepods.slice',
  '/run/p',
  '/tmp/releases',
];

// ----------------------------------------------------------------- helpers

type Sections = Map<string, string>;

function parseSections(out: string): Sections {
  const map: Sections = new Map();
  let name: string | undefined;
  let buf: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^=== (.+) ===$/.exec(line);
    if (m?.[1] !== undefined) {
      if (name !== undefined) map.set(name, buf.join('\n'));
      name = m[1];
      buf = [];
    } else if (name !== undefined) {
      buf.push(line);
    }
  }
  if (name !== undefined) map.set(name, buf.join('\n'));
  return map;
}

function sec(s: Sections, name: string): string {
  const v = s.get(name);
  if (v === undefined) throw new Error(`probe output lacks section ${name}`);
  return v;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

interface MountEntry {
  mountPoint: string;
  fstype: string;
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function parseMountinfo(text: string): MountEntry[] {
  return lines(text).map((l) => {
    const f = l.split(' ');
    const dash = f.indexOf('-');
    return { mountPoint: unescapeMount(f[4] ?? ''), fstype: f[dash + 1] ?? '' };
  });
}

interface IpLink {
  ifname: string;
  master?: string;
  flags?: string[];
  linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number } };
}

function parseLinks(s: Sections): IpLink[] {
  return JSON.parse(sec(s, 'links')) as IpLink[];
}

interface Proc {
  pid: number;
  comm: string;
  argv: string[];
}

function parseProcs(s: Sections): Proc[] {
  return lines(sec(s, 'procs')).map((l) => {
    const [pid, comm, cmd] = l.split('\t');
    return { pid: Number(pid), comm: comm ?? '', argv: (cmd ?? '').split('\x1f').slice(0, -1) };
  });
}

interface Listener {
  proto: string;
  local: string;
  process: string;
}

function parseSs(s: Sections): Listener[] {
  return lines(sec(s, 'ss')).map((l) => {
    const f = l.trim().split(/\s+/);
    return { proto: f[0] ?? '', local: f[4] ?? '', process: f.slice(6).join(' ') };
  });
}

/** Chains per table in one iptables-save output. */
function parseSave(text: string): Map<string, { chains: Set<string>; rules: string[] }> {
  const tables = new Map<string, { chains: Set<string>; rules: string[] }>();
  let cur: { chains: Set<string>; rules: string[] } | undefined;
  for (const l of lines(text)) {
    if (l.startsWith('*')) {
      cur = { chains: new Set(), rules: [] };
      tables.set(l.slice(1), cur);
    } else if (l.startsWith(':') && cur !== undefined) {
      cur.chains.add(l.slice(1).split(' ')[0] ?? '');
    } else if (l.startsWith('-A ') && cur !== undefined) {
      cur.rules.push(l);
    }
  }
  return tables;
}

function chainsOf(s: Sections, family: 'ip' | 'ip6', backend: 'nft' | 'legacy', table: string): Set<string> {
  return parseSave(sec(s, `iptables-${family}-${backend}`)).get(table)?.chains ?? new Set<string>();
}

function rulesOf(s: Sections, family: 'ip' | 'ip6', backend: 'nft' | 'legacy', table: string): string[] {
  return parseSave(sec(s, `iptables-${family}-${backend}`)).get(table)?.rules ?? [];
}

function ssAddr(id: string): string[] {
  // manifest "[::]:10250" is shown by ss as "*:10250" (dual stack) or "[::]:10250"
  const m = /^\[::\]:(\d+)$/.exec(id);
  return m?.[1] !== undefined ? [`*:${m[1]}`, `[::]:${m[1]}`] : [id];
}

/** Every manifest entry must be visible with the ordinary tools. Returns the failures. */
function verifyManifest(s: Sections, items: PlantedItem[]): string[] {
  const failures: string[] = [];
  const pathTypes = new Map<string, string>();
  for (const l of lines(sec(s, 'path-types'))) {
    const i = l.lastIndexOf('\t');
    pathTypes.set(l.slice(0, i), l.slice(i + 1));
  }
  const mounts = new Set(parseMountinfo(sec(s, 'mountinfo')).map((m) => m.mountPoint));
  const cgroups = new Set(lines(sec(s, 'cgroup-dirs')));
  const links = new Set(parseLinks(s).map((l) => l.ifname));
  const netns = new Set(lines(sec(s, 'netns')).map((l) => l.split(' ')[0] ?? ''));
  const nft = sec(s, 'nft');
  const sets = new Set(lines(sec(s, 'ipset')));
  const comms = new Set(parseProcs(s).map((p) => p.comm));
  const listeners = parseSs(s);
  for (const it of items) {
    let ok: boolean;
    switch (it.kind) {
      case 'path': {
        const t = pathTypes.get(it.id);
        ok = t !== undefined && t !== 'missing';
        break;
      }
      case 'mount':
        ok = mounts.has(it.id);
        break;
      case 'cgroup':
        ok = cgroups.has(it.id);
        break;
      case 'interface':
        ok = links.has(it.id);
        break;
      case 'netns':
        ok = netns.has(it.id);
        break;
      case 'iptables-chain': {
        const [family, backend, table, chain] = it.id.split('/');
        ok =
          (family === 'ip' || family === 'ip6') &&
          (backend === 'nft' || backend === 'legacy') &&
          table !== undefined &&
          chain !== undefined &&
          chainsOf(s, family, backend, table).has(chain);
        break;
      }
      case 'nft-table':
        ok = nft.split('\n').some((l) => l.startsWith(`table ${it.id} {`));
        break;
      case 'ipset':
        ok = sets.has(it.id);
        break;
      case 'process':
        ok = comms.has(it.id);
        break;
      case 'port': {
        const slash = it.id.indexOf('/');
        const proto = it.id.slice(0, slash);
        const addrs = ssAddr(it.id.slice(slash + 1));
        ok = listeners.some((l) => l.proto === proto && addrs.includes(l.local));
        break;
      }
    }
    if (!ok) failures.push(`${it.scenario} ${it.kind} ${it.id}`);
  }
  return failures;
}

interface ProbeRun {
  res: SandboxResult;
  s: Sections;
  items: PlantedItem[];
}

const timings: string[] = [];
const ourPids: number[] = [];

function probeIn(scenarios: string[]): ProbeRun {
  const res = runInSandbox({ scenarios, command: ['bash', PROBE] });
  ourPids.push(res.pid);
  timings.push(`${scenarios.join('+') || '(none)'}: ${res.durationMs} ms`);
  if (res.status !== 0) throw new Error(`sandbox run failed (${res.status}):\n${res.stderr}`);
  const s = parseSections(res.stdout);
  return { res, s, items: parseManifest(sec(s, 'manifest') + '\n') };
}

function ofScenario(items: PlantedItem[], scenario: string, kind?: PlantedItem['kind']): PlantedItem[] {
  return items.filter((i) => i.scenario === scenario && (kind === undefined || i.kind === kind));
}

function skippedIds(s: Sections): Set<string> {
  return new Set(lines(sec(s, 'skipped')).map((l) => l.split('\t').slice(1, 3).join(' ')));
}

// ---------------------------------------------------------- host snapshot

interface HostSnapshot {
  links: string[];
  netns: string[];
  mounts: string[];
  iptables: string;
  nft: string;
  ipsets: string;
  paths: string[];
  hostname: string;
  fakeProcs: string[];
  workDirs: string[];
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.stdout ?? '';
}

function normalizeSave(text: string): string {
  return lines(text)
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]'))
    .join('\n');
}

/** Work dirs of our own runs (other test files may run sandboxes concurrently). */
function listWorkDirs(): string[] {
  const base = process.env['TMPDIR'] ?? '/tmp';
  const out: string[] = [];
  try {
    for (const n of readdirSync(base)) {
      if (!n.startsWith('kr-sandbox.')) continue;
      let owner = -1;
      try {
        owner = Number(readFileSync(join(base, n, 'owner.pid'), 'utf8').trim());
      } catch {
        // no owner file
      }
      if (ourPids.includes(owner)) out.push(join(base, n));
    }
  } catch {
    // no TMPDIR
  }
  return out.sort();
}

function hostSnapshot(): HostSnapshot {
  const links = (JSON.parse(run('ip', ['-j', 'link', 'show']) || '[]') as IpLink[]).map((l) => l.ifname).sort();
  const netns = existsSync('/run/netns') ? readdirSync('/run/netns').sort() : [];
  const mounts = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'))
    .map((m) => `${m.mountPoint} ${m.fstype}`)
    .sort();
  const iptables = ['iptables-nft-save', 'ip6tables-nft-save', 'iptables-legacy-save', 'ip6tables-legacy-save']
    .map((c) => `${c}\n${normalizeSave(run(c, []))}`)
    .join('\n');
  // existing ones with identity and mtime, so a modification shows up too
  const paths: string[] = [];
  for (const p of HOST_PATHS) {
    try {
      const st = lstatSync(p);
      paths.push(`${p} ${st.ino} ${st.mtimeMs}`);
    } catch {
      // absent, as it should be
    }
  }
  // Host processes with the fake daemons' names. Processes of sandboxes
  // (ours or concurrent ones of other test files) live in kr-sandbox-*
  // cgroups and are not host state; ours are checked via their cgroups.
  const fakeProcs: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      if (!FAKE_COMMS.includes(comm)) continue;
      if (readFileSync(`/proc/${d}/cgroup`, 'utf8').includes('/kr-sandbox-')) continue;
      fakeProcs.push(`${d} ${comm}`);
    } catch {
      // process went away
    }
  }
  return {
    links,
    netns,
    mounts,
    iptables,
    nft: run('nft', ['list', 'ruleset']),
    ipsets: run('ipset', ['list', '-n']),
    paths,
    hostname: hostname(),
    fakeProcs: fakeProcs.sort(),
    workDirs: listWorkDirs(),
  };
}

function expectRunCleanedUp(res: SandboxResult): void {
  expect(res.pid).toBeGreaterThan(0);
  expect(hostSandboxCgroups(res.pid)).toEqual([]);
}

// ------------------------------------------------------------------ tests

if (skipReason !== undefined) console.warn(`kr-sandbox harness tests skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('kr-sandbox harness', { timeout: 60_000 }, () => {
  let before: HostSnapshot;
  const hostCgroupMounts = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'))
    .filter((m) => (m.fstype === 'cgroup' || m.fstype === 'cgroup2') && m.mountPoint.startsWith('/sys/fs/cgroup'))
    .map((m) => m.mountPoint);

  beforeAll(() => {
    before = hostSnapshot();
  });

  afterAll(() => {
    if (timings.length > 0) console.info(`kr-sandbox run times:\n  ${timings.join('\n  ')}`);
  });

  it('clean: private namespaces, overlays, fresh /tmp, sysfs and mirrored cgroup roots', () => {
    const { res, s, items } = probeIn(['clean']);
    expect(res.stderr).toBe('');
    expect(items).toEqual([]);
    expect(sec(s, 'hostname')).toBe('kr-sandbox');
    expect(sec(s, 'pid1')).toContain('sandbox.sh --inner');
    const env = sec(s, 'env');
    expect(env).toContain('KR_SANDBOX=1\n');
    expect(env).toMatch(/^KR_SANDBOX_DIR=\/.+\/kr-sandbox\.[A-Za-z0-9]{6}$/m);
    expect(env).toContain('TMPDIR=/tmp\n');
    expect(env).toContain(`PWD=${PROJECT_ROOT}`);
    // only lo, up
    const links = parseLinks(s);
    expect(links.map((l) => l.ifname)).toEqual(['lo']);
    expect(links[0]?.flags).toContain('UP');
    expect(lines(sec(s, 'sys-class-net'))).toEqual(['lo']);
    expect(lines(sec(s, 'netns'))).toEqual([]);
    // mounts
    const mi = parseMountinfo(sec(s, 'mountinfo'));
    const top = (mp: string): string | undefined => mi.filter((m) => m.mountPoint === mp).at(-1)?.fstype;
    for (const d of ['/etc', '/var', '/opt', '/usr', '/run', '/root']) expect(top(d), d).toBe('overlay');
    expect(top('/tmp')).toBe('tmpfs');
    expect(top('/dev/shm')).toBe('tmpfs');
    expect(top('/sys')).toBe('sysfs');
    expect(top('/proc')).toBe('proc');
    // the cgroup layout mirrors the host's, rooted at the sandbox's own cgroups
    for (const mp of hostCgroupMounts) expect(top(mp), mp).toMatch(/^cgroup2?$/);
    expect(lines(sec(s, 'cgroup-dirs')).filter((d) => !hostCgroupMounts.includes(d))).toEqual([]);
    for (const l of lines(sec(s, 'self-cgroup'))) expect(l).toMatch(/:\/$/);
    // nothing listens, no netfilter state
    expect(parseSs(s)).toEqual([]);
    expect(normalizeSave(sec(s, 'iptables-ip-nft'))).toBe('');
    expect(normalizeSave(sec(s, 'iptables-ip-legacy'))).toBe('');
    expect(sec(s, 'ipset')).toBe('');
    // only the harness's init and the probe run
    expect(parseProcs(s).filter((p) => FAKE_COMMS.includes(p.comm))).toEqual([]);
    expectRunCleanedUp(res);
  });

  it('user-state: non-Kubernetes state, all recorded as class "user"', () => {
    const { res, s, items } = probeIn(['user-state']);
    expect(verifyManifest(s, items)).toEqual([]);
    expect(items.every((i) => i.class === 'user')).toBe(true);
    const paths = ofScenario(items, 'user-state', 'path').map((i) => i.id);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/etc/myapp/config.yaml',
        '/var/lib/myapp/data',
        '/opt/myapp/bin/tool',
        "/var/lib/myapp/it's a file",
      ]),
    );
    expect(sec(s, 'path-types')).toContain("/var/lib/myapp/it's a file\tregular file");
    expect(chainsOf(s, 'ip', 'nft', 'filter')).toEqual(new Set(['INPUT', 'FORWARD', 'OUTPUT', 'MYAPP-INPUT', 'DOCKER-USER']));
    expect(rulesOf(s, 'ip', 'nft', 'filter')).toContain('-A INPUT -m comment --comment "myapp firewall" -j MYAPP-INPUT');
    expect(rulesOf(s, 'ip', 'nft', 'filter')).toContain('-A FORWARD -j DOCKER-USER');
    expect(parseLinks(s).map((l) => l.ifname)).toContain('myapp0');
    expect(parseSs(s).some((l) => l.local === '127.0.0.1:8080' && l.process.includes('"myappd"'))).toBe(true);
    expectRunCleanedUp(res);
  });

  it('kubespray-reset: logs, /tmp/releases, kubepods cgroups, transient units, systemd, containerd, etcd backup', () => {
    const { res, s, items } = probeIn(['user-state', 'kubespray-reset']);
    expect(verifyManifest(s, items)).toEqual([]);
    const mine = ofScenario(items, 'kubespray-reset');
    expect(mine.every((i) => i.class === 'residue')).toBe(true);
    const types = sec(s, 'path-types');
    expect(types).toMatch(
      /^\/var\/log\/containers\/kube-apiserver-node1_kube-system_kube-apiserver-[0-9a-f]{64}\.log\tsymbolic link$/m,
    );
    expect(types).toMatch(/^\/var\/log\/pods\/kube-system_kube-apiserver-node1_[0-9a-f-]{36}\/kube-apiserver\/0\.log\tregular file$/m);
    for (const f of ['kubeadm-v1.30.4-amd64', 'kubelet-v1.30.4-amd64']) {
      expect(types).toContain(`/tmp/releases/${f}\tregular file`);
    }
    expect(types).toMatch(/^\/tmp\/releases\/calico-v[\d.]+-kdd-crds\/crd\.projectcalico\.org_ippools\.yaml\tregular file$/m);
    for (const p of [
      '/run/systemd/transient/kubepods.slice\tregular file',
      '/run/systemd/transient/kubepods-burstable.slice\tregular file',
      '/run/systemd/transient/kubepods.slice.d/50-CPUShares.conf\tregular file',
      '/run/systemd/transient/kubepods-burstable.slice.d/50-CPUShares.conf\tregular file',
      '/etc/systemd/system/kubelet.service\tregular file',
      '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf\tregular file',
      '/etc/systemd/system/multi-user.target.wants/kubelet.service\tsymbolic link',
      '/etc/systemd/system/multi-user.target.wants/containerd.service\tsymbolic link',
      '/etc/containerd/config.toml\tregular file',
      '/run/containerd/io.containerd.runtime.v2.task/k8s.io\tdirectory',
      '/var/backups/etcd-2024-01-01_00:00:00/member/snap\tdirectory',
      '/var/backups/etcd-2024-01-01_00:00:00/snapshot.db\tregular file',
      '/etc/bash_completion.d/helm.sh\tregular file',
    ]) {
      expect(types).toContain(p);
    }
    // real cgroups in every hierarchy, at the paths a node has them
    const cg = new Set(lines(sec(s, 'cgroup-dirs')));
    for (const mp of hostCgroupMounts) {
      expect(cg.has(`${mp}/kubepods.slice`), mp).toBe(true);
      expect(cg.has(`${mp}/kubepods.slice/kubepods-burstable.slice`), mp).toBe(true);
      expect([...cg].some((d) => d.startsWith(`${mp}/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod`))).toBe(true);
    }
    expect([...cg].some((d) => /\/kubepods-burstable-pod[0-9a-f_]{36}\.slice\/cri-containerd-[0-9a-f]{64}\.scope$/.test(d))).toBe(
      true,
    );
    // optional kernel features: present or explicitly skipped
    const skipped = skippedIds(s);
    if (!skipped.has('nft-table ip kube-proxy')) expect(sec(s, 'nft')).toMatch(/^table ip kube-proxy \{/m);
    if (!skipped.has('ipset cali40all-ipam-pools')) expect(lines(sec(s, 'ipset'))).toContain('cali40all-ipam-pools');
    expectRunCleanedUp(res);
  });

  it('remove-node: manifests, PKI, etcd, CNI config, running processes, netns, kubelet and shm tmpfs mounts', () => {
    const { res, s, items } = probeIn(['user-state', 'remove-node']);
    expect(verifyManifest(s, items)).toEqual([]);
    const types = sec(s, 'path-types');
    for (const m of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'nginx-proxy']) {
      expect(types).toContain(`/etc/kubernetes/manifests/${m}.yaml\tregular file`);
    }
    for (const p of [
      '/etc/kubernetes/admin.conf',
      '/etc/kubernetes/kubelet.conf',
      '/etc/kubernetes/pki/ca.key',
      '/etc/kubernetes/pki/ca.crt',
      '/etc/cni/net.d/10-calico.conflist',
    ]) {
      expect(types).toContain(`${p}\tregular file`);
    }
    expect(types).toContain('/var/lib/etcd/member/snap\tdirectory');
    // processes with the real comm names and cmdlines
    const procs = parseProcs(s);
    const byComm = (c: string): Proc | undefined => procs.find((p) => p.comm === c);
    expect(byComm('kubelet')?.argv[0]).toBe('/usr/local/bin/kubelet');
    expect(byComm('kube-apiserver')?.argv[0]).toBe('/usr/local/bin/kube-apiserver');
    expect(byComm('nginx')?.argv).toEqual(['nginx: master process nginx -g daemon off;']);
    const shim = byComm('containerd-shim');
    expect(shim?.argv).toHaveLength(7);
    expect(shim?.argv.join(' ')).toMatch(
      /^\/usr\/bin\/containerd-shim-runc-v2 -namespace k8s\.io -id [0-9a-f]{64} -address \/run\/containerd\/containerd\.sock$/,
    );
    // listening sockets (ss and the raw /proc/net tables agree)
    const ss = parseSs(s);
    expect(ss.some((l) => l.proto === 'tcp' && ssAddr('[::]:10250').includes(l.local) && l.process.includes('"kubelet"'))).toBe(
      true,
    );
    expect(ss.some((l) => l.proto === 'tcp' && l.local === '127.0.0.1:6443' && l.process.includes('"nginx"'))).toBe(true);
    const procNet = sec(s, 'proc-net-tcp');
    expect(procNet).toMatch(/:280A [0-9A-F:]+ 0A /); // 10250 LISTEN
    expect(procNet).toMatch(/0100007F:192B [0-9A-F:]+ 0A /); // 127.0.0.1:6443 LISTEN
    // netns + mounts
    const ns = lines(sec(s, 'netns')).map((l) => l.split(' ')[0] ?? '');
    expect(ns.some((n) => /^cni-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(n))).toBe(true);
    const mi = parseMountinfo(sec(s, 'mountinfo'));
    expect(mi.some((m) => m.fstype === 'nsfs' && m.mountPoint.startsWith('/run/netns/cni-'))).toBe(true);
    expect(
      mi.filter(
        (m) =>
          m.fstype === 'tmpfs' &&
          /^\/var\/lib\/kubelet\/pods\/[0-9a-f-]{36}\/volumes\/kubernetes\.io~projected\/kube-api-access-[a-z0-9]{5}$/.test(
            m.mountPoint,
          ),
      ),
    ).toHaveLength(2);
    expect(
      mi.some(
        (m) =>
          m.fstype === 'tmpfs' && /^\/run\/containerd\/io\.containerd\.grpc\.v1\.cri\/sandboxes\/[0-9a-f]{64}\/shm$/.test(m.mountPoint),
      ),
    ).toBe(true);
    expectRunCleanedUp(res);
  });

  it('calico-cgroup: cgroup2 mount at /run/calico/cgroup, calico files, vxlan/veth links, cali-* chains v4+v6', () => {
    const { res, s, items } = probeIn(['user-state', 'calico-cgroup']);
    expect(verifyManifest(s, items)).toEqual([]);
    const mi = parseMountinfo(sec(s, 'mountinfo'));
    expect(mi.find((m) => m.mountPoint === '/run/calico/cgroup')?.fstype).toBe('cgroup2');
    const types = sec(s, 'path-types');
    expect(types).toContain('/run/calico/bird.ctl\tregular empty file');
    for (const p of ['/var/lib/calico/nodename', '/var/log/calico/cni/cni.log']) {
      expect(types).toContain(`${p}\tregular file`);
    }
    const links = parseLinks(s);
    const vx = links.find((l) => l.ifname === 'vxlan.calico');
    expect(vx?.linkinfo?.info_kind).toBe('vxlan');
    expect(vx?.linkinfo?.info_data?.port).toBe(4789);
    expect(links.find((l) => l.ifname === 'cali1234567890a')?.linkinfo?.info_kind).toBe('veth');
    if (!skippedIds(s).has('interface tunl0')) expect(links.map((l) => l.ifname)).toContain('tunl0');
    for (const fam of ['ip', 'ip6'] as const) {
      for (const c of ['cali-INPUT', 'cali-FORWARD', 'cali-fw-cali1234567890a']) {
        expect(chainsOf(s, fam, 'nft', 'filter').has(c), `${fam} ${c}`).toBe(true);
      }
      expect(chainsOf(s, fam, 'nft', 'raw').has('cali-PREROUTING')).toBe(true);
      expect(chainsOf(s, fam, 'nft', 'mangle').has('cali-PREROUTING')).toBe(true);
      expect(rulesOf(s, fam, 'nft', 'filter').some((r) => /^-A INPUT -m comment --comment "cali:[\w-]+" -j cali-INPUT$/.test(r))).toBe(
        true,
      );
    }
    expect(parseSs(s).some((l) => l.proto === 'udp' && l.local.endsWith(':4789'))).toBe(true);
    expectRunCleanedUp(res);
  });

  it('rancher: the clean-up directory list, kubelet mounts, flannel/cni0/cali links, KUBE-* chains in both backends, kube-proxy, UDP 8472', () => {
    const { res, s, items } = probeIn(['user-state', 'rancher']);
    expect(verifyManifest(s, items)).toEqual([]);
    const types = sec(s, 'path-types');
    for (const d of [
      '/etc/ceph',
      '/etc/cni/net.d',
      '/etc/kubernetes/ssl',
      '/opt/rke/etc/kubernetes',
      '/run/secrets/kubernetes.io/serviceaccount',
      '/run/calico',
      '/var/lib/calico',
      '/var/lib/etcd/member',
      '/var/lib/cni/networks/cbr0',
      '/var/lib/kubelet/pods',
      '/var/lib/rancher/rke/log',
      '/var/log/containers',
      '/var/log/kube-audit',
      '/var/log/pods',
      '/usr/libexec/kubernetes/kubelet-plugins/volume/exec',
    ]) {
      expect(types).toContain(`${d}\tdirectory`);
    }
    expect(types).toContain('/opt/cni/bin/flannel\tregular file');
    expect(types).toContain('/run/flannel/subnet.env\tregular file');
    const mi = parseMountinfo(sec(s, 'mountinfo'));
    expect(mi.filter((m) => m.fstype === 'tmpfs' && m.mountPoint.startsWith('/var/lib/kubelet/pods/')).length).toBeGreaterThanOrEqual(2);
    expect(mi.some((m) => m.fstype !== 'tmpfs' && /\/volumes\/kubernetes\.io~csi\/pvc-[0-9a-f-]{36}\/mount$/.test(m.mountPoint))).toBe(true);
    // links
    const links = parseLinks(s);
    const flannel = links.find((l) => l.ifname === 'flannel.1');
    expect(flannel?.linkinfo?.info_kind).toBe('vxlan');
    expect(flannel?.linkinfo?.info_data?.id).toBe(1);
    expect(flannel?.linkinfo?.info_data?.port).toBe(8472);
    expect(links.find((l) => l.ifname === 'cni0')?.linkinfo?.info_kind).toBe('bridge');
    expect(links.some((l) => /^veth[0-9a-f]{8}$/.test(l.ifname) && l.master === 'cni0')).toBe(true);
    expect(links.some((l) => /^cali[0-9a-f]{11}$/.test(l.ifname) && l.linkinfo?.info_kind === 'veth')).toBe(true);
    // chains: nft backend
    const nat = chainsOf(s, 'ip', 'nft', 'nat');
    for (const c of ['KUBE-SERVICES', 'KUBE-MARK-MASQ', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING']) expect(nat.has(c), c).toBe(true);
    expect([...nat].some((c) => /^KUBE-SVC-[A-Z0-9]{16}$/.test(c))).toBe(true);
    expect([...nat].some((c) => /^KUBE-SEP-[A-Z0-9]{16}$/.test(c))).toBe(true);
    expect(rulesOf(s, 'ip', 'nft', 'nat')).toContain(
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    );
    expect(rulesOf(s, 'ip', 'nft', 'nat')).toContain('-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
    const filter = chainsOf(s, 'ip', 'nft', 'filter');
    for (const c of ['KUBE-FIREWALL', 'KUBE-SERVICES', 'cali-INPUT', 'MYAPP-INPUT']) expect(filter.has(c), c).toBe(true);
    expect(rulesOf(s, 'ip', 'nft', 'filter')).toContain('-A INPUT -j KUBE-FIREWALL');
    // chains: legacy backend
    expect(chainsOf(s, 'ip', 'legacy', 'filter').has('KUBE-FIREWALL')).toBe(true);
    expect(chainsOf(s, 'ip', 'legacy', 'nat').has('KUBE-MARK-DROP')).toBe(true);
    expect(chainsOf(s, 'ip6', 'legacy', 'filter').has('KUBE-FIREWALL')).toBe(true);
    // kube-proxy + the kernel's vxlan socket
    const ss = parseSs(s);
    expect(ss.some((l) => l.proto === 'tcp' && ssAddr('[::]:10256').includes(l.local) && l.process.includes('"kube-proxy"'))).toBe(
      true,
    );
    expect(ss.some((l) => l.proto === 'udp' && l.local === '0.0.0.0:8472' && l.process === '')).toBe(true);
    expectRunCleanedUp(res);
  });

  it('all scenarios together plant without conflicts, quickly', () => {
    const all = ['user-state', ...RESIDUE_SCENARIOS];
    const { res, s, items } = probeIn(all);
    expect(verifyManifest(s, items)).toEqual([]);
    for (const sc of all) expect(ofScenario(items, sc).length, sc).toBeGreaterThan(5);
    // only optional kernel features may be skipped
    for (const l of lines(sec(s, 'skipped'))) {
      const kind = l.split('\t')[1];
      expect(['interface', 'nft-table', 'ipset']).toContain(kind);
    }
    expect(res.durationMs).toBeLessThan(10_000);
    expectRunCleanedUp(res);
  });

  it('passes the exit status, stdout, stderr and stdin of the command through unchanged', () => {
    const res = runInSandbox({
      scenarios: ['user-state', 'remove-node'],
      command: ['sh', '-c', 'printf "out\\n"; printf "err\\n" >&2; cat; exit 7'],
      input: 'from-stdin\n',
    });
    ourPids.push(res.pid);
    expect(res.status).toBe(7);
    expect(res.stdout).toBe('out\nfrom-stdin\n');
    expect(res.stderr).toBe('err\n');
    expectRunCleanedUp(res);
  });

  it('keeps the project usable and exports KR_SANDBOX_DIR; --keep keeps the work dir', () => {
    const res = runInSandbox({
      scenarios: ['calico-cgroup'],
      command: [
        'sh',
        '-c',
        'test -d node_modules/vitest && test -f package.json && echo ok > "$KR_SANDBOX_DIR/from-inside" && touch /etc/kr-written-inside',
      ],
      keep: true,
    });
    ourPids.push(res.pid);
    try {
      expect(res.status).toBe(0);
      expect(res.workDir).toBeDefined();
      const w = res.workDir ?? '';
      expect(readFileSync(join(w, 'from-inside'), 'utf8')).toBe('ok\n');
      expect(readFileSync(join(w, 'sandbox.log'), 'utf8')).toContain('PLANT residue mount /run/calico/cgroup');
      expect(parseManifest(readFileSync(join(w, 'planted.tsv'), 'utf8')).length).toBeGreaterThan(5);
      // what the command wrote to /etc went to the overlay's upper dir only
      expect(existsSync(join(w, 'ov/etc/upper/kr-written-inside'))).toBe(true);
      expect(existsSync('/etc/kr-written-inside')).toBe(false);
      expectRunCleanedUp(res);
    } finally {
      if (res.workDir !== undefined) rmSync(res.workDir, { recursive: true, force: true });
    }
  });

  it('a failing command still tears everything down', () => {
    const res = runInSandbox({
      scenarios: ['user-state', 'remove-node', 'rancher'],
      command: ['sh', '-c', 'echo "$KR_SANDBOX_DIR"; exit 42'],
    });
    ourPids.push(res.pid);
    expect(res.status).toBe(42);
    const work = res.stdout.trim();
    expect(work).toMatch(/kr-sandbox\.[A-Za-z0-9]{6}$/);
    expect(existsSync(work)).toBe(false);
    expectRunCleanedUp(res);
  });

  it('a failing planting script exits 125 with the planting log on stderr and cleans up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kr-sandbox-test.'));
    const bad = join(dir, 'broken.sh');
    writeFileSync(
      bad,
      '#!/usr/bin/env bash\n. "$KR_SANDBOX_HOME/lib/plant.sh"\nkr_dir /etc/broken-scenario\nip link add broken0 type bridge\nkr_iface broken0\nfalse\n',
    );
    try {
      const res = runInSandbox({ scenarios: ['remove-node', bad], command: ['sh', '-c', 'echo must-not-run'] });
      ourPids.push(res.pid);
      expect(res.status).toBe(EX_HARNESS);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain('sandbox setup or planting failed');
      expect(res.stderr).toContain('PLANT residue interface broken0');
      expect(existsSync('/etc/broken-scenario')).toBe(false);
      expectRunCleanedUp(res);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('planting scripts refuse to run outside the sandbox', () => {
    // clean.sh plants nothing, so even a broken guard could not harm the host
    const r = spawnSync('bash', [join(SANDBOX_HOME, 'scenarios', 'clean.sh')], {
      encoding: 'utf8',
      env: { ...process.env, KR_SCENARIO: 'clean', KR_SANDBOX_DIR: tmpdir(), KR_SANDBOX: '1' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('refusing to plant');
    expect(r.stdout).not.toContain('nothing planted');
  });

  it('a run killed by its timeout (SIGTERM) cleans up', () => {
    const res = runInSandbox({ scenarios: ['user-state', 'remove-node'], command: ['sleep', '30'], timeoutMs: 2000 });
    ourPids.push(res.pid);
    expect(res.timedOut).toBe(true);
    expect(res.status).toBe(143);
    expectRunCleanedUp(res);
  });

  it('cleanup-stale.sh removes what a SIGKILLed run left behind', async () => {
    const child = spawn('bash', [SANDBOX_SCRIPT, '--scenario', 'remove-node', '--', 'sleep', '60'], {
      cwd: PROJECT_ROOT,
      stdio: 'ignore',
    });
    const pid = child.pid ?? 0;
    ourPids.push(pid);
    const exited = new Promise<void>((resolveExit) => child.on('exit', () => resolveExit()));
    // wait until the sandbox's processes are up (kubelet planted, sleep running)
    const deadline = Date.now() + 15_000;
    let procs: number[] = [];
    while (Date.now() < deadline) {
      // every hierarchy holds every process: any of the sandbox's cgroups will do
      const cg = hostSandboxCgroups(pid)[0];
      if (cg !== undefined) {
        const r = spawnSync('find', [cg, '-name', 'cgroup.procs', '-exec', 'cat', '{}', '+'], { encoding: 'utf8' });
        procs = lines(r.stdout ?? '').map(Number);
        const comms = procs.map((p) => {
          try {
            return readFileSync(`/proc/${p}/comm`, 'utf8').trim();
          } catch {
            return '';
          }
        });
        if (comms.includes('sleep') && comms.includes('kubelet')) break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(procs.length).toBeGreaterThan(3);
    process.kill(pid, 'SIGKILL');
    await exited;
    expect(hostSandboxCgroups(pid).length).toBeGreaterThan(0); // left behind

    const r = spawnSync('bash', [CLEANUP_STALE_SCRIPT], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`kr-sandbox-${pid}`);
    expect(hostSandboxCgroups(pid)).toEqual([]);
    for (const p of procs) {
      let state = 'gone';
      try {
        state = readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /s, '').charAt(0);
      } catch {
        // gone
      }
      expect(['gone', 'Z', 'X']).toContain(state);
    }
  });

  it('the host is unchanged: no cgroups, links, netns, mounts, chains, files or processes left', () => {
    const after = hostSnapshot();
    expect(after.links).toEqual(before.links);
    expect(after.netns).toEqual(before.netns);
    expect(after.mounts).toEqual(before.mounts);
    expect(after.iptables).toEqual(before.iptables);
    expect(after.nft).toEqual(before.nft);
    expect(after.ipsets).toEqual(before.ipsets);
    expect(after.paths).toEqual(before.paths);
    expect(after.hostname).toBe(before.hostname);
    expect(after.fakeProcs).toEqual(before.fakeProcs);
    expect(after.workDirs).toEqual([]);
    for (const pid of ourPids) expect(hostSandboxCgroups(pid), `kr-sandbox-${pid}`).toEqual([]);
  });
});
