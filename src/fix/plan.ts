// planFix: a scan result → an ordered fix plan. Pure: it reads the result and nothing else, so the same report
// always gives the same plan. The order of phases is in phases.ts, what is refused in safety.ts, path
// collapsing in removals.ts, iptables in iptables-steps.ts, reading a rule's own commands in rule-commands.ts;
// this module sorts each finding into them.
//
// Structural work (unmounting, killing, deleting links, namespaces, chains, tables, sets, cgroups) is built
// from the findings' raw values (vars). A rule's rendered fix commands are used where they say something the
// kind alone does not: which paths to remove and how (rm -f or rm -rf), which unit to stop, an extra umount
// or link deletion (calico-run-dir: `umount /run/calico/cgroup`), a sed edit, and what to run afterwards.
import type { Finding, RuleResult, ScanResult } from '../model/result.js';
import type { FixPlan, FixStep, ManualItem, RebootItem, Refusal, ScriptBlock, ScriptCall } from './model.js';
import { isRuntimeUnit, isShimComm, linkRank, phaseIndex, unitRank } from './phases.js';
import { planContainerSteps } from './container-steps.js';
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

type UnitAction = 'disable-now' | 'stop' | 'disable';

const call = (fn: ScriptCall['fn'], ...args: string[]): ScriptCall => ({ type: 'call', fn, args });
const ifSystemd = (then: ScriptBlock[], skipped: string): ScriptBlock => ({ type: 'if', test: 'systemd', then, otherwise: [call('kr_say', `skip: systemd is not running: ${skipped}`)] });

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

function addId(list: string[], id: string): void {
  if (!list.includes(id)) list.push(id);
}

const depth = (p: string): number => p.split('/').length;
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const RUN_TMPFS_NOTE = 'it lives on /run (a tmpfs): a reboot also clears it';

/** `containerd` → `containerd.service`, as systemctl reads a name without a suffix. */
function unitName(name: string): string {
  return /\.[a-z]+$/.test(name) ? name : `${name}.service`;
}

/** `umount [--] PATH` → PATH. */
function umountPath(words: readonly string[]): string | undefined {
  if (words[0] !== 'umount') return undefined;
  const rest = words[1] === '--' ? words.slice(2) : words.slice(1);
  return rest.length === 1 && !(rest[0] ?? '').startsWith('-') ? rest[0] : undefined;
}

/** `ip link delete|del [dev] NAME` → NAME. */
function linkDeleteName(words: readonly string[]): string | undefined {
  if (words[0] !== 'ip' || words[1] !== 'link' || !['delete', 'del'].includes(words[2] ?? '')) return undefined;
  const rest = words[3] === 'dev' ? words.slice(4) : words.slice(3);
  return rest.length === 1 ? rest[0] : undefined;
}

