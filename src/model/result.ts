// The scan result: the one structure every reporter (table, JSON, SARIF, JUnit, Markdown, HTML) and the fix
// planner read. Its JSON form is the versioned report contract (src/schema/report.schema.json).
import type { CheckKind, Profile, ProfileSelector, RebootClears, RuleSource, Severity } from './rule.js';

export const REPORT_SCHEMA_VERSION = '1.0';

export type RuleStatus = 'found' | 'clean' | 'unchecked';
export type Verdict = 'clean' | 'residue' | 'unchecked';

/**
 * Values a fix template may use, as the probe saw them (not yet quoted).
 * A string is one shell word; a string[] is several words; a string[][] is a list of word lists, used with
 * `{{name[]}}` to emit the command once per item (e.g. one `iptables -D` per jump into a chain).
 */
export type FixVars = Record<string, string | string[] | string[][]>;

export interface Finding {
  kind: CheckKind;
  /** The concrete leftover: host path, mount point, cgroup path, interface, `<family>/<backend>/<table>/<chain>`, unit, `<proto>/<port>`, `<comm>[<pid>]`, netns name. */
  target: string;
  /** What was seen, in one line for people. */
  evidence: string;
  rebootClears: RebootClears;
  /** Rendered fix commands: every templated value is shell-quoted. Text for a person, never run. */
  fix: string[];
  /** The raw values behind the fix, kept so a planner can order and collapse work (issue: fix plan). */
  vars: FixVars;
  /**
   * For matches of rules with package conditions: the packages owning the target, and the paths in it no
   * installed package owns unmodified. A planner removes `unowned` rather than a directory a package owns.
   */
  provenance?: FindingProvenance;
}

export interface FindingProvenance {
  owners: string[];
  unowned: string[];
}

export interface RuleResult {
  ruleId: string;
  title: string;
  severity: Severity;
  pack: string;
  kind: CheckKind;
  tags: string[];
  profiles: Profile[];
  description: string;
  rebootClears: RebootClears;
  references: string[];
  fixNote?: string;
  source: RuleSource;
  status: RuleStatus;
  /** Why a rule is unchecked, or what part of a found rule could not be checked. */
  reason?: string;
  findings: Finding[];
}

export interface HostIdentity {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  /** The filesystem root that was scanned (`/` or the `--root` directory). */
  root: string;
  machineId?: string;
}

export type SeverityCounts = Record<Severity, number>;

export interface ScanSummary {
  rules: number;
  found: number;
  clean: number;
  unchecked: number;
  findings: number;
  /** Findings per severity. */
  bySeverity: SeverityCounts;
}

export interface ProbeRun {
  probe: string;
  ok: boolean;
  durationMs: number;
  /** Why it could not run, or what it could only partly see. */
  note?: string;
}

export interface RuleFileInfo {
  file: string;
  pack: string;
  rules: number;
  builtin: boolean;
}

export interface ScanResult {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'kube-residue'; version: string; rulesVersion: string };
  host: HostIdentity;
  startedAt: string;
  finishedAt: string;
  selection: {
    profile: ProfileSelector;
    failOn: Severity;
    allowUnchecked: boolean;
    tags: string[];
    rules: string[];
    skip: string[];
  };
  verdict: Verdict;
  summary: ScanSummary;
  results: RuleResult[];
  probes: ProbeRun[];
  ruleFiles: RuleFileInfo[];
}
