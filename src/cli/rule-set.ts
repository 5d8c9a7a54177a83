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

/**
 * The user's rule files (--rules, or `rules validate`) beside the rules already loaded: every problem a scan would
 * refuse them for, formatted with file, line, rule and field. `rules validate` and `scan` share this verdict.
 */
export async function loadUserRules(args: readonly string[], builtin: readonly Rule[]): Promise<{ rules: Rule[]; files: RuleFileInfo[]; problems: string[] }> {
  // Only a scan with user rules pays for the YAML parser and the schema compiler.
  const { expandRuleArgs, formatProblem, loadRuleFiles } = await import('../rules/load.js');
  const paths = expandRuleArgs(args);
  if (paths.length === 0) throw new UsageError(`no rule files (*.yaml, *.yml) in ${args.join(', ')}`);
  const user = loadRuleFiles(paths, { builtin: false });
  const builtinIds = new Map(builtin.map((r) => [r.id, r]));
  const clash = user.rules.filter((r) => builtinIds.has(r.id));
  const problems = [
    ...user.problems.map(formatProblem),
    ...clash.map((r) => formatProblem({ file: r.source.file, line: r.source.line, ruleId: r.id, field: 'id', message: `duplicates the built-in rule ${r.id} (${builtinIds.get(r.id)?.source.file}; use --skip or --no-builtin)` })),
  ];
  return { rules: user.rules, files: user.files, problems };
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
    const user = await loadUserRules(opts.extra, rules);
    if (user.problems.length > 0) throw new UsageError(`invalid rule file${user.problems.length > 1 ? 's' : ''}:\n${user.problems.map((p) => `  ${p}`).join('\n')}`);
    rules.push(...user.rules);
    files.push(...user.files);
  }
  return { rules, files, rulesVersion };
}
