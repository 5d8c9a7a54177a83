// The rules a command works with: built-in packs (unless --no-builtin) plus the user's --rules files. Any
// problem in any file stops the command with exit 2 and every problem listed.
import type { Rule } from '../model/rule.js';
import type { RuleFileInfo } from '../model/result.js';
import { loadBuiltinRules } from '../rules/builtin.js';
import { UsageError } from './errors.js';

export interface RuleSet {
  rules: Rule[];
  files: RuleFileInfo[];
  rulesVersion: string;
}

export async function loadRuleSet(opts: { builtin: boolean; extra: readonly string[] }): Promise<RuleSet> {
  const rules: Rule[] = [];
  const files: RuleFileInfo[] = [];
  let rulesVersion = 'none';
  if (opts.builtin) {
    const b = await loadBuiltinRules();
    if (b.loaded.problems.length > 0) throw new UsageError(`built-in rules are invalid:\n${b.loaded.problems.map((p) => `  ${p.file}:${p.line ?? ''} ${p.message}`).join('\n')}`);
    rules.push(...b.loaded.rules);
    files.push(...b.loaded.files);
    rulesVersion = b.rulesVersion;
  }
  if (opts.extra.length > 0) {
    // Only a scan with user rules pays for the YAML parser and the schema compiler.
    const { expandRuleArgs, formatProblem, loadRuleFiles } = await import('../rules/load.js');
    const paths = expandRuleArgs(opts.extra);
    if (paths.length === 0) throw new UsageError(`no rule files (*.yaml, *.yml) in ${opts.extra.join(', ')}`);
    const user = loadRuleFiles(paths, { builtin: false });
    const clash = user.rules.filter((r) => rules.some((b) => b.id === r.id));
    const problems = [
      ...user.problems.map(formatProblem),
      ...clash.map((r) => formatProblem({ file: r.source.file, line: r.source.line, ruleId: r.id, field: 'id', message: 'duplicates a built-in rule id (use --skip or --no-builtin)' })),
    ];
    if (problems.length > 0) throw new UsageError(`invalid rule file${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    rules.push(...user.rules);
    files.push(...user.files);
  }
  return { rules, files, rulesVersion };
}
