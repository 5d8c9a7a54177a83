// planFix: a scan result → an ordered fix plan. Pure: it reads the result and nothing else, so the same report
// always gives the same plan. The order of phases is in phases.ts, what is refused in safety.ts, path
// collapsing in removals.ts, iptables in iptables-steps.ts; this module sorts each finding into them.
import type { Finding, RuleResult, ScanResult } from '../model/result.js';
import type { FixPlan, FixStep, ManualItem, RebootItem, Refusal, ScriptBlock, ScriptCall } from './model.js';
import { PHASES, isRuntimeUnit, isShimComm, linkRank, phaseIndex, unitRank, type PhaseId } from './phases.js';
import { planIptables } from './iptables-steps.js';
import { planRemovals, seenTypeFromEvidence, type Removal, type RemovalCandidate } from './removals.js';
import { parseCommand, rmCommand, sedInPlace, systemctlCommand } from './rule-commands.js';
import {
  FALLBACK_DEVICES,
  cgroupRefusal,
  interfaceNameProblem,
  ipsetNameProblem,
  ipvsProblem,
  isBelow,
  mountinfoPath,
  netnsNameProblem,
  nftNameProblem,
  pathRefusal,
  pidProblem,
  unitNameProblem,
} from './safety.js';
import { displayCommand, displayText } from './shell-text.js';

interface Entry {
  rule: RuleResult;
  finding: Finding;
}

const call = (fn: ScriptCall['fn'], ...args: string[]): ScriptCall => ({ type: 'call', fn, args });

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function tag(ruleIds: readonly string[]): string {
  return `[${ruleIds.join(', ')}]`;
}

function seenLine(e: Entry): string {
  return `${tag([e.rule.ruleId])} ${e.finding.target}: ${e.finding.evidence}`;
}

const RUN_TMPFS_NOTE = 'it lives on /run (a tmpfs): a reboot also clears it';

