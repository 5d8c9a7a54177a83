// The shared plan builder: every kind's planner (src/fix/planners/) writes into one of these. It holds what
// several kinds add to (units to stop, mounts, links, removals, shared-file edits, the rules' own commands) and
// turns them into steps at the end; steps are ordered by phase and by kind of step (phases.ts), nowhere else.
import type { Finding, RuleResult, ScanResult } from '../model/result.js';
import type { CheckKind } from '../model/rule.js';
import type { FixPlan, FixStep, ManualItem, RebootItem, Refusal, ScriptArg, ScriptBlock, ScriptCall } from './model.js';
import { isRuntimeUnit, linkRank, phaseIndex, STEP_ORDER, unitRank, type StepKind } from './phases.js';
import { planRemovals, seenTypeFromEvidence, type Removal, type RemovalCandidate } from './removals.js';
import { rmCommand, sedInPlace, systemctlCommand } from './rule-commands.js';
import { FALLBACK_DEVICES, interfaceBytesProblem, interfaceNameProblem, isBelow, mountinfoPath, pathRefusal, unitNameProblem } from './safety.js';
import { displayCommand, displayText } from './shell-text.js';
import type { PlannedCommand, ValueWord } from './template.js';
import type { FixValues } from './values.js';

/** A planned word as a script argument: its real bytes when it has them. */
const toArg = (w: ValueWord): ScriptArg => (w.hex === undefined ? w.text : { hex: w.hex });

/** What the shared builder reads of any kind's entry. */
export interface EntryBase {
  rule: RuleResult;
  finding: Finding;
  values: { target: string };
  /** The rule's fix commands for this finding: its templates with the finding's values (template.ts). */
  commands: readonly PlannedCommand[];
}

/** One finding of one rule, with its values read into the shape of its kind. */
export type Entry<K extends CheckKind = CheckKind> = EntryBase & { values: FixValues<K> };

export type UnitAction = 'disable-now' | 'stop' | 'disable';

export const call = (fn: ScriptCall['fn'], ...args: ScriptArg[]): ScriptCall => ({ type: 'call', fn, args });
export const ifSystemd = (then: ScriptBlock[], skipped: string): ScriptBlock => ({ type: 'if', test: 'systemd', then, otherwise: [call('kr_say', `skip: systemd is not running: ${skipped}`)] });

export function tag(ruleIds: readonly string[]): string {
  return `[${ruleIds.join(', ')}]`;
}

export function seenLine(e: Pick<EntryBase, 'rule' | 'finding'>): string {
  return `${tag([e.rule.ruleId])} ${e.finding.target}: ${e.finding.evidence}`;
}

export function addId(list: string[], id: string): void {
  if (!list.includes(id)) list.push(id);
}

export const depth = (p: string): number => p.split('/').length;
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
export const ruleIdsOf = (list: ReadonlyArray<Pick<EntryBase, 'rule'>>): string[] => [...new Set(list.map((e) => e.rule.ruleId))].sort();

/** mountinfoPath for raw bytes (hex in, hex out): space, tab, newline and backslash as octal escapes. */
function mountinfoBytes(hex: string): string {
  const out: number[] = [];
  for (const b of Buffer.from(hex, 'hex')) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x5c) out.push(...Buffer.from(`\\${b.toString(8).padStart(3, '0')}`));
    else out.push(b);
  }
  return Buffer.from(out).toString('hex');
}

export const RUN_TMPFS_NOTE = 'it lives on /run (a tmpfs): a reboot also clears it';

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

interface Grouped {
  ruleIds: string[];
  lines: string[];
}

/** How routeRuleFix treats a finding's rendered commands. */
export interface RouteOptions {
  /** Commands (by first word) the kind's planner does itself, e.g. `kill` for processes. */
  structural?: ReadonlySet<string>;
  /** The typed, content-anchored edit that replaces the rule's `sed -i {{sedDelete}} FILE` (file-content). */
  anchoredEdit?: { sedDelete: string; file: string; blocks: readonly string[] | undefined };
}

