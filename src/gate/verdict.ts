// The gate's verdict for a node about to (re-)join a cluster, from a pre-join scan: every finding of a rule that
// states why it blocks a join (`blocksJoin`) is a blocker; every such rule that could not be checked is an
// unchecked blocker (blocking unless allowed). Findings of pre-join rules without `blocksJoin` are listed as
// advisories: worth cleaning, but no join fails on them. Pure: the scan result in, the verdict out.
import type { ScanResult } from '../model/result.js';
import type { Severity } from '../model/rule.js';
import { isConfigOf } from './cni.js';

/** The rule whose findings are files in /etc/cni/net.d; `--cni` decides which of them block. */
export const CNI_CONFIG_RULE = 'kubernetes-cni-net-d';

/** The files a runtime loads as network config (libcni's ConfFiles: .conf, .conflist, .json); a lock file or a
 * kubeconfig next to them configures nothing, so it cannot send pods to the wrong plugin. */
function isCniConfigFile(path: string): boolean {
  return /\.(conf|conflist|json)$/.test(path);
}

export interface GateBlocker {
  rule: string;
  title: string;
  severity: Severity;
  /** The leftover: path, `<proto>/<port>`, `<comm>[<pid>]`... */
  target: string;
  evidence: string;
  /** Why it blocks a join (the rule's blocksJoin). */
  why: string;
  /** Fix commands: text for a person, never run. */
  fix: string[];
  fixNote?: string;
}

export interface GateUnchecked {
  rule: string;
  title: string;
  reason: string;
  why: string;
}

export interface GateAdvisory {
  rule: string;
  title: string;
  target: string;
}

export interface GateVerdict {
  ready: boolean;
  blockers: GateBlocker[];
  unchecked: GateUnchecked[];
  /** CNI files of the --cni plugin, which its installer rewrites: not blockers. */
  allowedCniConfig: string[];
  advisories: GateAdvisory[];
  allowUnchecked: boolean;
  cni?: string;
}

export function gateVerdict(result: ScanResult, opts: { cni?: string; allowUnchecked: boolean }): GateVerdict {
  const blockers: GateBlocker[] = [];
  const unchecked: GateUnchecked[] = [];
  const advisories: GateAdvisory[] = [];
  const allowedCniConfig: string[] = [];
  for (const r of result.results) {
    if (!r.blocksJoin) {
      for (const f of r.findings) advisories.push({ rule: r.ruleId, title: r.title, target: f.target });
      continue;
    }
    if (r.status === 'unchecked') {
      unchecked.push({ rule: r.ruleId, title: r.title, reason: r.reason ?? 'no reason given', why: r.blocksJoin });
      continue;
    }
    for (const f of r.findings) {
      if (r.ruleId === CNI_CONFIG_RULE && !isCniConfigFile(f.target)) {
        advisories.push({ rule: r.ruleId, title: r.title, target: f.target });
        continue;
      }
      if (r.ruleId === CNI_CONFIG_RULE && opts.cni !== undefined && isConfigOf(opts.cni, f.target)) {
        allowedCniConfig.push(f.target);
        continue;
      }
      blockers.push({ rule: r.ruleId, title: r.title, severity: r.severity, target: f.target, evidence: f.evidence, why: r.blocksJoin, fix: f.fix, ...(r.fixNote ? { fixNote: r.fixNote } : {}) });
    }
    // Found, but part of what the rule looks at could not be read: that part is unchecked too.
    if (r.status === 'found' && r.reason?.startsWith('partly unchecked')) {
      unchecked.push({ rule: r.ruleId, title: r.title, reason: r.reason, why: r.blocksJoin });
    }
  }
  const ready = blockers.length === 0 && (unchecked.length === 0 || opts.allowUnchecked);
  return { ready, blockers, unchecked, allowedCniConfig, advisories, allowUnchecked: opts.allowUnchecked, ...(opts.cni ? { cni: opts.cni } : {}) };
}
