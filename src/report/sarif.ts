// SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer). One run per scan, one result per finding.
//
// Host leftovers are not source files, but GitHub rejects a file in which any result lacks a physical location. So
// each result's physical location is the rule's definition in its rule pack (built-in packs relative to the
// kube-residue package, user packs relative to the checkout), and the real host object is the result's logical
// location (`kind: resource`, fully qualified as `<hostname>:<target>`).
import { createHash } from 'node:crypto';
import type {
  ArtifactLocation,
  Invocation,
  Location,
  Log,
  Notification,
  ReportingDescriptor,
  Result,
  Run,
} from 'sarif';
import { KIND_META } from '../checks/kinds.js';
import type { SarifPrecision } from '../checks/kind.js';
import type { CheckKind } from '../model/rule.js';
import type { Finding, RuleResult, ScanResult } from '../model/result.js';
import { mostSevereFirst } from '../model/severity.js';
import type { RenderOptions, Reporter } from './reporter.js';
import { openView, waivedRows } from './waived.js';
import { mdCode, mdFence, mdParagraph, mdText, multiLine, oneLine, uriPath } from './escape.js';
import {
  isoUtc,
  partialReason,
  probeNotes,
  rebootClearsText,
  sarifLevel,
  securitySeverity,
} from './report-common.js';

/** What GitHub code scanning accepts (hard limits; beyond them it rejects the whole file). */
export interface SarifLimits {
  runsPerFile: number;
  resultsPerRun: number;
  rulesPerRun: number;
  tagsPerRule: number;
  locationsPerResult: number;
}

export const GITHUB_SARIF_LIMITS: Readonly<SarifLimits> = {
  runsPerFile: 20,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  tagsPerRule: 20,
  locationsPerResult: 1_000,
};

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** The base for built-in rule packs: the installed kube-residue package (its `rules/` folder). */
export const PACKAGE_BASE_ID = 'KUBE_RESIDUE_PACKAGE';
/** The base for user rule files given by a relative path: the directory the scan ran in (the checkout in CI). */
export const SRCROOT_BASE_ID = '%SRCROOT%';

/** The partialFingerprints key; bump the version if what goes into the hash ever changes. */
export const FINGERPRINT_KEY = 'kubeResidueFinding/v1';

/** Notification descriptors, in `tool.driver.notifications` order. */
const NOTIFICATIONS = [
  { id: 'unchecked-rule', text: 'A rule could not be checked on this host; its absence of findings proves nothing.' },
  { id: 'partial-check', text: 'A rule could check only part of what it covers on this host.' },
  { id: 'probe-problem', text: 'A probe failed or could see only part of the host.' },
  { id: 'results-truncated', text: "Results were cut to stay within GitHub code scanning's limits." },
  { id: 'waived-omitted', text: 'Findings accepted by a waiver were left out of this log (--sarif-waived omit).' },
] as const;
type NotificationId = (typeof NOTIFICATIONS)[number]['id'];

function descriptorRef(id: NotificationId): { id: string; index: number } {
  return { id, index: NOTIFICATIONS.findIndex((n) => n.id === id) };
}

/** How sure a match is that the object is residue of the cluster: the kind's own; `high` for a kind this build does not know. */
function precision(kind: string): SarifPrecision {
  return Object.hasOwn(KIND_META, kind) ? KIND_META[kind as CheckKind].sarifPrecision : 'high';
}

/** `rules/kubeadm.yaml` (built-in) → package-relative; `./site/x.yaml` → checkout-relative; `/etc/x.yaml` → file URI. */
export function ruleFileLocation(file: string, builtin: boolean, pack: string): ArtifactLocation {
  const path = file.trim().length > 0 ? file.trim() : `rules/${pack}.yaml`;
  if (path.startsWith('/')) return { uri: `file://${uriPath(path)}` };
  const relative = path.replace(/^(\.\/)+/, '');
  return { uri: uriPath(relative), uriBaseId: builtin || file.trim().length === 0 ? PACKAGE_BASE_ID : SRCROOT_BASE_ID };
}

function ruleLocation(rule: RuleResult): Location['physicalLocation'] {
  return {
    artifactLocation: ruleFileLocation(rule.source.file, rule.source.builtin, rule.pack),
    region: { startLine: Number.isInteger(rule.source.line) && rule.source.line >= 1 ? rule.source.line : 1 },
  };
}