export class PlanBuilder {
  private readonly steps: Array<{ step: FixStep; kind: StepKind }> = [];
  readonly refused: Refusal[] = [];
  readonly rebootOnly: RebootItem[] = [];
  readonly manual: ManualItem[] = [];
  private readonly removalCands: RemovalCandidate[] = [];
  private readonly units = new Map<string, Grouped & { unit: string; action: UnitAction }>();
  private readonly mounts = new Map<string, Grouped & { target: string }>();
  private readonly refusedMounts: string[] = [];
  private readonly links = new Map<string, Grouped & { name: string; kind: string; hex?: string }>();
  private readonly fallbackSeen = new Set<string>();
  private readonly edits = new Map<string, Grouped & { programs: string[] }>();
  private readonly anchoredEdits = new Map<string, Grouped & { blocks: string[] }>();
  /** Substitutions of the rule's own (`sed -i s/.../.../ FILE`), applied to exactly the lines the scan saw. */
  private readonly anchoredReplaces = new Map<string, Grouped & { file: string; program: string; seen: string[] }>();
  private readonly followUps = new Map<string, { words: ScriptArg[]; ruleIds: string[] }>();
  private readonly ruleCommands: Array<{ words: ScriptArg[]; ruleIds: string[]; line: string }> = [];
  private readonly reloadRules = new Set<string>();
  /** Rules whose findings mean pods may be left: the script asks the runtime (crictl) to remove them first. */
  readonly runtimeRules = new Set<string>();
  /** kubepods slices to stop (systemd cgroup driver), unless a transient-unit step stops them already. */
  readonly slices = new Map<string, string[]>();
  readonly transientUnits = new Set<string>();

  step(kind: StepKind, step: FixStep): void {
    this.steps.push({ step, kind });
  }

  refuse(e: Pick<EntryBase, 'rule' | 'finding'>, reason: string, wouldRun?: ScriptArg[]): void {
    this.refused.push({ ruleIds: [e.rule.ruleId], kind: e.finding.kind, target: e.finding.target, wouldRun, reason, evidence: e.finding.evidence, rebootClears: e.finding.rebootClears });
  }

  toManual(e: Pick<EntryBase, 'rule' | 'finding'>, commands: string[], why: string): void {
    this.manual.push({ ruleIds: [e.rule.ruleId], target: e.finding.target, commands, why });
  }

  addUnit(e: EntryBase, rawUnit: string, action: UnitAction): void {
    const unit = unitName(rawUnit);
    const problem = unitNameProblem(unit);
    if (problem) {
      this.refuse(e, `${rawUnit}: ${problem}`, ['systemctl', ...(action === 'disable-now' ? ['disable', '--now'] : [action]), rawUnit]);
      return;
    }
    const cur = this.units.get(unit) ?? { unit, ruleIds: [], lines: [], action };
    addId(cur.ruleIds, e.rule.ruleId);
    const line = seenLine(e);
    if (!cur.lines.includes(line)) cur.lines.push(line);
    // stop + disable together is disable --now; either with disable --now stays disable --now.
    if (cur.action !== action) cur.action = 'disable-now';
    this.units.set(unit, cur);
    this.reloadRules.add(e.rule.ruleId);
  }

  addMount(e: EntryBase, target: string): void {
    const problem = pathRefusal(target, 'unmount');
    if (problem) {
      this.refuse(e, problem, ['umount', '--', target]);
      this.refusedMounts.push(target);
      return;
    }
    const cur = this.mounts.get(target) ?? { target, ruleIds: [], lines: [] };
    addId(cur.ruleIds, e.rule.ruleId);
    const line = e.finding.kind === 'mount' ? seenLine(e) : `${tag([e.rule.ruleId])} ${target}: unmounted first, as the rule for ${e.finding.target} says`;
    if (!cur.lines.includes(line)) cur.lines.push(line);
    this.mounts.set(target, cur);
  }

