// The fix plan: what `kube-residue fix` turns a scan into before it becomes a script. Pure data, built by
// planFix() from a ScanResult and rendered by renderScript(); nothing here is ever executed by kube-residue.
import type { CheckKind, RebootClears } from '../model/rule.js';
import type { HostIdentity, ScanResult, Verdict } from '../model/result.js';
import type { PhaseId } from './phases.js';

/**
 * The script's own functions a plan may call. `run` stops the script when the command fails; `run_may_fail`
 * reports the failure and goes on (a chain that is already gone). The kr_* helpers re-check the host at run
 * time (is it still mounted, still the same process, still there) and then call run/run_may_fail.
 */
/**
 * Helper signatures (every argument one literal word; `label` is the target already escaped for messages):
 *   kr_say message · kr_rm flags seen path mountinfo-path label · kr_umount path mountinfo-path label ·
 *   kr_kill pid comm label · kr_kill_tree pid comm label · kr_kill_port proto port pid... ·
 *   kr_netns_delete name label · kr_link_delete name label · kr_nft_delete family table ·
 *   kr_cgroup_rmdir path label · kr_edit_remove file label block... · kr_edit_replace file label sed-program line... ·
 *   kr_left path|link value label · kr_containerd address label · kr_ctr address ctr-args...
 */
export type ScriptFn =
  | 'run'
  | 'run_may_fail'
  | 'kr_say'
  | 'kr_rm'
  | 'kr_umount'
  | 'kr_kill'
  | 'kr_kill_tree'
  | 'kr_kill_port'
  | 'kr_netns_delete'
  | 'kr_link_delete'
  | 'kr_nft_delete'
  | 'kr_cgroup_rmdir'
  | 'kr_edit_remove'
  | 'kr_edit_replace'
  | 'kr_left'
  | 'kr_containerd'
  | 'kr_ctr';

/** An argument given as raw bytes (hex): a name that is not valid UTF-8, addressed as itself (printf octal). */
export interface ByteArg {
  hex: string;
}

export type ScriptArg = string | ByteArg;

export interface ScriptCall {
  type: 'call';
  fn: ScriptFn;
  /** Literal arguments, each rendered as one quoted shell word. */
  args: ScriptArg[];
}

/** Runs `then` or `otherwise` depending on what the host has when the script runs. */
export interface ScriptIf {
  type: 'if';
  test: 'systemd' | 'crictl';
  then: ScriptBlock[];
  otherwise: ScriptBlock[];
}

/** A `#` comment line inside a step (text is escaped when rendered). */
export interface ScriptComment {
  type: 'comment';
  text: string;
}

export type ScriptBlock = ScriptCall | ScriptIf | ScriptComment;

export interface FixStep {
  phase: PhaseId;
  /** The rules whose findings this step addresses. */
  ruleIds: string[];
  /** One line each: what and why (escaped when rendered). */
  comment: string[];
  blocks: ScriptBlock[];
}

/** A finding, or part of one, that the plan will not act on: shown as a comment instead of a command. */
export interface Refusal {
  ruleIds: string[];
  kind: CheckKind;
  target: string;
  /** The command it would have been (words; a name that is not valid UTF-8 as its bytes), when there is one. */
  wouldRun?: ScriptArg[];
  reason: string;
  /** What the scan saw (the finding's evidence). */
  evidence: string;
  rebootClears: RebootClears;
}

/** Something the script cannot fully remove, that a reboot clears (or that comes back unless disabled). */
export interface RebootItem {
  ruleIds: string[];
  kind: CheckKind;
  target: string;
  why: string;
  /** How the script checks at the end whether it is still there. */
  check?: { type: 'path' | 'link'; value: string };
}

/** Commands the rules suggest that the script does not run (cluster objects, shell syntax), shown for a person. */
export interface ManualItem {
  ruleIds: string[];
  target: string;
  commands: string[];
  why: string;
}

export interface FixPlan {
  host: HostIdentity;
  tool: ScanResult['tool'];
  scanStartedAt: string;
  scanFinishedAt: string;
  verdict: Verdict;
  counts: { rules: number; found: number; clean: number; unchecked: number; findings: number };
  /** Rules that could not be checked: the plan cannot fix what the scan could not see. */
  unchecked: Array<{ ruleId: string; reason: string }>;
  steps: FixStep[];
  refused: Refusal[];
  rebootOnly: RebootItem[];
  manual: ManualItem[];
}

/** Everything renderScript needs that is not in the scan. */
export interface ScriptMeta {
  /** When the script is generated (ISO 8601). */
  generatedAt: string;
  /** The version of kube-residue writing the script. */
  generatorVersion: string;
  /** Where the scan came from: `live scan` or `report <file>`. */
  source: string;
}