/** Builds the ordered plan. */
export function planFix(result: ScanResult): FixPlan {
  const entries: Entry[] = [];
  for (const rule of result.results) {
    if (rule.status !== 'found') continue;
    for (const finding of rule.findings) entries.push({ rule, finding });
  }
  const steps: FixStep[] = [];
  const refused: Refusal[] = [];
  const rebootOnly: RebootItem[] = [];
  const manual: ManualItem[] = [];
  const removalCands: RemovalCandidate[] = [];
  const followUps = new Map<string, { words: string[]; ruleIds: string[] }>();
  const ruleCommands: Array<{ words: string[]; ruleIds: string[]; target: string }> = [];
  const edits = new Map<string, { programs: string[]; ruleIds: string[]; lines: string[] }>();
  let daemonReload = false;
  const daemonReloadRules = new Set<string>();

  const refuse = (e: Entry, reason: string, wouldRun?: string[]): void => {
    refused.push({ ruleIds: [e.rule.ruleId], kind: e.finding.kind, target: e.finding.target, wouldRun, reason, evidence: e.finding.evidence, rebootClears: e.finding.rebootClears });
  };
  const toManual = (e: Entry, commands: string[], why: string): void => {
    manual.push({ ruleIds: [e.rule.ruleId], target: e.finding.target, commands, why });
  };

  /**
   * The rendered fix commands of a finding, sorted: `rm` of one of `removable` paths → removal; `systemctl
   * daemon-reload` → the reload phase; `systemctl stop/disable` → returned for the caller; anything else →
   * follow-up (when the finding also removes something) or a rule command. Unparseable → manual.
   */
  const sortRuleFix = (e: Entry, removable: readonly string[], unitAware = false): { removed: Array<{ path: string; recursive: boolean }>; systemctl: Array<{ verb: string; units: string[] }>; other: string[][] } => {
    const removed: Array<{ path: string; recursive: boolean }> = [];
    const systemctl: Array<{ verb: string; units: string[] }> = [];
    const other: string[][] = [];
    const unparsed: string[] = [];
    for (const text of e.finding.fix) {
      const parsed = parseCommand(text);
      if (!parsed.ok) {
        unparsed.push(text);
        continue;
      }
      const rm = rmCommand(parsed.words);
      if (rm && rm.operands.every((o) => removable.includes(o))) {
        for (const o of rm.operands) removed.push({ path: o, recursive: rm.recursive });
        continue;
      }
      const sc = systemctlCommand(parsed.words);
      if (sc?.verb === 'daemon-reload') {
        daemonReload = true;
        daemonReloadRules.add(e.rule.ruleId);
        continue;
      }
      if (unitAware && sc && sc.verb !== 'other') {
        systemctl.push(sc);
        continue;
      }
      other.push(parsed.words);
    }
    if (unparsed.length > 0) toManual(e, unparsed, 'uses shell syntax the script does not run for you (it passes commands as plain words, never through eval)');
    return { removed, systemctl, other };
  };

  const addOther = (e: Entry, words: string[][], asFollowUp: boolean): void => {
    for (const w of words) {
      if (asFollowUp) {
        const key = JSON.stringify(w);
        const cur = followUps.get(key) ?? { words: w, ruleIds: [] };
        if (!cur.ruleIds.includes(e.rule.ruleId)) cur.ruleIds.push(e.rule.ruleId);
        followUps.set(key, cur);
      } else {
        ruleCommands.push({ words: w, ruleIds: [e.rule.ruleId], target: e.finding.target });
      }
    }
  };

  // ---------------------------------------------------------------- units
  const units = new Map<string, { unit: string; ruleIds: string[]; lines: string[]; action: 'disable-now' | 'stop' | 'disable' }>();
  const transientUnits = new Map<string, { unit: string; ruleIds: string[]; lines: string[]; paths: string[] }>();
  for (const e of entries.filter((x) => x.finding.kind === 'systemd-unit')) {
    const unit = str(e.finding.vars.target) ?? e.finding.target;
    const paths = strings(e.finding.vars.paths);
    const problem = unitNameProblem(unit);
    if (problem) {
      refuse(e, problem, ['systemctl', 'disable', '--now', unit]);
      continue;
    }
    const sorted = sortRuleFix(e, paths, true);
    const transient = paths.length > 0 && paths.every((p) => p.startsWith('/run/systemd/transient/'));
    if (transient) {
      // Transient units (kubepods slices): systemd removes them when they stop; without systemd their files
      // are inert and /run is cleared at boot.
      const cur = transientUnits.get(unit) ?? { unit, ruleIds: [], lines: [], paths: [] };
      if (!cur.ruleIds.includes(e.rule.ruleId)) cur.ruleIds.push(e.rule.ruleId);
      cur.lines.push(seenLine(e));
      for (const p of paths) if (!cur.paths.includes(p)) cur.paths.push(p);
      transientUnits.set(unit, cur);
      rebootOnly.push({ ruleIds: [e.rule.ruleId], kind: 'systemd-unit', target: unit, why: 'a transient unit: stopped here when systemd runs; a reboot clears it', check: { type: 'path', value: paths[0] ?? '' } });
      continue;
    }
    for (const r of sorted.removed) {
      removalCands.push({ path: r.path, recursive: r.recursive, seen: '?', ruleIds: [e.rule.ruleId], kind: 'systemd-unit', evidence: e.finding.evidence, rebootClears: e.finding.rebootClears, early: false });
    }
    if (sorted.removed.length > 0) {
      daemonReload = true;
      daemonReloadRules.add(e.rule.ruleId);
    }
    const verbs = sorted.systemctl.filter((s) => s.units.length === 0 || s.units.includes(unit)).map((s) => s.verb);
    const action = verbs.includes('disable-now') ? 'disable-now' : verbs.includes('stop') ? 'stop' : verbs.includes('disable') ? 'disable' : undefined;
    if (action) {
      const cur = units.get(unit) ?? { unit, ruleIds: [], lines: [], action };
      if (!cur.ruleIds.includes(e.rule.ruleId)) cur.ruleIds.push(e.rule.ruleId);
      cur.lines.push(seenLine(e));
      if (action === 'disable-now' || (action === 'stop' && cur.action === 'disable')) cur.action = action === 'stop' && cur.action === 'disable' ? 'disable-now' : action;
      units.set(unit, cur);
      daemonReload = true;
      daemonReloadRules.add(e.rule.ruleId);
    }
    addOther(e, sorted.other, false);
  }
  const unitOrder = [...units.values()].sort((a, b) => unitRank(a.unit) - unitRank(b.unit) || (a.unit < b.unit ? -1 : 1));
  const unitBlocks = (u: { unit: string; action: string }): ScriptBlock => {
    const args = u.action === 'disable-now' ? ['systemctl', 'disable', '--now', u.unit] : u.action === 'stop' ? ['systemctl', 'stop', u.unit] : ['systemctl', 'disable', u.unit];
    return { type: 'if', test: 'systemd', then: [call('run_may_fail', ...args)], otherwise: [call('kr_say', `skip: systemd is not running here, so ${displayText(u.unit)} is not running under it`)] };
  };
  for (const u of unitOrder) {
    steps.push({
      phase: isRuntimeUnit(u.unit) ? 'runtime-units' : 'units',
      ruleIds: u.ruleIds,
      comment: [`${u.unit}: ${u.action === 'disable-now' ? 'stop it and keep it from starting at boot' : u.action === 'stop' ? 'stop it' : 'keep it from starting at boot'}.`, ...u.lines],
      blocks: [unitBlocks(u)],
    });
  }

  // ---------------------------------------------------------------- processes and ports
  const kubeletProcs: Entry[] = [];
  const shimProcs: Entry[] = [];
  const otherProcs: Entry[] = [];
  for (const e of entries.filter((x) => x.finding.kind === 'process')) {
    const pid = str(e.finding.vars.pid) ?? '';
    const comm = str(e.finding.vars.comm) ?? '';
    const problem = pidProblem(pid);
    if (problem) {
      refuse(e, problem, ['kill', pid]);
      continue;
    }
    if (comm === 'kubelet') kubeletProcs.push(e);
    else if (isShimComm(comm)) shimProcs.push(e);
    else otherProcs.push(e);
  }
  const procCall = (e: Entry, tree: boolean): ScriptCall =>
    call(tree ? 'kr_kill_tree' : 'kr_kill', str(e.finding.vars.pid) ?? '', str(e.finding.vars.comm) ?? '', displayText(e.finding.target));
  const dedupProcs = (list: Entry[]): Entry[] => [...new Map(list.map((e) => [str(e.finding.vars.pid) ?? '', e])).values()];
  if (kubeletProcs.length > 0) {
    const list = dedupProcs(kubeletProcs);
    steps.push({
      phase: 'units',
      ruleIds: [...new Set(list.map((e) => e.rule.ruleId))],
      comment: ['A kubelet still running (not, or no longer, under systemd): end it before anything else, or it restarts what is stopped below.', 'Each process is ended only if its pid still has the name the scan saw.', ...list.map(seenLine)],
      blocks: list.map((e) => procCall(e, false)),
    });
  }
  const hasRuntimeResidue =
    shimProcs.length > 0 ||
    entries.some((e) => (e.finding.kind === 'mount' && /^\/run\/(k3s\/)?containerd\//.test(e.finding.target)) || e.finding.kind === 'netns');
  if (hasRuntimeResidue) {
    steps.push({
      phase: 'workloads',
      ruleIds: [...new Set(entries.filter((e) => e.finding.kind === 'process' || e.finding.kind === 'netns' || e.finding.kind === 'mount').map((e) => e.rule.ruleId))].sort(),
      comment: [
        'Pods and containers through the runtime first, when crictl is installed and the runtime answers: it tears down',
        'sandboxes, their shm mounts and network namespaces the way the kubelet would. Otherwise the shims are ended below.',
      ],
      blocks: [
        {
          type: 'if',
          test: 'crictl',
          then: [call('run_may_fail', 'crictl', '--timeout', '30s', 'rmp', '--all', '--force')],
          otherwise: [call('kr_say', 'skip: crictl is not installed: ending the container shims directly')],
        },
      ],
    });
  }
  if (shimProcs.length > 0) {
    const list = dedupProcs(shimProcs);
    steps.push({
      phase: 'workloads',
      ruleIds: [...new Set(list.map((e) => e.rule.ruleId))],
      comment: [
        'Container shims with their whole process trees (the containers they run: static pods such as kube-apiserver or',
        'nginx-proxy keep ports busy until they go). SIGTERM, then SIGKILL after 10 s; skipped for a pid that is gone or renamed.',
        ...list.map(seenLine),
      ],
      blocks: list.map((e) => procCall(e, true)),
    });
  }
  if (otherProcs.length > 0) {
    const list = dedupProcs(otherProcs);
    steps.push({
      phase: 'workloads',
      ruleIds: [...new Set(list.map((e) => e.rule.ruleId))],
      comment: ['Other Kubernetes processes still running (skipped for a pid that is gone or now has another name).', ...list.map(seenLine)],
      blocks: list.map((e) => procCall(e, false)),
    });
  }
  for (const e of entries.filter((x) => x.finding.kind === 'port')) {
    const proto = str(e.finding.vars.protocol) ?? '';
    const port = str(e.finding.vars.port) ?? '';
    const pids = strings(e.finding.vars.pids);
    if (!/^(tcp|udp)$/.test(proto) || !/^[0-9]{1,5}$/.test(port)) {
      refuse(e, 'not a protocol and port');
      continue;
    }
    const bad = pids.find((p) => pidProblem(p) !== undefined);
    if (bad !== undefined) {
      refuse(e, `pid ${bad}: ${pidProblem(bad) ?? ''}`, ['kill', ...pids]);
      continue;
    }
    if (pids.length === 0) {
      steps.push({
        phase: 'workloads',
        ruleIds: [e.rule.ruleId],
        comment: [seenLine(e), 'No process owns this socket: it is the kernel\u2019s (a VXLAN or WireGuard device, say) and goes with its interface below.'],
        blocks: [],
      });
      continue;
    }
    steps.push({
      phase: 'workloads',
      ruleIds: [e.rule.ruleId],
      comment: [`Port ${proto}/${port}: end the processes that still listen on it (checked with ss at run time; usually gone with their shim above).`, seenLine(e)],
      blocks: [call('kr_kill_port', proto, port, ...pids)],
    });
  }

  // ---------------------------------------------------------------- mounts
  const mounts = new Map<string, { target: string; ruleIds: string[]; lines: string[]; rebootClears: boolean }>();
  const refusedMounts: string[] = [];
  for (const e of entries.filter((x) => x.finding.kind === 'mount')) {
    const target = str(e.finding.vars.target) ?? e.finding.target;
    const problem = pathRefusal(target, 'unmount');
    if (problem) {
      refuse(e, problem, ['umount', '--', target]);
      refusedMounts.push(target);
      continue;
    }
    const cur = mounts.get(target) ?? { target, ruleIds: [], lines: [], rebootClears: e.finding.rebootClears === true };
    if (!cur.ruleIds.includes(e.rule.ruleId)) cur.ruleIds.push(e.rule.ruleId);
    cur.lines.push(seenLine(e));
    mounts.set(target, cur);
  }
  // Deepest first: more path components first, then reverse order (what `sort -r` / `tac` do in reset scripts).
  const depth = (p: string): number => p.split('/').length;
  const mountOrder = [...mounts.values()].sort((a, b) => depth(b.target) - depth(a.target) || (a.target < b.target ? 1 : a.target > b.target ? -1 : 0));
  for (const m of mountOrder) {
    steps.push({
      phase: 'unmount',
      ruleIds: m.ruleIds,
      comment: [...m.lines, ...(m.target.startsWith('/run/') ? [`Unmounted now; ${RUN_TMPFS_NOTE}.`] : [])],
      blocks: [call('kr_umount', m.target, mountinfoPath(m.target), displayText(m.target))],
    });
  }

  // ---------------------------------------------------------------- netns, interfaces
  const netnsSeen = new Set<string>();
  for (const e of entries.filter((x) => x.finding.kind === 'netns')) {
    const name = str(e.finding.vars.target) ?? e.finding.target;
    const problem = netnsNameProblem(name);
    if (problem) {
      refuse(e, problem, ['ip', 'netns', 'delete', name]);
      continue;
    }
    if (netnsSeen.has(name)) continue;
    netnsSeen.add(name);
    steps.push({ phase: 'netns', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'ip netns delete also unmounts its /run/netns file; a reboot clears it too.'], blocks: [call('kr_netns_delete', name, displayText(name))] });
  }
  const links = new Map<string, { name: string; kind: string; ruleIds: string[]; lines: string[] }>();
  for (const e of entries.filter((x) => x.finding.kind === 'interface')) {
    const name = str(e.finding.vars.target) ?? e.finding.target;
    const problem = interfaceNameProblem(name);
    if (problem) {
      refuse(e, problem, ['ip', 'link', 'delete', 'dev', name]);
      continue;
    }
    if (FALLBACK_DEVICES.has(name)) {
      steps.push({
        phase: 'interfaces',
        ruleIds: [e.rule.ruleId],
        comment: [
          seenLine(e),
          `${name} is the fallback device of a tunnel module: it cannot be deleted. Its addresses are flushed and it is set down;`,
          `it goes when the module is unloaded (e.g. modprobe -r ipip, if nothing else uses it: not run here) or at a reboot that does not load the module.`,
        ],
        blocks: [call('run_may_fail', 'ip', 'addr', 'flush', 'dev', name), call('run_may_fail', 'ip', 'link', 'set', 'dev', name, 'down')],
      });
      rebootOnly.push({ ruleIds: [e.rule.ruleId], kind: 'interface', target: name, why: 'the fallback device of a tunnel module: only unloading the module or a reboot removes it', check: { type: 'link', value: name } });
      continue;
    }
    const cur = links.get(name) ?? { name, kind: str(e.finding.vars.linkKind) ?? '', ruleIds: [], lines: [] };
    if (!cur.ruleIds.includes(e.rule.ruleId)) cur.ruleIds.push(e.rule.ruleId);
    cur.lines.push(seenLine(e));
    links.set(name, cur);
  }
  for (const l of [...links.values()].sort((a, b) => linkRank(a.kind) - linkRank(b.kind) || (a.name < b.name ? -1 : 1))) {
    steps.push({
      phase: 'interfaces',
      ruleIds: l.ruleIds,
      comment: [...l.lines, ...(l.kind === 'veth' ? ['A veth whose peer was in a deleted namespace is already gone: then this is skipped.'] : [])],
      blocks: [call('kr_link_delete', l.name, displayText(l.name))],
    });
  }

  // ---------------------------------------------------------------- iptables, ipvs, nft, ipsets
  const ipt = planIptables(entries.filter((x) => x.finding.kind === 'iptables'));
  steps.push(...ipt.steps);
  refused.push(...ipt.refused);
  for (const e of entries.filter((x) => x.finding.kind === 'ipvs')) {
    const flag = str(e.finding.vars.protocolFlag) ?? '';
    const addr = str(e.finding.vars.address) ?? '';
    const problem = ipvsProblem(flag, addr);
    if (problem) {
      refuse(e, problem, ['ipvsadm', '-D', flag, addr]);
      continue;
    }
    steps.push({ phase: 'netfilter', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'Only this virtual service (ipvsadm --clear would also remove services that are not Kubernetes\u2019).'], blocks: [call('run_may_fail', 'ipvsadm', '-D', flag, addr)] });
  }
  const nftSeen = new Set<string>();
  for (const e of entries.filter((x) => x.finding.kind === 'nftables')) {
    const family = str(e.finding.vars.family) ?? '';
    const table = str(e.finding.vars.table) ?? '';
    const problem = nftNameProblem(family, table);
    if (problem) {
      refuse(e, problem, ['nft', 'delete', 'table', family, table]);
      continue;
    }
    if (nftSeen.has(`${family} ${table}`)) continue;
    nftSeen.add(`${family} ${table}`);
    steps.push({ phase: 'netfilter', ruleIds: [e.rule.ruleId], comment: [seenLine(e)], blocks: [call('kr_nft_delete', family, table)] });
  }
  const ipsetSeen = new Set<string>();
  for (const e of entries.filter((x) => x.finding.kind === 'ipset')) {
    const name = str(e.finding.vars.target) ?? e.finding.target;
    const problem = ipsetNameProblem(name);
    if (problem) {
      refuse(e, problem, ['ipset', 'destroy', name]);
      continue;
    }
    if (ipsetSeen.has(name)) continue;
    ipsetSeen.add(name);
    steps.push({ phase: 'netfilter', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'Fails while an iptables rule still uses the set (tolerated; then a rescan shows it).'], blocks: [call('run_may_fail', 'ipset', 'destroy', name)] });
  }

  // ---------------------------------------------------------------- paths and file contents
  for (const e of entries.filter((x) => x.finding.kind === 'path')) {
    const target = str(e.finding.vars.target) ?? e.finding.target;
    const sorted = sortRuleFix(e, [target]);
    const seen = seenTypeFromEvidence(e.finding.evidence);
    const early = e.rule.tags.includes('static-pod') || /^\/etc\/kubernetes\/manifests\//.test(target) || /\/agent\/pod-manifests\/[^/]+$/.test(target);
    for (const r of sorted.removed) {
      removalCands.push({
        path: r.path,
        recursive: r.recursive,
        seen,
        ruleIds: [e.rule.ruleId],
        kind: 'path',
        evidence: e.finding.evidence,
        rebootClears: e.finding.rebootClears,
        early,
        linkTarget: str(e.finding.vars.linkTarget),
      });
    }
    addOther(e, sorted.other, sorted.removed.length > 0);
    if (e.finding.fix.length === 0) toManual(e, [], 'the rule gives no fix command');
  }
  for (const e of entries.filter((x) => x.finding.kind === 'file-content')) {
    const target = str(e.finding.vars.target) ?? e.finding.target;
    const sorted = sortRuleFix(e, [target]);
    for (const r of sorted.removed) {
      removalCands.push({ path: r.path, recursive: r.recursive, seen: 'f', ruleIds: [e.rule.ruleId], kind: 'file-content', evidence: e.finding.evidence, rebootClears: e.finding.rebootClears, early: false });
    }
    const rest: string[][] = [];
    for (const words of sorted.other) {
      const sed = sedInPlace(words);
      if (sed && sed.file === target) {
        const problem = pathRefusal(target, 'edit');
        if (problem) {
          refuse(e, problem, words);
          continue;
        }
        const cur = edits.get(target) ?? { programs: [], ruleIds: [], lines: [] };
        if (!cur.programs.includes(sed.program)) cur.programs.push(sed.program);
        if (!cur.ruleIds.includes(e.rule.ruleId)) cur.ruleIds.push(e.rule.ruleId);
        cur.lines.push(seenLine(e));
        edits.set(target, cur);
      } else {
        rest.push(words);
      }
    }
    addOther(e, rest, sorted.removed.length > 0 || edits.has(target));
  }

  // ---------------------------------------------------------------- cgroups
  const cgroupEntries = entries.filter((x) => x.finding.kind === 'cgroup');
  const cgroupDirs: Array<{ target: string; ruleIds: string[]; lines: string[] }> = [];
  const slices = new Map<string, string[]>();
  for (const e of cgroupEntries) {
    const target = str(e.finding.vars.target) ?? e.finding.target;
    const hierarchy = str(e.finding.vars.hierarchy) ?? '';
    const name = str(e.finding.vars.name) ?? '';
    const problem = cgroupRefusal(target, hierarchy);
    if (problem) {
      refuse(e, problem, ['rmdir', target]);
      continue;
    }
    if (/\.slice$/.test(name) && unitNameProblem(name) === undefined) slices.set(name, [...new Set([...(slices.get(name) ?? []), e.rule.ruleId])]);
    const cur = cgroupDirs.find((c) => c.target === target);
    if (cur) {
      if (!cur.ruleIds.includes(e.rule.ruleId)) cur.ruleIds.push(e.rule.ruleId);
    } else {
      cgroupDirs.push({ target, ruleIds: [e.rule.ruleId], lines: [seenLine(e)] });
    }
    rebootOnly.push({ ruleIds: [e.rule.ruleId], kind: 'cgroup', target, why: 'a cgroup with processes (or children that have them) cannot be removed; a reboot clears it', check: { type: 'path', value: target } });
  }
  for (const t of [...transientUnits.values()].sort((a, b) => (a.unit < b.unit ? -1 : 1))) {
    const paths = t.paths.filter((p) => pathRefusal(p, 'remove') === undefined && p.startsWith('/run/systemd/transient/'));
    steps.push({
      phase: 'cgroups',
      ruleIds: t.ruleIds,
      comment: [`${t.unit}: a transient unit. Stopped through systemd when it runs (which also removes its files); otherwise its leftover files are removed (${RUN_TMPFS_NOTE}).`, ...t.lines],
      blocks: [
        {
          type: 'if',
          test: 'systemd',
          then: [call('run_may_fail', 'systemctl', 'stop', t.unit)],
          otherwise: paths.map((p) => call('kr_rm', '-rf', '?', p, mountinfoPath(p), displayText(p))),
        },
      ],
    });
    slices.delete(t.unit);
  }
  if (slices.size > 0) {
    const names = [...slices.keys()].sort();
    steps.push({
      phase: 'cgroups',
      ruleIds: [...new Set([...slices.values()].flat())].sort(),
      comment: ['Stopping a slice stops everything still below it (systemd cgroup driver).'],
      blocks: [{ type: 'if', test: 'systemd', then: names.map((n) => call('run_may_fail', 'systemctl', 'stop', n)), otherwise: [call('kr_say', 'skip: systemd is not running: no slices to stop')] }],
    });
  }
  for (const c of cgroupDirs.sort((a, b) => depth(b.target) - depth(a.target) || (a.target < b.target ? -1 : 1))) {
    steps.push({
      phase: 'cgroups',
      ruleIds: c.ruleIds,
      comment: [...c.lines, 'Every empty cgroup below it and then itself, deepest first, with rmdir (a cgroup still holding processes stays: a reboot clears it).'],
      blocks: [call('kr_cgroup_rmdir', c.target, displayText(c.target))],
    });
  }

  // ---------------------------------------------------------------- removals (after mounts are known)
  const { removals, refused: removalRefusals } = planRemovals(removalCands, refusedMounts);
  refused.push(...removalRefusals);
  const mountPoints = [...mounts.keys()];
  for (const r of removals) steps.push(removalStep(r, mountPoints));

  for (const [file, ed] of [...edits].sort(([a], [b]) => (a < b ? -1 : 1))) {
    steps.push({
      phase: 'file-edits',
      ruleIds: ed.ruleIds,
      comment: [
        ...ed.lines,
        'One sed run for all edits of this file, so every line number is the one the scan saw. Line numbers assume the file',
        'has not changed since the scan: for a saved report, check the lines first (sed -n with the same addresses prints them).',
      ],
      blocks: [call('run', 'sed', '-i', ...ed.programs.flatMap((p) => ['-e', p]), '--', file)],
    });
  }
  for (const rc of ruleCommands) {
    const isSystemctl = rc.words[0] === 'systemctl';
    const c = call('run_may_fail', ...rc.words);
    steps.push({
      phase: 'rule-commands',
      ruleIds: rc.ruleIds,
      comment: [`${tag(rc.ruleIds)} ${rc.target}: the rule\u2019s fix.`],
      blocks: isSystemctl ? [{ type: 'if', test: 'systemd', then: [c], otherwise: [call('kr_say', `skip: systemd is not running: ${displayCommand(rc.words)}`)] }] : [c],
    });
  }
  if (daemonReload) {
    steps.push({
      phase: 'daemon-reload',
      ruleIds: [...daemonReloadRules].sort(),
      comment: ['Unit files were removed or units disabled above.'],
      blocks: [{ type: 'if', test: 'systemd', then: [call('run', 'systemctl', 'daemon-reload')], otherwise: [call('kr_say', 'skip: systemd is not running: no daemon-reload needed')] }],
    });
  }
  for (const f of followUps.values()) {
    const c = call('run_may_fail', ...f.words);
    steps.push({
      phase: 'follow-up',
      ruleIds: f.ruleIds,
      comment: [`${tag(f.ruleIds)}: apply what the removals above changed.`],
      blocks: f.words[0] === 'systemctl' ? [{ type: 'if', test: 'systemd', then: [c], otherwise: [call('kr_say', `skip: systemd is not running: ${displayCommand(f.words)}`)] }] : [c],
    });
  }

  // ---------------------------------------------------------------- what the plan does not run
  for (const e of entries.filter((x) => x.finding.kind === 'kube-resource')) {
    toManual(e, e.finding.fix, 'a cluster-scope object: remove it through the API server (kubectl), not from this node');
  }
  for (const e of entries.filter((x) => !KNOWN_KINDS.has(x.finding.kind))) {
    toManual(e, e.finding.fix, `kind ${e.finding.kind} is not planned by this version`);
  }
  for (const e of entries) {
    if (e.finding.rebootClears === 'recreated-if-enabled' && (e.finding.kind === 'process' || e.finding.kind === 'port')) {
      // Noted once per rule in the reboot advice (not a leftover of this script: it returns if a unit is enabled).
      if (!rebootOnly.some((r) => r.ruleIds.includes(e.rule.ruleId) && r.kind === e.finding.kind)) {
        rebootOnly.push({ ruleIds: [e.rule.ruleId], kind: e.finding.kind, target: e.finding.target, why: 'comes back at boot if a unit that starts it stays enabled (the units found are disabled above)' });
      }
    }
  }

  steps.sort((a, b) => phaseIndex(a.phase) - phaseIndex(b.phase));
  const unchecked = result.results.filter((r) => r.status === 'unchecked').map((r) => ({ ruleId: r.ruleId, reason: r.reason ?? 'not checked' }));
  return {
    host: result.host,
    tool: result.tool,
    scanStartedAt: result.startedAt,
    scanFinishedAt: result.finishedAt,
    verdict: result.verdict,
    counts: { rules: result.summary.rules, found: result.summary.found, clean: result.summary.clean, unchecked: result.summary.unchecked, findings: result.summary.findings },
    unchecked,
    steps,
    refused,
    rebootOnly,
    manual,
  };
}

