// The fleet report: many nodes' scan reports (`scan --format json`) rolled into one answer — each node's verdict,
// the leftovers most common across nodes, totals by rule and severity, and the nodes that could not be checked.
// Built by mergeReports (pure); written by the fleet reporters in this folder.
import type { ScanResult, SeverityCounts, Verdict } from '../model/result.js';
import type { CheckKind, Severity } from '../model/rule.js';

export const FLEET_SCHEMA_VERSION = 'fleet-1.0';

/** A node's verdict as its own scan decided it (with its own --fail-on), or `missing`: no report to read. */
export type NodeVerdict = Verdict | 'missing';

export interface FleetFinding {
  ruleId: string;
  severity: Severity;
  target: string;
}

export interface FleetNode {
  /** The node's name in this fleet report: its hostname, or its report file's name (--name-from file). */
  name: string;
  verdict: NodeVerdict;
  /** The report file it came from (absent for a missing node). */
  source?: string;
  hostname?: string;
  os?: string;
  kernel?: string;
  arch?: string;
  scannedAt?: string;
  toolVersion?: string;
  rulesVersion?: string;
  failOn?: Severity;
  /** Rules with findings / findings in all, per severity. */
  rulesFound: number;
  findings: number;
  bySeverity: SeverityCounts;
  /** What could not be checked on this node: rule id and reason (or, for a missing node, why). */
  unchecked: Array<{ ruleId: string; reason: string }>;
  leftovers: FleetFinding[];
}

export interface FleetRuleTotal {
  ruleId: string;
  title: string;
  severity: Severity;
  kind: CheckKind;
  /** Nodes where this rule found something, by name (sorted). */
  nodes: string[];
  findings: number;
}

export interface FleetReport {
  schemaVersion: typeof FLEET_SCHEMA_VERSION;
  tool: { name: 'kube-residue'; version: string };
  /** The latest scan time among the reports: the fleet report itself has no clock. */
  latestScanAt?: string;
  verdict: NodeVerdict | 'clean';
  counts: { nodes: number; clean: number; residue: number; unchecked: number; missing: number };
  /** Findings per severity over all nodes, and how many nodes have at least one of that severity. */
  bySeverity: Record<Severity, { findings: number; nodes: number }>;
  /** Every rule that found something on some node, most widespread first. */
  rules: FleetRuleTotal[];
  nodes: FleetNode[];
  /** Nodes with verdict unchecked or missing, with their reasons. */
  notChecked: Array<{ node: string; verdict: NodeVerdict; reasons: string[] }>;
}

/** One input: a node's parsed scan report and the file it came from. */
export interface NodeReport {
  file: string;
  report: ScanResult;
}