  addLink(e: EntryBase, name: string, linkKind: string, hex?: string): void {
    const problem = hex === undefined ? interfaceNameProblem(name) : interfaceBytesProblem(hex);
    if (problem) {
      this.refuse(e, problem, ['ip', 'link', 'delete', 'dev', hex === undefined ? name : { hex }]);
      return;
    }
    if (FALLBACK_DEVICES.has(name)) {
      this.fallbackDevice(e, name);
      return;
    }
    const cur = this.links.get(name) ?? { name, kind: linkKind, ruleIds: [], lines: [], hex };
    addId(cur.ruleIds, e.rule.ruleId);
    cur.kind ||= linkKind;
    const line = e.finding.kind === 'interface' ? seenLine(e) : `${tag([e.rule.ruleId])} ${name}: deleted as the rule for ${e.finding.target} says`;
    if (!cur.lines.includes(line)) cur.lines.push(line);
    this.links.set(name, cur);
  }

  private fallbackDevice(e: EntryBase, name: string): void {
    if (this.fallbackSeen.has(name)) return;
    this.fallbackSeen.add(name);
    this.step('fallback-device', {
      phase: 'interfaces',
      ruleIds: [e.rule.ruleId],
      comment: [
        seenLine(e),
        `${name} is the fallback device of a tunnel module: it cannot be deleted. Its addresses are flushed and it is set down;`,
        'it goes when the module is unloaded (modprobe -r, which acts on the whole host and is not run here) or at a reboot that does not load the module.',
      ],
      blocks: [call('run_may_fail', 'ip', 'addr', 'flush', 'dev', name), call('run_may_fail', 'ip', 'link', 'set', 'dev', name, 'down')],
    });
    this.rebootOnly.push({ ruleIds: [e.rule.ruleId], kind: 'interface', target: name, why: 'the fallback device of a tunnel module: only unloading the module or a reboot removes it', check: { type: 'link', value: name } });
  }

  addRemoval(c: RemovalCandidate): void {
    this.removalCands.push(c);
  }

  /** A shared file's exact text (blocks of lines) to remove, checked at run time. */
  private addAnchoredEdit(e: EntryBase, file: string, blocks: readonly string[]): void {
    const cur = this.anchoredEdits.get(file) ?? { blocks: [], ruleIds: [], lines: [] };
    for (const b of blocks) cur.blocks.push(b);
    addId(cur.ruleIds, e.rule.ruleId);
    const line = seenLine(e);
    if (!cur.lines.includes(line)) cur.lines.push(line);
    this.anchoredEdits.set(file, cur);
  }

  private addAnchoredReplace(e: EntryBase, file: string, program: string, seen: readonly string[]): void {
    const key = `${file}\t${program}`;
    const cur = this.anchoredReplaces.get(key) ?? { file, program, seen: [], ruleIds: [], lines: [] };
    for (const l of seen) cur.seen.push(l);
    addId(cur.ruleIds, e.rule.ruleId);
    const line = seenLine(e);
    if (!cur.lines.includes(line)) cur.lines.push(line);
    this.anchoredReplaces.set(key, cur);
  }

