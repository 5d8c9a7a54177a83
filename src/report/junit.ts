// JUnit XML for CI systems (Jenkins, GitLab, Azure DevOps, CircleCI): one <testsuite> per rule pack, one <testcase>
// per rule. A found rule is a <failure> listing every leftover with its evidence and fix commands; an unchecked rule
// is <skipped> with its reason; rule-file problems are <error>s in their own suite. Every string is escaped for XML 1.0.
import type { RuleResult, ScanResult } from '../model/result.js';
import type { Reporter } from './reporter.js';
import { auditPairs, openView, waivedRows, waiverOwnerText } from './waived.js';
import { multiLine, oneLine, xmlAttr, xmlText } from './escape.js';
import { durationSeconds, partialReason, plural, rebootClearsText, sourceText } from './report-common.js';

/** The Ant JUnit schema's timestamp: `YYYY-MM-DDTHH:MM:SS`, no zone (it is UTC; the zone is in the properties). */
function junitTimestamp(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '1970-01-01T00:00:00';
  return new Date(ms).toISOString().slice(0, 19);
}

function seconds(value: number): string {
  return value.toFixed(3);
}

function attrs(pairs: Array<[string, string | number]>): string {
  return pairs.map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`).join('');
}

function failureBody(rule: RuleResult, hostname: string): string {
  const lines: string[] = [];
  lines.push(`[${rule.severity}] ${rule.ruleId}: ${oneLine(rule.title)}`);
  lines.push(`Rule: ${oneLine(sourceText(rule))} (pack ${rule.pack}, check ${rule.kind})`);
  lines.push(`${plural(rule.findings.length, 'leftover')} on ${oneLine(hostname)}:`);
  rule.findings.forEach((finding, i) => {
    lines.push('');
    lines.push(`${i + 1}. ${oneLine(finding.target)}`);
    lines.push(`   evidence: ${oneLine(finding.evidence)}`);
    lines.push(`   reboot clears: ${rebootClearsText(finding.rebootClears)}`);
    if (finding.fix.length > 0) {
      lines.push('   fix:');
      // One line per command: a newline inside a quoted value is shown as `\n` so the list stays readable.
      for (const command of finding.fix) lines.push(`     ${oneLine(command)}`);
    }
  });
  if (rule.fixNote) {
    lines.push('');
    lines.push(`Note: ${multiLine(rule.fixNote)}`);
  }
  if (rule.reason) {
    lines.push('');
    lines.push(`Only partly checked: ${oneLine(partialReason(rule))}`);
  }
  if (rule.references.length > 0) {
    lines.push('');
    lines.push('References:');
    for (const ref of rule.references) lines.push(`  ${oneLine(ref)}`);
  }
  return lines.join('\n');
}

interface Suite {
  name: string;
  rules: RuleResult[];
}

function suitesOf(result: ScanResult): Suite[] {
  const byPack = new Map<string, RuleResult[]>();
  for (const rule of result.results) {
    const list = byPack.get(rule.pack);
    if (list) list.push(rule);
    else byPack.set(rule.pack, [rule]);
  }
  return [...byPack.entries()].map(([name, rules]) => ({ name, rules }));
}

function properties(result: ScanResult, extra: Array<[string, string]>): string[] {
  const host = result.host;
  const pairs: Array<[string, string]> = [
    ['kube-residue.version', result.tool.version],
    ['kube-residue.rulesVersion', result.tool.rulesVersion],
    ['host.hostname', host.hostname],
    ['host.os', host.os],
    ['host.kernel', host.kernel],
    ['host.arch', host.arch],
    ['host.root', host.root],
    ...(host.machineId ? ([['host.machineId', host.machineId]] as Array<[string, string]>) : []),
    ['scan.startedAt', result.startedAt],
    ['scan.finishedAt', result.finishedAt],
    ['scan.profile', result.selection.profile],
    ['scan.failOn', result.selection.failOn],
    ['scan.verdict', result.verdict],
    ...auditPairs(result.audit),
    ...extra,
  ];
  return ['    <properties>', ...pairs.map(([name, value]) => `      <property${attrs([['name', name], ['value', value]])}/>`), '    </properties>'];
}

export function renderJunit(full: ScanResult): string {
  // Waived findings never fail: each rule with some gets a skipped testcase of its own, marked (waived).
  const result = openView(full);
  const waived = waivedRows(full);
  const hostname = result.host.hostname;
  const timestamp = junitTimestamp(result.startedAt);
  const out: string[] = [];
  const suites: string[][] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  let errors = 0;

  suitesOf(result).forEach((suite, index) => {
    const files = [...new Set(suite.rules.map((r) => r.source.file))];
    const body: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    let suiteWaived = 0;
    for (const rule of suite.rules) {
      const head = `    <testcase${attrs([
        ['classname', suite.name],
        ['name', `${rule.ruleId}: ${oneLine(rule.title)}`],
        ['time', seconds(0)],
      ])}`;
      if (rule.status === 'found') {
        suiteFailures += 1;
        const message = `${plural(rule.findings.length, 'leftover')}, severity ${rule.severity}`;
        body.push(`${head}>`);
        body.push(`      <failure${attrs([['message', message], ['type', rule.severity]])}>${xmlText(failureBody(rule, hostname))}</failure>`);
        body.push('    </testcase>');
      } else if (rule.status === 'unchecked') {
        suiteSkipped += 1;
        body.push(`${head}>`);
        body.push(`      <skipped${attrs([['message', oneLine(rule.reason ?? 'not checked')]])}/>`);
        body.push('    </testcase>');
      } else {
        body.push(`${head}/>`);
      }
      const accepted = waived.filter((w) => w.rule === rule.ruleId);
      if (accepted.length > 0) {
        suiteSkipped += 1;
        suiteWaived += 1;
        const text = accepted.map((w) => `${oneLine(w.target)}: ${oneLine(w.justification)} (${oneLine(waiverOwnerText(w))}; ${oneLine(w.source)})`).join('; ');
        body.push(`    <testcase${attrs([['classname', suite.name], ['name', `${rule.ruleId} (waived): ${oneLine(rule.title)}`], ['time', seconds(0)]])}>`);
        body.push(`      <skipped${attrs([['message', `waived: ${plural(accepted.length, 'finding')} accepted — ${text}`]])}/>`);
        body.push('    </testcase>');
      }
    }
    tests += suite.rules.length + suiteWaived;
    failures += suiteFailures;
    skipped += suiteSkipped;
    suites.push([
      `  <testsuite${attrs([
        ['name', suite.name],
        ['tests', suite.rules.length + suiteWaived],
        ['failures', suiteFailures],
        ['errors', 0],
        ['skipped', suiteSkipped],
        ['time', seconds(0)],
        ['timestamp', timestamp],
        ['hostname', hostname],
        ['id', index],
        ['package', 'kube-residue'],
      ])}>`,
      ...properties(result, [['pack.files', files.join(' ')]]),
      ...body,
      '  </testsuite>',
    ]);
  });


  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<testsuites${attrs([
      ['name', `kube-residue ${result.selection.profile} scan of ${oneLine(hostname)}`],
      ['tests', tests],
      ['failures', failures],
      ['errors', errors],
      ['skipped', skipped],
      ['time', seconds(durationSeconds(result.startedAt, result.finishedAt))],
      ['timestamp', timestamp],
    ])}>`,
  );
  for (const suite of suites) out.push(...suite);
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

export const junitReporter: Reporter = {
  name: 'junit',
  description: 'JUnit XML for CI test reports (Jenkins, GitLab): a test per rule, a suite per pack',
  render(result: ScanResult): string {
    return renderJunit(result);
  },
};
