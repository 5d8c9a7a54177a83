// planFix: a scan result → an ordered fix plan. Pure: it reads the result and nothing else, so the same report
// always gives the same plan. Each finding's values are read into its kind's typed shape (values.ts), each
// kind's planner (planners/) writes into one plan builder (builder.ts), and the builder orders the steps by
// phase (phases.ts). What is refused is decided in safety.ts, path collapsing in removals.ts.
// What a rule asks for comes from its fix templates and the finding's values (template.ts), never from the
// commands a report displays: those are text for a person, free to change.
import type { Finding, RuleResult, ScanResult } from '../model/result.js';
import type { CheckKind, Rule } from '../model/rule.js';
import { PlanBuilder, type Entry } from './builder.js';
import type { FixPlan } from './model.js';
import { KIND_FIXES, kindFix, readValues } from './planners/index.js';
import { planCommands } from './template.js';

/** A finding's rule's fix templates (`fix.commands`), or undefined when the rule is not known. */
export type FixTemplates = (rule: RuleResult, finding: Finding) => readonly string[] | undefined;

/** The templates of the rules a scan ran (or `fix --from` derived the report's commands from). */
export function templatesOf(rules: ReadonlyArray<Pick<Rule, 'id' | 'fix'>>): FixTemplates {
  const byId = new Map(rules.map((r) => [r.id, r.fix.commands]));
  return (rule) => byId.get(rule.ruleId);
}

const KINDS = Object.keys(KIND_FIXES) as CheckKind[];

function entriesOf(result: ScanResult, templates: FixTemplates, b: PlanBuilder): Entry[] {
  const entries: Entry[] = [];
  for (const rule of result.results) {
    if (rule.status !== 'found') continue;
    for (const finding of rule.findings) {
      // A waived finding is accepted (src/waivers): nothing to plan for it.
      if (finding.waiver) continue;
      const read = readValues(finding.kind, finding);
      const fix = templates(rule, finding);
      if (!read.ok) b.refuse({ rule, finding }, `the finding's values do not have the shape of a ${finding.kind} finding: ${read.problem}`);
      else if (fix === undefined) b.refuse({ rule, finding }, `rule ${rule.ruleId} is not among the rules loaded, so no command is derived for it`);
      else entries.push({ rule, finding, values: read.values, commands: planCommands(fix, finding.vars) });
    }
  }
  return entries;
}

function runPlanner<K extends CheckKind>(kind: K, entries: readonly Entry[], b: PlanBuilder): void {
  // entriesOf read each finding's values for the finding's own kind, so these are Entry<K>.
  kindFix(kind).plan(entries.filter((e) => e.finding.kind === kind) as unknown as Array<Entry<K>>, b);
}

/** Builds the ordered plan; `templates` gives each finding's rule's fix templates. */
export function planFix(result: ScanResult, templates: FixTemplates): FixPlan {
  const b = new PlanBuilder();
  const entries = entriesOf(result, templates, b);
  for (const kind of KINDS) runPlanner(kind, entries, b);
  // A kind this version has no planner for (a newer report): shown for a person, never run.
  for (const e of entries.filter((x) => !(x.finding.kind in KIND_FIXES))) b.toManual(e, e.commands.map((c) => c.display), `kind ${e.finding.kind} is not planned by this version`);
  return b.finish(result, entries);
}