  /**
   * Sends each of the rule's commands for a finding (its templates with the finding's typed values, never the
   * displayed text) where it belongs. Commands that are none of the known shapes run after the finding's removals
   * or edits (follow-ups such as sysctl --system), or as the rule's own fix.
   */
  routeRuleFix(e: EntryBase, opts: RouteOptions = {}): void {
    const target = e.values.target;
    const pathValues = e.finding.kind === 'path' ? (e.values as FixValues<'path'>) : undefined;
    const linkTarget = pathValues?.linkTarget;
    const others: ScriptArg[][] = [];
    const unparsed: string[] = [];
    let acts = false;
    for (const cmd of e.commands) {
      if (!cmd.ok) {
        unparsed.push(cmd.display);
        continue;
      }
      const w = cmd.words.map((x) => x.text);
      if (opts.structural?.has(w[0] ?? '')) continue;
      const unaddressable = cmd.words.find((x) => x.unaddressable !== undefined);
      if (unaddressable) {
        this.refuse(e, `${displayText(unaddressable.text)}: ${unaddressable.unaddressable ?? ''}: not addressed by this plan; remove it by hand`);
        continue;
      }
      const rm = rmCommand(w);
      if (rm) {
        const operands = cmd.words.slice(w.length - rm.operands.length);
        for (const o of operands) {
          const p = o.text;
          this.addRemoval({
            path: p,
            recursive: rm.recursive,
            seen: p === target && e.finding.kind === 'path' ? seenTypeFromEvidence(e.finding.evidence) : p === target && e.finding.kind === 'file-content' ? 'f' : '?',
            ruleIds: [e.rule.ruleId],
            kind: e.finding.kind,
            evidence: p === target ? e.finding.evidence : `named by the rule for ${e.finding.target}`,
            rebootClears: e.finding.rebootClears,
            early: e.rule.tags.includes('static-pod') || /^\/etc\/kubernetes\/manifests\//.test(p) || /\/agent\/pod-manifests\/[^/]+$/.test(p),
            linkTarget: p === target ? linkTarget : undefined,
            hex: o.hex,
          });
        }
        if (e.finding.kind === 'systemd-unit') this.reloadRules.add(e.rule.ruleId);
        acts = true;
        continue;
      }
      const bytesWord = cmd.words.find((x) => x.hex !== undefined);
      const mp = umountPath(w);
      if (mp !== undefined) {
        if (bytesWord) this.refuse(e, 'a mount point that is not valid UTF-8 is not unmounted by this plan', [...cmd.words.map(toArg)]);
        else this.addMount(e, mp);
        continue;
      }
      const link = linkDeleteName(w);
      if (link !== undefined) {
        this.addLink(e, link, '', cmd.words[cmd.words.length - 1]?.hex);
        continue;
      }
      const sc = systemctlCommand(w);
      if (sc?.verb === 'daemon-reload') {
        this.reloadRules.add(e.rule.ruleId);
        continue;
      }
      if (sc && sc.verb !== 'other' && sc.units.length > 0) {
        for (const u of sc.units) this.addUnit(e, u, sc.verb);
        continue;
      }
      const sed = sedInPlace(w);
      if (sed) {
        const problem = bytesWord ? 'a file whose name is not valid UTF-8 is not edited by this plan' : pathRefusal(sed.file, 'edit');
        if (problem) {
          this.refuse(e, problem, cmd.words.map(toArg));
          continue;
        }
        const anchored = opts.anchoredEdit;
        const seenLines = anchored?.blocks ?? [];
        if (anchored && sed.program !== anchored.sedDelete && sed.file === anchored.file && seenLines.length > 0 && seenLines.every((l) => !l.includes('\n'))) {
          // Another edit of the rule's (a substitution): applied to exactly the lines the scan saw, by content.
          this.addAnchoredReplace(e, sed.file, sed.program, seenLines);
          acts = true;
          continue;
        }
        if (anchored && sed.program === anchored.sedDelete && sed.file === anchored.file) {
          // The rule's sed deletes by line number or by a begin/end range: run instead an edit anchored to the
          // exact text the scan saw, or nothing.
          if (!anchored.blocks || anchored.blocks.length === 0) {
            this.refuse(e, 'the scan recorded no complete block or line to anchor the edit to (an older report, or a block without its end marker), and edits by line number or pattern range are never run: the file may have changed since', w);
            continue;
          }
          this.addAnchoredEdit(e, sed.file, anchored.blocks);
          acts = true;
          continue;
        }
        const cur = this.edits.get(sed.file) ?? { programs: [], ruleIds: [], lines: [] };
        if (!cur.programs.includes(sed.program)) cur.programs.push(sed.program);
        addId(cur.ruleIds, e.rule.ruleId);
        const line = seenLine(e);
        if (!cur.lines.includes(line)) cur.lines.push(line);
        this.edits.set(sed.file, cur);
        acts = true;
        continue;
      }
      others.push(cmd.words.map(toArg));
    }
    for (const w of others) {
      if (acts) {
        const key = JSON.stringify(w);
        const cur = this.followUps.get(key) ?? { words: w, ruleIds: [] };
        addId(cur.ruleIds, e.rule.ruleId);
        this.followUps.set(key, cur);
      } else {
        this.ruleCommands.push({ words: w, ruleIds: [e.rule.ruleId], line: seenLine(e) });
      }
    }
    if (unparsed.length > 0) this.toManual(e, unparsed, 'uses shell syntax the script does not run for you (it passes commands as plain words, never through eval)');
  }