/** Builds the ordered plan. */
export function planFix(result: ScanResult): FixPlan {
  const entries: Entry[] = [];
  for (const rule of result.results) {
    if (rule.status !== 'found') continue;
    // A waived finding is accepted (src/waivers): nothing to plan for it.
    for (const finding of rule.findings) if (!finding.waiver) entries.push({ rule, finding });
  }
  const of = (kind: Finding['kind']): Entry[] => entries.filter((x) => x.finding.kind === kind);

  const steps: FixStep[] = [];
  const refused: Refusal[] = [];
  const rebootOnly: RebootItem[] = [];
  const manual: ManualItem[] = [];
  const removalCands: RemovalCandidate[] = [];
  const units = new Map<string, { unit: string; ruleIds: string[]; lines: string[]; action: UnitAction }>();
  const mounts = new Map<string, { target: string; ruleIds: string[]; lines: string[] }>();
  const refusedMounts: string[] = [];
  const links = new Map<string, { name: string; kind: string; ruleIds: string[]; lines: string[] }>();
  const edits = new Map<string, { programs: string[]; ruleIds: string[]; lines: string[] }>();
  const followUps = new Map<string, { words: string[]; ruleIds: string[] }>();
  const ruleCommands: Array<{ words: string[]; ruleIds: string[]; line: string }> = [];
  const reloadRules = new Set<string>();

  const refuse = (e: Entry, reason: string, wouldRun?: string[]): void => {
    refused.push({ ruleIds: [e.rule.ruleId], kind: e.finding.kind, target: e.finding.target, wouldRun, reason, evidence: e.finding.evidence, rebootClears: e.finding.rebootClears });
  };
  const toManual = (e: Entry, commands: string[], why: string): void => {
    manual.push({ ruleIds: [e.rule.ruleId], target: e.finding.target, commands, why });
  };

  const addUnit = (e: Entry, rawUnit: string, action: UnitAction): void => {
    const unit = unitName(rawUnit);
    const problem = unitNameProblem(unit);
    if (problem) {
      refuse(e, `${rawUnit}: ${problem}`, ['systemctl', ...(action === 'disable-now' ? ['disable', '--now'] : [action]), rawUnit]);
      return;
    }
    const cur = units.get(unit) ?? { unit, ruleIds: [], lines: [], action };
    addId(cur.ruleIds, e.rule.ruleId);
    const line = seenLine(e);
    if (!cur.lines.includes(line)) cur.lines.push(line);
    // stop + disable together is disable --now; either with disable --now stays disable --now.
    if (cur.action !== action) cur.action = 'disable-now';
    units.set(unit, cur);
    reloadRules.add(e.rule.ruleId);
  };
  const addMount = (e: Entry, target: string): void => {
    const problem = pathRefusal(target, 'unmount');
    if (problem) {
      refuse(e, problem, ['umount', '--', target]);
      refusedMounts.push(target);
      return;
    }
    const cur = mounts.get(target) ?? { target, ruleIds: [], lines: [] };
    addId(cur.ruleIds, e.rule.ruleId);
    const line = e.finding.kind === 'mount' ? seenLine(e) : `${tag([e.rule.ruleId])} ${target}: unmounted first, as the rule for ${e.finding.target} says`;
    if (!cur.lines.includes(line)) cur.lines.push(line);
    mounts.set(target, cur);
  };
  const addLink = (e: Entry, name: string, linkKind: string): void => {
    const problem = interfaceNameProblem(name);
    if (problem) {
      refuse(e, problem, ['ip', 'link', 'delete', 'dev', name]);
      return;
    }
    if (FALLBACK_DEVICES.has(name)) {
      fallbackDevice(e, name);
      return;
    }
    const cur = links.get(name) ?? { name, kind: linkKind, ruleIds: [], lines: [] };
    addId(cur.ruleIds, e.rule.ruleId);
    cur.kind ||= linkKind;
    const line = e.finding.kind === 'interface' ? seenLine(e) : `${tag([e.rule.ruleId])} ${name}: deleted as the rule for ${e.finding.target} says`;
    if (!cur.lines.includes(line)) cur.lines.push(line);
    links.set(name, cur);
  };
  const fallbackSeen = new Set<string>();
  const fallbackDevice = (e: Entry, name: string): void => {
    if (fallbackSeen.has(name)) return;
    fallbackSeen.add(name);
    steps.push({
      phase: 'interfaces',
      ruleIds: [e.rule.ruleId],
      comment: [
        seenLine(e),
        `${name} is the fallback device of a tunnel module: it cannot be deleted. Its addresses are flushed and it is set down;`,
        'it goes when the module is unloaded (modprobe -r, which acts on the whole host and is not run here) or at a reboot that does not load the module.',
      ],
      blocks: [call('run_may_fail', 'ip', 'addr', 'flush', 'dev', name), call('run_may_fail', 'ip', 'link', 'set', 'dev', name, 'down')],
    });
    rebootOnly.push({ ruleIds: [e.rule.ruleId], kind: 'interface', target: name, why: 'the fallback device of a tunnel module: only unloading the module or a reboot removes it', check: { type: 'link', value: name } });
  };

  /**
   * Sends each of a finding's rendered fix commands where it belongs. Commands that are none of the known shapes
   * run after the finding's removals or edits (follow-ups such as sysctl --system), or as the rule's own fix.
   */
  const routeRuleFix = (e: Entry, opts: { structural: ReadonlySet<string>; unitCommands: boolean }): void => {
    const target = str(e.finding.vars.target) ?? e.finding.target;
    const others: string[][] = [];
    const unparsed: string[] = [];
    let acts = false;
    for (const text of e.finding.fix) {
      const parsed = parseCommand(text);
      if (!parsed.ok) {
        unparsed.push(text);
        continue;
      }
      const w = parsed.words;
      if (opts.structural.has(w[0] ?? '')) continue;
      const rm = rmCommand(w);
      if (rm) {
        for (const p of rm.operands) {
          removalCands.push({
            path: p,
            recursive: rm.recursive,
            seen: p === target && e.finding.kind === 'path' ? seenTypeFromEvidence(e.finding.evidence) : p === target && e.finding.kind === 'file-content' ? 'f' : '?',
            ruleIds: [e.rule.ruleId],
            kind: e.finding.kind,
            evidence: p === target ? e.finding.evidence : `named by the rule for ${e.finding.target}`,
            rebootClears: e.finding.rebootClears,
            early: e.rule.tags.includes('static-pod') || /^\/etc\/kubernetes\/manifests\//.test(p) || /\/agent\/pod-manifests\/[^/]+$/.test(p),
            linkTarget: p === target ? str(e.finding.vars.linkTarget) : undefined,
          });
        }
        if (e.finding.kind === 'systemd-unit') reloadRules.add(e.rule.ruleId);
        acts = true;
        continue;
      }
      const mp = umountPath(w);
      if (mp !== undefined) {
        addMount(e, mp);
        continue;
      }
      const link = linkDeleteName(w);
      if (link !== undefined) {
        addLink(e, link, '');
        continue;
      }
      const sc = systemctlCommand(w);
      if (sc?.verb === 'daemon-reload') {
        reloadRules.add(e.rule.ruleId);
        continue;
      }
      if (sc && sc.verb !== 'other' && sc.units.length > 0 && opts.unitCommands) {
        for (const u of sc.units) addUnit(e, u, sc.verb as UnitAction);
        continue;
      }
      const sed = sedInPlace(w);
      if (sed) {
        const problem = pathRefusal(sed.file, 'edit');
        if (problem) {
          refuse(e, problem, w);
          continue;
        }
        const cur = edits.get(sed.file) ?? { programs: [], ruleIds: [], lines: [] };
        if (!cur.programs.includes(sed.program)) cur.programs.push(sed.program);
        addId(cur.ruleIds, e.rule.ruleId);
        const line = seenLine(e);
        if (!cur.lines.includes(line)) cur.lines.push(line);
        edits.set(sed.file, cur);
        acts = true;
        continue;
      }
      others.push(w);
    }
    for (const w of others) {
      if (acts) {
        const key = JSON.stringify(w);
        const cur = followUps.get(key) ?? { words: w, ruleIds: [] };
        addId(cur.ruleIds, e.rule.ruleId);
        followUps.set(key, cur);
      } else {
        ruleCommands.push({ words: w, ruleIds: [e.rule.ruleId], line: seenLine(e) });
      }
    }
    if (unparsed.length > 0) toManual(e, unparsed, 'uses shell syntax the script does not run for you (it passes commands as plain words, never through eval)');
  };

  // ---------------------------------------------------------------- systemd units
  const transientUnits = new Map<string, { unit: string; ruleIds: string[]; lines: string[]; paths: string[] }>();
  for (const e of of('systemd-unit')) {
    const unit = str(e.finding.vars.target) ?? e.finding.target;
    const paths = strings(e.finding.vars.paths);
    const problem = unitNameProblem(unit);
    if (problem) {
      refuse(e, problem, ['systemctl', 'disable', '--now', unit]);
      continue;
    }
    if (paths.length > 0 && paths.every((p) => p.startsWith('/run/systemd/transient/'))) {
      // Transient units (kubepods slices): systemd removes them when they stop; without systemd their files
      // are inert, and /run is cleared at boot.
      const cur = transientUnits.get(unit) ?? { unit, ruleIds: [], lines: [], paths: [] };
      addId(cur.ruleIds, e.rule.ruleId);
      cur.lines.push(seenLine(e));
      for (const p of paths) addId(cur.paths, p);
      transientUnits.set(unit, cur);
      rebootOnly.push({ ruleIds: [e.rule.ruleId], kind: 'systemd-unit', target: unit, why: 'a transient unit: stopped here when systemd runs; a reboot clears it', check: { type: 'path', value: paths[0] ?? '' } });
      continue;
    }
    routeRuleFix(e, { structural: new Set(), unitCommands: true });
  }

  // ---------------------------------------------------------------- processes and ports
  const kubeletProcs: Entry[] = [];
  const shimProcs: Entry[] = [];
  const otherProcs: Entry[] = [];
  for (const e of of('process')) {
    const pid = str(e.finding.vars.pid) ?? '';
    const problem = pidProblem(pid);
    if (problem) {
      refuse(e, problem, ['kill', pid]);
      continue;
    }
    const comm = str(e.finding.vars.comm) ?? '';
    if (comm === 'kubelet') kubeletProcs.push(e);
    else if (isShimComm(comm)) shimProcs.push(e);
    else otherProcs.push(e);
    routeRuleFix(e, { structural: new Set(['kill']), unitCommands: true });
  }
  const portSteps: FixStep[] = [];
  for (const e of of('port')) {
    routeRuleFix(e, { structural: new Set(['kill']), unitCommands: true });
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
    portSteps.push(
      pids.length === 0
        ? { phase: 'workloads', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'The scan saw no process owning it: a kernel socket (a VXLAN or WireGuard device\u2019s) goes with its interface below; anything else shows up again in the rescan.'], blocks: [] }
        : {
            phase: 'workloads',
            ruleIds: [e.rule.ruleId],
            comment: [`Port ${proto}/${port}: end the processes that still listen on it (checked with ss at run time; usually gone with their shim above).`, seenLine(e)],
            blocks: [call('kr_kill_port', proto, port, ...pids)],
          },
    );
  }

  // ---------------------------------------------------------------- mounts, netns, interfaces
  for (const e of of('mount')) addMount(e, str(e.finding.vars.target) ?? e.finding.target);
  const netnsSteps: FixStep[] = [];
  const netnsSeen = new Set<string>();
  for (const e of of('netns')) {
    const name = str(e.finding.vars.target) ?? e.finding.target;
    const problem = netnsNameProblem(name);
    if (problem) {
      refuse(e, problem, ['ip', 'netns', 'delete', name]);
      continue;
    }
    if (netnsSeen.has(name)) continue;
    netnsSeen.add(name);
    netnsSteps.push({ phase: 'netns', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'ip netns delete also unmounts its /run/netns file; a reboot clears it too.'], blocks: [call('kr_netns_delete', name, displayText(name))] });
  }
  for (const e of of('interface')) {
    const name = str(e.finding.vars.target) ?? e.finding.target;
    addLink(e, name, str(e.finding.vars.linkKind) ?? '');
    if (FALLBACK_DEVICES.has(name) && e.finding.fix.some((f) => /^modprobe -r /.test(f))) {
      toManual(e, e.finding.fix.filter((f) => /^modprobe -r /.test(f)), 'unloads a kernel module for the whole host (every network namespace): run it yourself if nothing else uses that tunnel type');
    }
  }

  // ---------------------------------------------------------------- netfilter
  const ipt = planIptables(of('iptables'));
  refused.push(...ipt.refused);
  const netfilterSteps: FixStep[] = [];
  for (const e of of('ipvs')) {
    const flag = str(e.finding.vars.protocolFlag) ?? '';
    const addr = str(e.finding.vars.address) ?? '';
    const problem = ipvsProblem(flag, addr);
    if (problem) {
      refuse(e, problem, ['ipvsadm', '-D', flag, addr]);
      continue;
    }
    netfilterSteps.push({ phase: 'netfilter', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'Only this virtual service (ipvsadm --clear would also remove services that are not Kubernetes\u2019).'], blocks: [call('run_may_fail', 'ipvsadm', '-D', flag, addr)] });
  }
  const nftSeen = new Set<string>();
  for (const e of of('nftables')) {
    const family = str(e.finding.vars.family) ?? '';
    const table = str(e.finding.vars.table) ?? '';
    const problem = nftNameProblem(family, table);
    if (problem) {
      refuse(e, problem, ['nft', 'delete', 'table', family, table]);
      continue;
    }
    if (nftSeen.has(`${family} ${table}`)) continue;
    nftSeen.add(`${family} ${table}`);
    netfilterSteps.push({ phase: 'netfilter', ruleIds: [e.rule.ruleId], comment: [seenLine(e)], blocks: [call('kr_nft_delete', family, table)] });
  }
  const ipsetSeen = new Set<string>();
  for (const e of of('ipset')) {
    const name = str(e.finding.vars.target) ?? e.finding.target;
    const problem = ipsetNameProblem(name);
    if (problem) {
      refuse(e, problem, ['ipset', 'destroy', name]);
      continue;
    }
    if (ipsetSeen.has(name)) continue;
    ipsetSeen.add(name);
    netfilterSteps.push({ phase: 'netfilter', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'Fails while an iptables rule still uses the set (tolerated; a rescan then shows it).'], blocks: [call('run_may_fail', 'ipset', 'destroy', name)] });
  }

  // ---------------------------------------------------------------- paths and file contents
  for (const e of of('path')) {
    routeRuleFix(e, { structural: new Set(), unitCommands: true });
    if (e.finding.fix.length === 0) toManual(e, [], 'the rule gives no fix command');
  }
  for (const e of of('file-content')) routeRuleFix(e, { structural: new Set(), unitCommands: true });

  // ---------------------------------------------------------------- cgroups
  const cgroupDirs = new Map<string, { target: string; ruleIds: string[]; lines: string[] }>();
  const slices = new Map<string, string[]>();
  for (const e of of('cgroup')) {
    const target = str(e.finding.vars.target) ?? e.finding.target;
    const name = str(e.finding.vars.name) ?? '';
    const problem = cgroupRefusal(target, str(e.finding.vars.hierarchy) ?? '');
    if (problem) {
      refuse(e, problem, ['rmdir', target]);
      continue;
    }
    if (/\.slice$/.test(name) && unitNameProblem(name) === undefined) slices.set(name, [...new Set([...(slices.get(name) ?? []), e.rule.ruleId])]);
    const cur = cgroupDirs.get(target) ?? { target, ruleIds: [], lines: [] };
    addId(cur.ruleIds, e.rule.ruleId);
    cur.lines.push(seenLine(e));
    cgroupDirs.set(target, cur);
    rebootOnly.push({ ruleIds: [e.rule.ruleId], kind: 'cgroup', target, why: 'a cgroup with processes (or children that have them) cannot be removed; a reboot clears it', check: { type: 'path', value: target } });
  }

  // ================================================================ steps, in phase order
  const unitStep = (u: { unit: string; ruleIds: string[]; lines: string[]; action: UnitAction }): FixStep => {
    const args = u.action === 'disable-now' ? ['systemctl', 'disable', '--now', u.unit] : u.action === 'stop' ? ['systemctl', 'stop', u.unit] : ['systemctl', 'disable', u.unit];
    const what = u.action === 'disable-now' ? 'stop it and keep it from starting at boot' : u.action === 'stop' ? 'stop it' : 'keep it from starting at boot';
    return { phase: isRuntimeUnit(u.unit) ? 'runtime-units' : 'units', ruleIds: u.ruleIds, comment: [`${u.unit}: ${what}.`, ...u.lines], blocks: [ifSystemd([call('run_may_fail', ...args)], `${displayText(u.unit)} is not running under it`)] };
  };
  for (const u of [...units.values()].sort((a, b) => unitRank(a.unit) - unitRank(b.unit) || byString(a.unit, b.unit))) steps.push(unitStep(u));

  const procCall = (e: Entry, tree: boolean): ScriptCall => call(tree ? 'kr_kill_tree' : 'kr_kill', str(e.finding.vars.pid) ?? '', str(e.finding.vars.comm) ?? '', displayText(e.finding.target));
  const dedupProcs = (list: Entry[]): Entry[] => [...new Map(list.map((e) => [str(e.finding.vars.pid) ?? '', e])).values()];
  const ruleIdsOf = (list: Entry[]): string[] => [...new Set(list.map((e) => e.rule.ruleId))].sort();
  if (kubeletProcs.length > 0) {
    const list = dedupProcs(kubeletProcs);
    steps.push({
      phase: 'units',
      ruleIds: ruleIdsOf(list),
      comment: ['A kubelet still running (not, or no longer, under systemd): end it before anything else, or it restarts what is stopped below.', 'Each process is ended only if its pid still has the name the scan saw.', ...list.map(seenLine)],
      blocks: list.map((e) => procCall(e, false)),
    });
  }
  // Pods and containers the runtime still knows: removed through it, before any shim is ended below.
  const containerPlan = planContainerSteps(of('container'));
  steps.push(...containerPlan.steps);
  refused.push(...containerPlan.refused);
  // The runtime is asked only when something of its pods is left: shims, sandbox mounts, pod namespaces.
  const runtimeRules = new Set([
    ...shimProcs.map((e) => e.rule.ruleId),
    ...[...mounts.values()].filter((m) => /^\/run\/(k3s\/)?containerd\//.test(m.target)).flatMap((m) => m.ruleIds),
    ...netnsSteps.flatMap((s) => s.ruleIds),
  ]);
  if (runtimeRules.size > 0) {
    steps.push({
      phase: 'workloads',
      ruleIds: [...runtimeRules].sort(),
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
      ruleIds: ruleIdsOf(list),
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
      ruleIds: ruleIdsOf(list),
      comment: ['Other Kubernetes processes still running (skipped for a pid that is gone or now has another name).', ...list.map(seenLine)],
      blocks: list.map((e) => procCall(e, false)),
    });
  }
  steps.push(...portSteps);

  // Deepest first: more path components first, then reverse order (what `sort -r` / `tac` do in reset scripts).
  for (const m of [...mounts.values()].sort((a, b) => depth(b.target) - depth(a.target) || byString(b.target, a.target))) {
    steps.push({
      phase: 'unmount',
      ruleIds: m.ruleIds,
      comment: [...m.lines, ...(m.target.startsWith('/run/') ? [`Unmounted now; ${RUN_TMPFS_NOTE}.`] : [])],
      blocks: [call('kr_umount', m.target, mountinfoPath(m.target), displayText(m.target))],
    });
  }
  steps.push(...netnsSteps);
  for (const l of [...links.values()].sort((a, b) => linkRank(a.kind) - linkRank(b.kind) || byString(a.name, b.name))) {
    steps.push({
      phase: 'interfaces',
      ruleIds: l.ruleIds,
      comment: [...l.lines, ...(l.kind === 'veth' ? ['A veth whose peer was in a deleted namespace is already gone: then this is skipped.'] : [])],
      blocks: [call('kr_link_delete', l.name, displayText(l.name))],
    });
  }
  steps.push(...ipt.steps, ...netfilterSteps);

  const { removals, refused: removalRefusals } = planRemovals(removalCands, refusedMounts);
  refused.push(...removalRefusals);
  const mountPoints = [...mounts.keys()];
  for (const r of removals) steps.push(removalStep(r, mountPoints));

  for (const [file, ed] of [...edits].sort(([a], [b]) => byString(a, b))) {
    steps.push({
      phase: 'file-edits',
      ruleIds: ed.ruleIds,
      comment: [
        ...ed.lines,
        'One sed run for all edits of this file, so every line number is the one the scan saw. Line numbers assume the file',
        'has not changed since the scan: for a saved report, look at those lines first (sed -n with the same addresses).',
      ],
      blocks: [call('run', 'sed', '-i', ...ed.programs.flatMap((p) => ['-e', p]), '--', file)],
    });
  }
  for (const rc of ruleCommands) {
    const c = call('run_may_fail', ...rc.words);
    steps.push({
      phase: 'rule-commands',
      ruleIds: rc.ruleIds,
      comment: [rc.line, 'The rule\u2019s own fix command.'],
      blocks: [rc.words[0] === 'systemctl' ? ifSystemd([c], displayCommand(rc.words)) : c],
    });
  }
  if (reloadRules.size > 0) {
    steps.push({
      phase: 'daemon-reload',
      ruleIds: [...reloadRules].sort(),
      comment: ['Unit files were removed or units disabled above.'],
      blocks: [ifSystemd([call('run', 'systemctl', 'daemon-reload')], 'no daemon-reload needed')],
    });
  }
  for (const f of followUps.values()) {
    const c = call('run_may_fail', ...f.words);
    steps.push({ phase: 'follow-up', ruleIds: f.ruleIds, comment: [`${tag(f.ruleIds)}: apply what the changes above did.`], blocks: [f.words[0] === 'systemctl' ? ifSystemd([c], displayCommand(f.words)) : c] });
  }

  for (const t of [...transientUnits.values()].sort((a, b) => byString(a.unit, b.unit))) {
    const paths = t.paths.filter((p) => pathRefusal(p, 'remove') === undefined && p.startsWith('/run/systemd/transient/'));
    steps.push({
      phase: 'cgroups',
      ruleIds: t.ruleIds,
      comment: [`${t.unit}: a transient unit. Stopped through systemd when it runs (which also removes its files); otherwise its leftover files are removed (${RUN_TMPFS_NOTE}).`, ...t.lines],
      blocks: [{ type: 'if', test: 'systemd', then: [call('run_may_fail', 'systemctl', 'stop', t.unit)], otherwise: paths.map((p) => call('kr_rm', '-rf', '?', p, mountinfoPath(p), displayText(p))) }],
    });
    slices.delete(t.unit);
  }
  if (slices.size > 0) {
    const names = [...slices.keys()].sort();
    steps.push({
      phase: 'cgroups',
      ruleIds: [...new Set([...slices.values()].flat())].sort(),
      comment: ['Stopping a slice stops everything still below it (systemd cgroup driver).'],
      blocks: [ifSystemd(names.map((n) => call('run_may_fail', 'systemctl', 'stop', n)), 'no slices to stop')],
    });
  }
  for (const c of [...cgroupDirs.values()].sort((a, b) => depth(b.target) - depth(a.target) || byString(a.target, b.target))) {
    steps.push({
      phase: 'cgroups',
      ruleIds: c.ruleIds,
      comment: [...c.lines, 'Every empty cgroup below it and then itself, deepest first, with rmdir (a cgroup still holding processes stays: a reboot clears it).'],
      blocks: [call('kr_cgroup_rmdir', c.target, displayText(c.target))],
    });
  }

  // ---------------------------------------------------------------- what the plan does not run
  // The rule's note goes with the commands: it carries warnings such as what patching out a finalizer skips.
  for (const e of of('kube-resource')) {
    const why = 'a cluster-scope object: remove it through the API server (kubectl), not from this node';
    toManual(e, e.finding.fix, e.rule.fixNote ? `${why}. ${e.rule.fixNote}` : why);
  }
  for (const e of entries.filter((x) => !KNOWN_KINDS.has(x.finding.kind))) toManual(e, e.finding.fix, `kind ${e.finding.kind} is not planned by this version`);
  const returning = entries.filter((e) => e.finding.rebootClears === 'recreated-if-enabled' && (e.finding.kind === 'process' || e.finding.kind === 'port'));
  if (returning.length > 0) {
    rebootOnly.push({
      ruleIds: ruleIdsOf(returning),
      kind: 'process',
      target: [...new Set(returning.map((e) => e.finding.target))].join(', '),
      why: 'processes and ports that come back at boot if a unit that starts them stays enabled (the units found are disabled above)',
    });
  }

  steps.sort((a, b) => phaseIndex(a.phase) - phaseIndex(b.phase));
  return {
    host: result.host,
    tool: result.tool,
    scanStartedAt: result.startedAt,
    scanFinishedAt: result.finishedAt,
    verdict: result.verdict,
    counts: { rules: result.summary.rules, found: result.summary.found, clean: result.summary.clean, unchecked: result.summary.unchecked, findings: result.summary.findings },
    unchecked: result.results.filter((r) => r.status === 'unchecked').map((r) => ({ ruleId: r.ruleId, reason: r.reason ?? 'not checked' })),
    steps,
    refused,
    rebootOnly,
    manual,
  };
}