/** Stable across runs: the rule, the host object and the host; nothing that changes between scans. */
export function findingFingerprint(ruleId: string, target: string, hostname: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${target}\u0000${hostname}`, 'utf8').digest('hex');
}

/** A segment of `automationDetails.id`: no `/` (it separates category from run id), nothing invisible. */
function idSegment(text: string, fallback: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned.length > 0 ? cleaned : fallback;
}

/** `kube-residue/<profile>/<hostname>/`: the trailing slash makes the whole id the category, one per node. */
export function automationId(result: ScanResult): string {
  return `kube-residue/${idSegment(result.selection.profile, 'all')}/${idSegment(result.host.hostname, 'unknown-host')}/`;
}

/** `Kubelet state directory left` → `KubeletStateDirectoryLeft`: SARIF's human-readable rule name. */
function pascalName(title: string, fallback: string): string {
  const name = title
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return name.length > 0 ? name : fallback;
}

function httpUrl(candidate: string): string | undefined {
  if (!/^https?:\/\/[^\s<>"]+$/.test(candidate)) return undefined;
  try {
    new URL(candidate);
    return candidate;
  } catch {
    return undefined;
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Fix commands for a rule on this host: every finding's commands, de-duplicated, in order. */
function ruleCommands(rule: RuleResult): string[] {
  return unique(rule.findings.flatMap((f) => f.fix));
}

const HELP_COMMAND_LIMIT = 50;

function helpText(rule: RuleResult, hostname: string): string {
  const parts: string[] = [rule.description.trim().length > 0 ? rule.description.trim() : rule.title];
  parts.push(
    `Severity: ${rule.severity}. Check: ${rule.kind}. Pack: ${rule.pack}. Reboot clears: ${rebootClearsText(rule.rebootClears)}.`,
  );
  if (rule.fixNote) parts.push(`How to fix: ${rule.fixNote}`);
  const commands = ruleCommands(rule);
  if (commands.length > 0) {
    const shown = commands.slice(0, HELP_COMMAND_LIMIT).map((c) => `  ${multiLine(c)}`);
    if (commands.length > shown.length) shown.push(`  ... ${commands.length - shown.length} more in the results' properties.fix`);
    parts.push(`Fix commands for the leftovers found on ${oneLine(hostname)} (text to review, never run blindly):\n${shown.join('\n')}`);
  }
  if (rule.references.length > 0) parts.push(`References:\n${rule.references.map((r) => `  ${oneLine(r)}`).join('\n')}`);
  parts.push(`Defined in ${oneLine(rule.source.file)}, line ${rule.source.line}.`);
  return parts.join('\n\n');
}

function helpMarkdown(rule: RuleResult, hostname: string): string {
  const parts: string[] = [mdParagraph(rule.description.trim().length > 0 ? rule.description.trim() : rule.title)];
  parts.push(
    `**Severity:** ${rule.severity} · **Check:** ${mdCode(rule.kind)} · **Pack:** ${mdCode(rule.pack)} · **Reboot clears:** ${mdText(rebootClearsText(rule.rebootClears))}`,
  );
  if (rule.fixNote) parts.push(`**How to fix:** ${mdParagraph(rule.fixNote)}`);
  const commands = ruleCommands(rule);
  if (commands.length > 0) {
    const shown = commands.slice(0, HELP_COMMAND_LIMIT).map((c) => multiLine(c));
    const more = commands.length - shown.length;
    parts.push(`**Fix commands for the leftovers found on ${mdCode(oneLine(hostname))}** (review before running):`);
    parts.push(mdFence(shown.join('\n'), 'sh'));
    if (more > 0) parts.push(`…and ${more} more in each result's \`properties.fix\`.`);
  }
  if (rule.references.length > 0) {
    parts.push(
      `**References:**\n${rule.references
        .map((r) => {
          const url = httpUrl(r);
          return url ? `- <${url}>` : `- ${mdCode(oneLine(r))}`;
        })
        .join('\n')}`,
    );
  }
  parts.push(`Defined in ${mdCode(oneLine(rule.source.file))}, line ${rule.source.line}.`);
  return parts.join('\n\n');
}

function descriptor(rule: RuleResult, hostname: string, limits: SarifLimits): ReportingDescriptor {
  const helpUri = rule.references.map(httpUrl).find((u): u is string => u !== undefined);
  const tags = unique(['security', 'kube-residue', rule.pack, rule.kind, ...rule.tags]).slice(0, limits.tagsPerRule);
  const out: ReportingDescriptor = {
    id: rule.ruleId,
    name: pascalName(rule.title, rule.ruleId),
    shortDescription: { text: oneLine(rule.title) },
    fullDescription: { text: rule.description.trim().length > 0 ? multiLine(rule.description.trim()) : oneLine(rule.title) },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    help: { text: helpText(rule, hostname), markdown: helpMarkdown(rule, hostname) },
  };
  if (helpUri) out.helpUri = helpUri;
  out.properties = {
    tags,
    precision: precision(rule.kind),
    'security-severity': securitySeverity(rule.severity),
    severity: rule.severity,
    pack: rule.pack,
    kind: rule.kind,
    profiles: rule.profiles,
    rebootClears: rule.rebootClears,
    references: rule.references,
    ...(rule.fixNote ? { fixNote: rule.fixNote } : {}),
  };
  return out;
}

