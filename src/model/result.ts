// The scan result: the one structure every reporter (table, JSON, SARIF, JUnit, Markdown, HTML) and the fix
// planner read. Its JSON form is the versioned report contract (src/schema/report-schema.ts; shipped as dist/schema/report.schema.json).
import type { CheckKind, Profile, ProfileSelector, RebootClears, RuleSource, Severity } from './rule.js';

/** 1.1 added waivers, baselines, the audit trail, the content digest, blocksJoin and the `waived` status. */
export const REPORT_SCHEMA_VERSION = '1.1';

/** `waived`: every finding of the rule is covered by a waiver (src/waivers); it never fails the run. */
export type RuleStatus = 'found' | 'clean' | 'unchecked' | 'waived';
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
  /** Set when a waiver (--waivers) accepts this finding: it is still reported, but never fails the run. */
  waiver?: AppliedWaiver;
}

export interface FindingProvenance {
  owners: string[];
  unowned: string[];
}

/** The waiver that accepted a finding, as recorded in the report for an auditor. */
export interface AppliedWaiver {
  justification: string;
  /** YYYY-MM-DD: the waiver applies through the end of this day (UTC). */
  expires: string;
  approver?: string;
  ticket?: string;
  /** Where the waiver is written: `file:line`. */
  source: string;
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
  /** Why a finding of this rule blocks a (re-)join (pre-join rules); see `kube-residue gate`. */
  blocksJoin?: string;
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
  /** /proc/sys/kernel/random/boot_id of the running host (not under --root). */
  bootId?: string;
}

export type SeverityCounts = Record<Severity, number>;

export interface ScanSummary {
  rules: number;
  found: number;
  clean: number;
  unchecked: number;
  findings: number;
  /** Findings accepted by a waiver (not counted in `findings` or `bySeverity`). */
  waived?: number;
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
  /** sha256 of the rule file's bytes, so an auditor can prove which rules ran. */
  sha256?: string;
}

export interface ScanResult {
  /** What this tool writes is REPORT_SCHEMA_VERSION; a saved report read back (fix --from, diff) may be older. */
  schemaVersion: typeof REPORT_SCHEMA_VERSION | '1.0';
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
  /** --waivers: what was applied, what expired, what matched nothing (src/waivers). */
  waivers?: WaiverReport;
  /** --baseline: how many known findings were held back (src/baseline). */
  baseline?: { file: string; heldBack: number; rules: number };
  /** Who ran what, where and how (src/audit); in every machine-readable report. */
  audit?: AuditTrail;
  /** Content digest of the JSON report file (src/integrity); always the last field. */
  integrity?: { algorithm: 'sha256'; digest: string; covers: string };
}

/** What a waiver says, as written in a waiver file (src/waivers). */
export interface WaiverFields {
  rule: string;
  /** Glob over the finding's target, or `/regex/`; absent = every finding of the rule. */
  target?: string;
  justification: string;
  /** YYYY-MM-DD, valid through the end of that day (UTC). */
  expires: string;
  approver?: string;
  ticket?: string;
}

export interface WaiverUse extends WaiverFields {
  /** `file:line` of the waiver. */
  source: string;
  /** How many findings it accepted in this run. */
  matched: number;
}

export interface WaiverReport {
  file: string;
  /** Waivers that accepted at least one finding. */
  applied: WaiverUse[];
  /** Past their expiry date: they no longer apply, so their findings count again. */
  expired: WaiverUse[];
  /** The rule was checked but the waiver matched no finding: probably fixed, remove the waiver. */
  stale: WaiverUse[];
  /** The rule was not evaluated in this run (not selected, or unchecked): nothing to say about the waiver. */
  notEvaluated: WaiverUse[];
}

export interface AuditTrail {
  tool: { name: 'kube-residue'; version: string; build: { node: string; bundled: boolean; commit?: string; builtAt?: string } };
  /** Every rule pack that was loaded, with the sha256 of its file. */
  rulePacks: Array<{ pack: string; file: string; builtin: boolean; rules: number; sha256: string }>;
  selection: { profile: ProfileSelector; tags: string[]; rules: string[]; skip: string[]; cluster: boolean; root: string; failOn: Severity; allowUnchecked: boolean };
  /** Waivers applied, with their owners (approver, ticket). */
  waivers: Array<{ rule: string; target?: string; approver?: string; ticket?: string; expires: string; matched: number }>;
  labels: Record<string, string>;
  startedAt: string;
  finishedAt: string;
  ranAsRoot: boolean;
  uid?: number;
  host: { hostname: string; machineId?: string; bootId?: string; os: string; kernel: string };
  /** Only with --audit: hardware and virtualisation facts from systeminformation. */
  hardware?: { manufacturer: string; model: string; serial: string; uuid: string; virtual: boolean; virtualHost?: string };
  /** Only with --audit, when the hardware facts could not be had (under --root, a failure, a timeout): why. */
  hardwareUnavailable?: string;
  /** Only with --audit: systeminformation's osInfo(). */
  osInfo?: { platform: string; distro: string; release: string; codename: string; kernel: string; arch: string; hostname: string; fqdn: string; uefi?: boolean | null };
}