const KNOWN_KINDS = new Set<string>(['path', 'mount', 'cgroup', 'interface', 'iptables', 'nftables', 'ipvs', 'ipset', 'systemd-unit', 'process', 'port', 'netns', 'file-content', 'kube-resource', 'container']);

function removalStep(r: Removal, mountPoints: readonly string[]): FixStep {
  const mountedBelow = mountPoints.filter((m) => m === r.path || isBelow(m, r.path));
  const shown = r.covers.slice(0, 8);
  const comment = [
    `${tag(r.ruleIds)} ${r.path}: ${r.evidence}`,
    ...(r.seen === 'l' ? ['A symbolic link: only the link is removed, never what it points to.'] : []),
    ...(r.covers.length > 0
      ? [
          `Also removes ${r.covers.length} other finding${r.covers.length === 1 ? '' : 's'} below it:`,
          ...shown.map((c) => `  ${tag(c.ruleIds)} ${c.path}`),
          ...(r.covers.length > shown.length ? [`  ... and ${r.covers.length - shown.length} more`] : []),
        ]
      : []),
    ...(mountedBelow.length > 0 ? [`${mountedBelow.length} mount${mountedBelow.length === 1 ? ' was' : 's were'} found here or below and unmounted above; the removal is skipped if anything is still mounted.`] : []),
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