const KNOWN_KINDS = new Set<string>(['path', 'mount', 'cgroup', 'interface', 'iptables', 'nftables', 'ipvs', 'ipset', 'systemd-unit', 'process', 'port', 'netns', 'file-content', 'kube-resource']);

function removalStep(r: Removal, mountPoints: readonly string[]): FixStep {
  const mountedBelow = mountPoints.filter((m) => m === r.path || isBelow(m, r.path));
  const shown = r.covers.slice(0, 8);
  const comment = [
    `${tag(r.ruleIds)} ${r.path}: ${r.evidence}`,
    ...(r.seen === 'l' ? ['A symbolic link: only the link is removed, never what it points to.'] : []),
    ...(r.covers.length > 0
      ? [`Also removes ${r.covers.length} other finding${r.covers.length === 1 ? '' : 's'} below it:`, ...shown.map((c) => `  ${tag(c.ruleIds)} ${c.path}`), ...(r.covers.length > shown.length ? [`  ... and ${r.covers.length - shown.length} more`] : [])]
      : []),
    ...(mountedBelow.length > 0 ? [`${mountedBelow.length} mount${mountedBelow.length === 1 ? ' was' : 's were'} found below it and unmounted above; the removal is skipped if anything is still mounted there.`] : []),
    ...(r.early ? ['A static pod manifest: removed now, before the pods are stopped, so no kubelet brings them back.'] : []),
    ...(r.path.startsWith('/run/') ? [`The precise command; ${RUN_TMPFS_NOTE}.`] : []),
  ];
  return {
    phase: r.early ? 'static-pods' : 'files',
    ruleIds: r.ruleIds,
    comment,
    blocks: [call('kr_rm', r.recursive ? '-rf' : '-f', r.seen, r.path, mountinfoPath(r.path), displayText(r.path))],
  };
}

export { PHASES };
export type { PhaseId };
