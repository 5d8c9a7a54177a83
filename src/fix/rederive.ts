// `fix --from report.json`: a report is data from elsewhere, so nothing in it is taken as a command. Every
// finding's fix commands are derived again from the rule it names (the built-in packs, or the --rules files)
// and the finding's typed values; the values must be ones the rule can have produced (a path its globs match,
// a unit it names, a process name it looks for, jumps into the chain found...). A report whose rule is unknown,
// whose values do not fit, or whose commands differ from what the rule gives is refused as a whole (exit 2):
// a plan from half a report would be worse than none.
import type { Finding, RuleResult, ScanResult } from '../model/result.js';
import type { CheckKind, CheckOf, Rule } from '../model/rule.js';
import { renderFix } from './template.js';
import { parseCommand } from './rule-commands.js';
import { displayText } from './shell-text.js';
import { kindFix, readValues } from './planners/index.js';

export class ReportMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportMismatch';
  }
}


function fitProblem<K extends CheckKind>(kind: K, check: CheckOf<K>, finding: Finding): string | undefined {
  const read = readValues(kind, finding);
  if (!read.ok) return read.problem;
  return kindFix(kind).fits(check, read.values);
}

/** The same command: the same words (quoting may differ between versions), or the same text. */
function sameCommand(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parseCommand(a);
  const pb = parseCommand(b);
  return pa.ok && pb.ok && pa.words.length === pb.words.length && pa.words.every((w, i) => w === pb.words[i]);
}

function sameCommands(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => sameCommand(x, b[i] ?? ''));
}

/**
 * The report with every finding's commands (and the rule's tags and text) taken from `rules`, or a
 * ReportMismatch listing what does not match.
 */
export function rederive(result: ScanResult, rules: readonly Rule[], ruleSource: string): ScanResult {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const problems: string[] = [];
  const results: RuleResult[] = result.results.map((rr) => {
    const rule = byId.get(rr.ruleId);
    if (!rule) {
      if (rr.status === 'found') problems.push(`rule ${rr.ruleId} is not in ${ruleSource}`);
      return rr;
    }
    if (rule.check.kind !== rr.kind) {
      problems.push(`rule ${rr.ruleId} is a ${rule.check.kind} rule in ${ruleSource}, but the report says ${rr.kind}`);
      return rr;
    }
    const findings = rr.findings.map((f, i) => {
      const where = `rule ${rr.ruleId}, finding ${i + 1} (${displayText(f.target)})`;
      if (f.kind !== rule.check.kind) {
        problems.push(`${where}: a ${f.kind} finding under a ${rule.check.kind} rule`);
        return f;
      }
      const misfit = fitProblem(rule.check.kind, rule.check, f);
      if (misfit) {
        problems.push(`${where}: its values do not fit the rule: ${displayText(misfit)}`);
        return f;
      }
      const fix = renderFix(rule.fix.commands, f.vars);
      // A report made before displayed commands spelled bytes and invisible characters with printf shows each
      // value quoted as its text: the same commands, accepted as such.
      const asShown = sameCommands(fix, f.fix) || sameCommands(renderFix(rule.fix.commands, f.vars, 'plain'), f.fix);
      if (!asShown) problems.push(`${where}: its fix commands are not what the rule gives for its values (the report was edited, or made with other rules)`);
      return { ...f, fix };
    });
    return { ...rr, tags: [...rule.tags], rebootClears: rule.rebootClears, findings };
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `  ${p}`);
    const more = problems.length > 10 ? [`  ... and ${problems.length - 10} more`] : [];
    throw new ReportMismatch(`the report does not match ${ruleSource}; no plan is written from it:\n${[...shown, ...more].join('\n')}`);
  }
  return { ...result, results };
}
