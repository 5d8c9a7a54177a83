// The snapshot file (kube-residue snapshot -o node.json.gz): every probe's raw facts from one host, gathered for
// all built-in rules (plus any --rules), with the checks each probe gathered for, so that `scan --from` can
// evaluate any rule set later, elsewhere — and knows which rules it cannot answer (those are unchecked).
import type { HostIdentity } from '../model/result.js';
import type { Check, CheckKind } from '../model/rule.js';

export const SNAPSHOT_FORMAT = 'kube-residue-snapshot';
/** Bumped when a reader of an older version could misread the file; readers refuse newer versions. */
export const SNAPSHOT_VERSION = 1;

export type ProbeRecord =
  | {
      probe: string;
      ok: true;
      /** The checks the probe gathered for. A check not among them was not looked for (unless requestIndependent). */
      requests: Check[];
      /** The probe reads the same whatever the checks ask (its gather takes no requests). */
      requestIndependent: boolean;
      /** The facts, encoded by src/snapshot/codec.ts. */
      facts: unknown;
      durationMs: number;
    }
  | { probe: string; ok: false; requests: Check[]; requestIndependent: boolean; reason: string; durationMs: number };

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  tool: { name: 'kube-residue'; version: string; rulesVersion: string };
  createdAt: string;
  host: HostIdentity;
  /** What the checks' comparisons need to know about the host besides the facts. */
  context: { root: string; onHost: boolean; varRunIsRun: boolean; timeoutMs: number };
  probes: Partial<Record<CheckKind, ProbeRecord>>;
  /**
   * The facts behind rules' conditions (package provenance, file contents) for every match the snapshot's rules
   * had, keyed by path and condition; absent when no rule with conditions matched anything.
   */
  conditions?: { ok: true; facts: unknown; database: string } | { ok: false; reason: string };
}
