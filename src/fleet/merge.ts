// Rolls node reports into one fleet report. Pure: the same inputs give the same report (nodes and rules sorted,
// no clock), so fleet reports can be compared and kept.
import path from 'node:path';
import type { ScanResult, SeverityCounts } from '../model/result.js';
import { SEVERITIES, type Severity } from '../model/rule.js';
import { FLEET_SCHEMA_VERSION, type FleetNode, type FleetReport, type FleetRuleTotal, type NodeReport } from './model.js';

export type NameFrom = 'hostname' | 'file';

export interface MergeOptions {
  /** Name nodes by the hostname in their report (default) or by their report file's name (`node1.json` → node1). */
  nameFrom: NameFrom;
  /** Nodes that have no report (unreachable, scan failed): listed as not checked. */
  missing: readonly string[];
  toolVersion: string;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function zeroCounts(): SeverityCounts {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
}

export function fileStem(file: string): string {
  return path.basename(file).replace(/\.json$/i, '');
}

/** Node names, unique: a repeated hostname gets its file name added, then a counter. */
function nodeNames(inputs: readonly NodeReport[], nameFrom: NameFrom): string[] {
  const base = inputs.map((i) => (nameFrom === 'file' ? fileStem(i.file) : i.report.host.hostname || fileStem(i.file)));
  const seen = new Map<string, number>();
  for (const n of base) seen.set(n, (seen.get(n) ?? 0) + 1);
  const taken = new Set<string>();
  return base.map((n, i) => {
    let name = (seen.get(n) ?? 0) > 1 && nameFrom === 'hostname' ? `${n} (${fileStem(inputs[i]!.file)})` : n;
    for (let k = 2; taken.has(name); k++) name = `${n} #${k}`;
    taken.add(name);
    return name;
  });
}

function nodeOf(name: string, input: NodeReport): FleetNode {
  const r: ScanResult = input.report;
  const found = r.results.filter((x) => x.status === 'found');
  return {
    name,
    verdict: r.verdict,
    source: input.file,
    hostname: r.host.hostname,
    os: r.host.os,
    kernel: r.host.kernel,
    arch: r.host.arch,
    scannedAt: r.finishedAt,
    toolVersion: r.tool.version,
    rulesVersion: r.tool.rulesVersion,
    failOn: r.selection.failOn,
    rulesFound: found.length,
    findings: r.summary.findings,
    bySeverity: { ...zeroCounts(), ...r.summary.bySeverity },
    unchecked: r.results.filter((x) => x.status === 'unchecked').map((x) => ({ ruleId: x.ruleId, reason: x.reason ?? 'not checked' })),
    leftovers: found.flatMap((x) => x.findings.map((f) => ({ ruleId: x.ruleId, severity: x.severity, target: f.target }))),
  };
}

function missingNode(name: string): FleetNode {
  return {
    name,
    verdict: 'missing',
    rulesFound: 0,
    findings: 0,
    bySeverity: zeroCounts(),
    unchecked: [{ ruleId: '*', reason: 'no report from this node' }],
    leftovers: [],
  };
}

export function mergeReports(inputs: readonly NodeReport[], opts: MergeOptions): FleetReport {
  const names = nodeNames(inputs, opts.nameFrom);
  const nodes: FleetNode[] = inputs.map((input, i) => nodeOf(names[i]!, input));
  const present = new Set(names);
  for (const m of opts.missing) if (!present.has(m)) nodes.push(missingNode(m));
  nodes.sort((a, b) => byText(a.name, b.name));

  const rules = new Map<string, FleetRuleTotal>();
  for (const [i, input] of inputs.entries()) {
    for (const r of input.report.results) {
      if (r.status !== 'found' || r.findings.length === 0) continue;
      const total = rules.get(r.ruleId) ?? { ruleId: r.ruleId, title: r.title, severity: r.severity, kind: r.kind, nodes: [], findings: 0 };
      total.nodes.push(names[i]!);
      total.findings += r.findings.length;
      rules.set(r.ruleId, total);
    }
  }
  const ruleTotals = [...rules.values()]
    .map((t) => ({ ...t, nodes: [...t.nodes].sort(byText) }))
    .sort((a, b) => b.nodes.length - a.nodes.length || SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || byText(a.ruleId, b.ruleId));

  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s: Severity) => [s, { findings: nodes.reduce((n, x) => n + x.bySeverity[s], 0), nodes: nodes.filter((x) => x.bySeverity[s] > 0).length }]),
  ) as FleetReport['bySeverity'];
  const count = (v: FleetNode['verdict']): number => nodes.filter((n) => n.verdict === v).length;
  const counts = { nodes: nodes.length, clean: count('clean'), residue: count('residue'), unchecked: count('unchecked'), missing: count('missing') };
  const scanTimes = nodes.map((n) => n.scannedAt).filter((t): t is string => t !== undefined).sort(byText);
  const latest = scanTimes[scanTimes.length - 1];

  return {
    schemaVersion: FLEET_SCHEMA_VERSION,
    tool: { name: 'kube-residue', version: opts.toolVersion },
    ...(latest !== undefined ? { latestScanAt: latest } : {}),
    verdict: counts.residue > 0 ? 'residue' : counts.unchecked > 0 || counts.missing > 0 ? 'unchecked' : 'clean',
    counts,
    bySeverity,
    rules: ruleTotals,
    nodes,
    notChecked: nodes
      .filter((n) => n.verdict === 'unchecked' || n.verdict === 'missing')
      .map((n) => ({ node: n.name, verdict: n.verdict, reasons: [...new Set(n.unchecked.map((u) => u.reason))] })),
  };
}