  /** The steps of what several kinds add to, and the plan in phase order. */
  finish(result: ScanResult, entries: readonly EntryBase[]): FixPlan {
    for (const u of [...this.units.values()].sort((a, b) => unitRank(a.unit) - unitRank(b.unit) || byString(a.unit, b.unit))) this.step('unit', unitStep(u));

    // The runtime is asked only when something of its pods is left: shims, sandbox mounts, pod namespaces.
    for (const m of this.mounts.values()) if (/^\/run\/(k3s\/)?containerd\//.test(m.target)) for (const id of m.ruleIds) this.runtimeRules.add(id);
    if (this.runtimeRules.size > 0) {
      this.step('runtime', {
        phase: 'workloads',
        ruleIds: [...this.runtimeRules].sort(),
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

    // Deepest first: more path components first, then reverse order (what `sort -r` / `tac` do in reset scripts).
    for (const m of [...this.mounts.values()].sort((a, b) => depth(b.target) - depth(a.target) || byString(b.target, a.target))) {
      this.step('unmount', {
        phase: 'unmount',
        ruleIds: m.ruleIds,
        comment: [...m.lines, ...(m.target.startsWith('/run/') ? [`Unmounted now; ${RUN_TMPFS_NOTE}.`] : [])],
        blocks: [call('kr_umount', m.target, mountinfoPath(m.target), displayText(m.target))],
      });
    }
    for (const l of [...this.links.values()].sort((a, b) => linkRank(a.kind) - linkRank(b.kind) || byString(a.name, b.name))) {
      this.step('link', {
        phase: 'interfaces',
        ruleIds: l.ruleIds,
        comment: [...l.lines, ...(l.kind === 'veth' ? ['A veth whose peer was in a deleted namespace is already gone: then this is skipped.'] : [])],
        blocks: [call('kr_link_delete', l.hex === undefined ? l.name : { hex: l.hex }, displayText(l.name))],
      });
    }

    const { removals, refused: removalRefusals } = planRemovals(this.removalCands, this.refusedMounts);
    this.refused.push(...removalRefusals);
    const mountPoints = [...this.mounts.keys()];
    for (const r of removals) this.step('removal', removalStep(r, mountPoints));

    for (const [file, ed] of [...this.anchoredEdits].sort(([a], [b]) => byString(a, b))) {
      const n = ed.blocks.reduce((k, b) => k + b.split('\n').length, 0);
      this.step('file-edit', {
        phase: 'file-edits',
        ruleIds: ed.ruleIds,
        comment: [
          ...ed.lines,
          `Removes exactly the ${n} line${n === 1 ? '' : 's'} the scan saw (in ${ed.blocks.length} block${ed.blocks.length === 1 ? '' : 's'}), matched by content, never by line number:`,
          'if any of them is no longer there (or is there more often than the scan saw), the file is left as it is and the step is refused.',
        ],
        blocks: [call('kr_edit_remove', file, displayText(file), ...ed.blocks)],
      });
    }
    for (const [, ed] of [...this.anchoredReplaces].sort(([a], [b]) => byString(a, b))) {
      this.step('file-edit', {
        phase: 'file-edits',
        ruleIds: ed.ruleIds,
        comment: [
          ...ed.lines,
          `The rule\u2019s own edit (${ed.program}), applied to exactly the ${ed.seen.length} line${ed.seen.length === 1 ? '' : 's'} the scan saw, found by content:`,
          'lines that match it but were not seen stay as they are; if a seen line is gone (or there more often), the file is left as it is.',
        ],
        blocks: [call('kr_edit_replace', ed.file, displayText(ed.file), ed.program, ...ed.seen)],
      });
    }
    for (const [file, ed] of [...this.edits].sort(([a], [b]) => byString(a, b))) {
      this.step('file-edit', {
        phase: 'file-edits',
        ruleIds: ed.ruleIds,
        comment: [...ed.lines, 'The rule\u2019s own edit, matched by content (a pattern), in one sed run.'],
        blocks: [call('run', 'sed', '-i', ...ed.programs.flatMap((p) => ['-e', p]), '--', file)],
      });
    }
    for (const rc of this.ruleCommands) {
      const c = call('run_may_fail', ...rc.words);
      this.step('rule-command', {
        phase: 'rule-commands',
        ruleIds: rc.ruleIds,
        comment: [rc.line, 'The rule\u2019s own fix command.'],
        blocks: [rc.words[0] === 'systemctl' ? ifSystemd([c], displayCommand(rc.words)) : c],
      });
    }
    if (this.reloadRules.size > 0) {
      this.step('daemon-reload', {
        phase: 'daemon-reload',
        ruleIds: [...this.reloadRules].sort(),
        comment: ['Unit files were removed or units disabled above.'],
        blocks: [ifSystemd([call('run', 'systemctl', 'daemon-reload')], 'no daemon-reload needed')],
      });
    }
    for (const f of this.followUps.values()) {
      const c = call('run_may_fail', ...f.words);
      this.step('follow-up', { phase: 'follow-up', ruleIds: f.ruleIds, comment: [`${tag(f.ruleIds)}: apply what the changes above did.`], blocks: [f.words[0] === 'systemctl' ? ifSystemd([c], displayCommand(f.words)) : c] });
    }
    for (const name of this.transientUnits) this.slices.delete(name);
    if (this.slices.size > 0) {
      const names = [...this.slices.keys()].sort();
      this.step('slice', {
        phase: 'cgroups',
        ruleIds: [...new Set([...this.slices.values()].flat())].sort(),
        comment: ['Stopping a slice stops everything still below it (systemd cgroup driver).'],
        blocks: [ifSystemd(names.map((n) => call('run_may_fail', 'systemctl', 'stop', n)), 'no slices to stop')],
      });
    }

    const returning = entries.filter((e) => e.finding.rebootClears === 'recreated-if-enabled' && (e.finding.kind === 'process' || e.finding.kind === 'port'));
    if (returning.length > 0) {
      this.rebootOnly.push({
        ruleIds: ruleIdsOf(returning),
        kind: 'process',
        target: [...new Set(returning.map((e) => e.finding.target))].join(', '),
        why: 'processes and ports that come back at boot if a unit that starts them stays enabled (the units found are disabled above)',
      });
    }

    const order = (s: { step: FixStep; kind: StepKind }): [number, number] => [phaseIndex(s.step.phase), STEP_ORDER.indexOf(s.kind)];
    const steps = [...this.steps]
      .map((s, i) => ({ s, i, o: order(s) }))
      .sort((a, b) => a.o[0] - b.o[0] || a.o[1] - b.o[1] || a.i - b.i)
      .map((x) => x.s.step);
    return {
      host: result.host,
      tool: result.tool,
      scanStartedAt: result.startedAt,
      scanFinishedAt: result.finishedAt,
      verdict: result.verdict,
      counts: { rules: result.summary.rules, found: result.summary.found, clean: result.summary.clean, unchecked: result.summary.unchecked, findings: result.summary.findings },
      unchecked: result.results.filter((r) => r.status === 'unchecked').map((r) => ({ ruleId: r.ruleId, reason: r.reason ?? 'not checked' })),
      steps,
      refused: this.refused,
      rebootOnly: this.rebootOnly,
      manual: this.manual,
    };
  }
}

function unitStep(u: Grouped & { unit: string; action: UnitAction }): FixStep {
  const args = u.action === 'disable-now' ? ['systemctl', 'disable', '--now', u.unit] : u.action === 'stop' ? ['systemctl', 'stop', u.unit] : ['systemctl', 'disable', u.unit];
  const what = u.action === 'disable-now' ? 'stop it and keep it from starting at boot' : u.action === 'stop' ? 'stop it' : 'keep it from starting at boot';
  return { phase: isRuntimeUnit(u.unit) ? 'runtime-units' : 'units', ruleIds: u.ruleIds, comment: [`${u.unit}: ${what}.`, ...u.lines], blocks: [ifSystemd([call('run_may_fail', ...args)], `${displayText(u.unit)} is not running under it`)] };
}

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
    blocks: [
      r.hex === undefined
        ? call('kr_rm', r.recursive ? '-rf' : '-f', r.seen, r.path, mountinfoPath(r.path), displayText(r.path))
        : call('kr_rm', r.recursive ? '-rf' : '-f', r.seen, { hex: r.hex }, { hex: mountinfoBytes(r.hex) }, displayText(r.path)),
    ],
  };
}