interface Item {
  rule: RuleResult;
  ruleIndex: number;
  finding: Finding;
  order: number;
}

function resultFor(item: Item, hostname: string): Result {
  const { rule, finding } = item;
  // --sarif-waived suppress: SARIF's own record of an accepted finding (it has no expiry field: that is in properties).
  const suppressions: Result['suppressions'] = finding.waiver ? [{ kind: 'external', status: 'accepted', justification: finding.waiver.justification }] : undefined;
  const target = finding.target;
  const text = `${oneLine(rule.title)}: ${oneLine(target)} on ${oneLine(hostname)} (${oneLine(finding.evidence)})`;
  return {
    ruleId: rule.ruleId,
    ruleIndex: item.ruleIndex,
    level: sarifLevel(rule.severity),
    message: { text },
    locations: [
      {
        physicalLocation: ruleLocation(rule),
        logicalLocations: [{ name: target, fullyQualifiedName: `${hostname}:${target}`, kind: 'resource' }],
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(rule.ruleId, target, hostname) },
    properties: {
      host: hostname,
      target,
      kind: finding.kind,
      evidence: finding.evidence,
      severity: rule.severity,
      rebootClears: finding.rebootClears,
      fix: finding.fix,
      ...(rule.fixNote ? { fixNote: rule.fixNote } : {}),
      ...(finding.waiver ? { waiver: { ...finding.waiver } } : {}),
    },
    ...(suppressions ? { suppressions } : {}),
  };
}

/** Keeps the most severe findings when there are more than the limit, in their original order. */
function selectItems(items: Item[], limit: number): Item[] {
  if (items.length <= limit) return items;
  return [...items]
    .sort((a, b) => mostSevereFirst(a.rule.severity, b.rule.severity) || a.order - b.order)
    .slice(0, limit)
    .sort((a, b) => a.order - b.order);
}

function notification(id: NotificationId, level: Notification['level'], text: string, extra: Partial<Notification> = {}): Notification {
  return { descriptor: descriptorRef(id), level, message: { text }, ...extra };
}

/** The SARIF log as an object (exported for tests and for callers that merge logs). */
export function buildSarif(full: ScanResult, limits: SarifLimits = GITHUB_SARIF_LIMITS, waived: 'omit' | 'suppress' = 'omit'): Log {
  // Waived findings are left out by default: GitHub code scanning has not been shown to honour SARIF suppressions,
  // so a suppressed result could still open an alert. `suppress` keeps them, each with a suppression.
  const result = waived === 'omit' ? openView(full) : full;
  const omitted = waived === 'omit' ? waivedRows(full).length : 0;
  const hostname = result.host.hostname;
  // Rule ids are unique in a scan; should one repeat, the first definition is the one results point at.
  const rules: RuleResult[] = result.results.slice(0, limits.rulesPerRun);
  const indexOf = new Map<string, number>();
  rules.forEach((rule, i) => {
    if (!indexOf.has(rule.ruleId)) indexOf.set(rule.ruleId, i);
  });

  const items: Item[] = [];
  for (const rule of rules) {
    const ruleIndex = indexOf.get(rule.ruleId) ?? 0;
    for (const finding of rule.findings) items.push({ rule: rules[ruleIndex] ?? rule, ruleIndex, finding, order: items.length });
  }
  const droppedRules = result.results.length - rules.length;
  const droppedRuleFindings = result.results.slice(rules.length).reduce((n, r) => n + r.findings.length, 0);
  const kept = selectItems(items, limits.resultsPerRun);
  const totalFindings = items.length + droppedRuleFindings;

  const execution: Notification[] = [];
  rules.forEach((rule, index) => {
    if (rule.status === 'unchecked') {
      execution.push(
        notification('unchecked-rule', 'warning', `Rule ${rule.ruleId} (${oneLine(rule.title)}) was not checked: ${oneLine(rule.reason ?? 'no reason given')}`, {
          associatedRule: { id: rule.ruleId, index: indexOf.get(rule.ruleId) ?? index },
        }),
      );
    } else if (rule.reason) {
      execution.push(
        notification('partial-check', 'note', `Rule ${rule.ruleId} (${oneLine(rule.title)}) was only partly checked: ${oneLine(partialReason(rule))}`, {
          associatedRule: { id: rule.ruleId, index: indexOf.get(rule.ruleId) ?? index },
        }),
      );
    }
  });
  for (const probe of probeNotes(result)) {
    execution.push(
      notification('probe-problem', probe.ok ? 'note' : 'warning', `Probe ${oneLine(probe.probe)} ${probe.ok ? 'saw only part of the host' : 'failed'}: ${oneLine(probe.note)}`),
    );
  }
  if (omitted > 0) {
    execution.push(
      notification('waived-omitted', 'note', `${omitted} waived finding${omitted === 1 ? '' : 's'} left out of this SARIF log (--sarif-waived omit); the JSON, HTML and Markdown reports list them with their waivers.`),
    );
  }
  const truncated = kept.length < totalFindings;
  if (truncated) {
    execution.push(
      notification(
        'results-truncated',
        'warning',
        `Only ${kept.length} of ${totalFindings} findings are included (GitHub accepts at most ${limits.resultsPerRun} results per run); the most severe were kept. See the JSON or HTML report for all of them.`,
      ),
    );
  }
  if (droppedRules > 0) {
    execution.push(
      notification('results-truncated', 'warning', `Only ${rules.length} of ${result.results.length} rules are included (GitHub accepts at most ${limits.rulesPerRun} rules per run).`),
    );
  }

  const invocation: Invocation = { executionSuccessful: true };
  const start = isoUtc(result.startedAt);
  const end = isoUtc(result.finishedAt);
  if (start) invocation.startTimeUtc = start;
  if (end) invocation.endTimeUtc = end;
  invocation.machine = hostname;
  invocation.toolExecutionNotifications = execution;
  invocation.toolConfigurationNotifications = [];

  const baseIds = new Set<string>();
  for (const rule of rules) {
    const base = ruleFileLocation(rule.source.file, rule.source.builtin, rule.pack).uriBaseId;
    if (base) baseIds.add(base);
  }
  const originalUriBaseIds: NonNullable<Run['originalUriBaseIds']> = {};
  if (baseIds.has(PACKAGE_BASE_ID)) {
    originalUriBaseIds[PACKAGE_BASE_ID] = {
      description: { text: `The installed kube-residue ${result.tool.version} package; built-in rule packs are in its rules/ folder (rules ${result.tool.rulesVersion}).` },
    };
  }
  if (baseIds.has(SRCROOT_BASE_ID)) {
    originalUriBaseIds[SRCROOT_BASE_ID] = { description: { text: 'The directory kube-residue ran in (the repository checkout in CI); user rule files given by relative path.' } };
  }

  const run: Run = {
    tool: {
      driver: {
        name: 'kube-residue',
        version: result.tool.version,
        ...(/^\d+\.\d+\.\d+/.test(result.tool.version) ? { semanticVersion: result.tool.version } : {}),
        rules: rules.map((rule) => descriptor(rule, hostname, limits)),
        notifications: NOTIFICATIONS.map((n) => ({ id: n.id, shortDescription: { text: n.text } })),
        properties: { rulesVersion: result.tool.rulesVersion },
      },
    },
    automationDetails: {
      id: automationId(result),
      description: { text: `kube-residue scan of ${oneLine(hostname)} (profile ${result.selection.profile})` },
    },
    invocations: [invocation],
    ...(Object.keys(originalUriBaseIds).length > 0 ? { originalUriBaseIds } : {}),
    results: kept.map((item) => resultFor(item, hostname)),
    properties: {
      verdict: result.verdict,
      host: { ...result.host },
      selection: { ...result.selection },
      summary: { ...result.summary, bySeverity: { ...result.summary.bySeverity } },
      ...(full.waivers ? { waivers: full.waivers } : {}),
      ...(full.baseline ? { baseline: full.baseline } : {}),
      ...(full.audit ? { audit: full.audit } : {}),
      ...(truncated || droppedRules > 0
        ? { truncated: { findings: totalFindings, resultsIncluded: kept.length, rules: result.results.length, rulesIncluded: rules.length } }
        : {}),
    },
  };

  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

export const sarifReporter: Reporter = {
  name: 'sarif',
  description: 'SARIF 2.1.0 for GitHub code scanning (upload-sarif), one category per node',
  render(result: ScanResult, options?: RenderOptions): string {
    return `${JSON.stringify(buildSarif(result, GITHUB_SARIF_LIMITS, options?.sarifWaived ?? 'omit'), null, 2)}\n`;
  },
};
