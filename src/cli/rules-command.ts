// `kube-residue rules list|show|validate`: browse the rule packs and check user rule files.
import type { ProfileSelector, Rule } from '../model/rule.js';
import { UsageError } from './errors.js';
import { ruleInProfile } from '../rules/profile.js';
import { loadRuleSet } from './rule-set.js';

export interface RuleSourceOptions {
  rules: string[];
  builtin: boolean;
}

function kindsOf(r: Rule): string {
  return r.check.kind;
}

export async function rulesListCommand(opts: RuleSourceOptions & { format: string; tag: string[]; profile?: string }): Promise<number> {
  const { rules } = await loadRuleSet({ builtin: opts.builtin, extra: opts.rules });
  let list = [...rules].sort((a, b) => (a.id < b.id ? -1 : 1));
  if (opts.tag.length > 0) list = list.filter((r) => r.tags.some((t) => opts.tag.includes(t)));
  if (opts.profile) list = list.filter((r) => ruleInProfile(r, opts.profile as ProfileSelector));
  if (opts.format === 'json') {
    const rows = list.map((r) => ({ id: r.id, severity: r.severity, kinds: [kindsOf(r)], tags: r.tags, profiles: r.profiles, pack: r.pack, title: r.title }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (opts.format !== 'table') throw new UsageError(`unknown format "${opts.format}" (table, json)`);
  // Loaded here, not at start-up: every other command (a scan above all) would pay for it.
  const Table = (await import('cli-table3')).default;
  const table = new Table({ head: ['ID', 'Severity', 'Kind', 'Tags', 'Title'], style: { head: [], border: [] }, wordWrap: true, colWidths: [42, 10, 14, 34, 50] });
  for (const r of list) table.push([r.id, r.severity, kindsOf(r), r.tags.join(', '), r.title]);
  process.stdout.write(`${table.toString()}\n${list.length} rules\n`);
  return 0;
}

export async function rulesShowCommand(id: string, opts: RuleSourceOptions & { format: string }): Promise<number> {
  const { rules } = await loadRuleSet({ builtin: opts.builtin, extra: opts.rules });
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw new UsageError(`unknown rule id: ${id}`);
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify(rule, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${rule.id} — ${rule.title}`,
    `severity:      ${rule.severity}`,
    `pack:          ${rule.pack} (${rule.source.file}:${rule.source.line})`,
    `profiles:      ${rule.profiles.join(', ') || '(all only)'}`,
    `tags:          ${rule.tags.join(', ')}`,
    `reboot clears: ${String(rule.rebootClears)}`,
    '',
    rule.description,
    '',
    'check:',
    ...JSON.stringify(rule.check, null, 2)
      .split('\n')
      .map((l) => `  ${l}`),
    '',
    'fix (templates; {{var}} is filled with a shell-quoted value from each finding):',
    ...rule.fix.commands.map((c) => `  ${c}`),
    ...(rule.fix.note ? ['', `note: ${rule.fix.note}`] : []),
    '',
    'references:',
    ...rule.references.map((r) => `  ${r}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export async function rulesValidateCommand(files: string[]): Promise<number> {
  const { expandRuleArgs, formatProblem, loadRuleFiles } = await import('../rules/load.js');
  const loaded = loadRuleFiles(expandRuleArgs(files), { builtin: false });
  if (loaded.problems.length > 0) {
    process.stderr.write(`${loaded.problems.map(formatProblem).join('\n')}\n`);
    return 2;
  }
  for (const f of loaded.files) process.stdout.write(`ok ${f.file}: pack ${f.pack}, ${f.rules} rule${f.rules === 1 ? '' : 's'}\n`);
  return 0;
}
