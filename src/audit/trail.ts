// The audit trail every machine report carries: which tool build ran which rule packs (by content hash) with
// which selection, which waivers it applied and who owns them, the user's labels, when, as whom, on which host.
// Pure: the facts come from the scan result and the caller (hardware.ts).
import type { AuditTrail, ScanResult } from '../model/result.js';
import type { HardwareFacts } from './hardware.js';

export interface AuditInputs {
  labels: Record<string, string>;
  cluster: boolean;
  bundled: boolean;
  commit?: string;
  nodeVersion: string;
  uid?: number;
  hardware?: HardwareFacts;
}

export function auditTrail(result: ScanResult, inputs: AuditInputs): AuditTrail {
  const waivers = (result.waivers?.applied ?? []).map((w) => ({
    rule: w.rule,
    ...(w.target !== undefined ? { target: w.target } : {}),
    ...(w.approver !== undefined ? { approver: w.approver } : {}),
    ...(w.ticket !== undefined ? { ticket: w.ticket } : {}),
    expires: w.expires,
    matched: w.matched,
  }));
  const s = result.selection;
  return {
    tool: { name: 'kube-residue', version: result.tool.version, build: { node: inputs.nodeVersion, bundled: inputs.bundled, ...(inputs.commit ? { commit: inputs.commit } : {}) } },
    rulePacks: result.ruleFiles.map((f) => ({ pack: f.pack, file: f.file, builtin: f.builtin, rules: f.rules, sha256: f.sha256 ?? 'unknown' })),
    selection: { profile: s.profile, tags: s.tags, rules: s.rules, skip: s.skip, cluster: inputs.cluster, root: result.host.root, failOn: s.failOn, allowUnchecked: s.allowUnchecked },
    waivers,
    labels: inputs.labels,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    ranAsRoot: inputs.uid === 0,
    ...(inputs.uid !== undefined ? { uid: inputs.uid } : {}),
    host: {
      hostname: result.host.hostname,
      ...(result.host.machineId ? { machineId: result.host.machineId } : {}),
      ...(result.host.bootId ? { bootId: result.host.bootId } : {}),
      os: result.host.os,
      kernel: result.host.kernel,
    },
    ...(inputs.hardware ?? {}),
  };
}
