// `kube-residue rules list|show|validate`: browse the rule packs and check user rule files.
import type { ProfileSelector, Rule } from '../model/rule.js';
import { multiLine, oneLine } from '../display-text.js';
import { UsageError } from './errors.js';
import { ruleInProfile } from '../rules/profile.js';
import { loadRuleSet, loadUserRules } from './rule-set.js';

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
  const table = new Table({ head: ['ID', 'Severity', 'Kind', 'Tags', 'Title'], style: { head: [], border: [] }, wordWrap: true, wrapOnWordBoundary: false, colWidths: listColumnWidths(terminalColumns()) });
  for (const r of list) table.push([r.id, r.severity, kindsOf(r), r.tags.join(', '), oneLine(r.title)]);
  process.stdout.write(`${table.toString()}\n${list.length} rule${list.length === 1 ? '' : 's'}\n`);
  return 0;
}

/** The terminal's width, or $COLUMNS when standard output is not a terminal, else 160. */
function terminalColumns(): number {
  const env = Number(process.env.COLUMNS);
  return process.stdout.columns || (Number.isInteger(env) && env > 0 ? env : 160);
}

/** Column widths (padding included) whose sum plus the 6 border characters fits in `columns`. */
export function listColumnWidths(columns: number): number[] {
  const usable = Math.max(60, columns) - 6;
  const severity = 10;
  const kind = 14;
  const id = Math.min(42, Math.max(12, Math.floor((usable - severity - kind) * 0.36)));
  const rest = usable - severity - kind - id;
  const tags = Math.max(8, Math.floor(rest * 0.4));
  return [id, severity, kind, tags, Math.max(8, rest - tags)];
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
    ...(rule.blocksJoin ? [`blocks a join (kube-residue gate): ${rule.blocksJoin}`, ''] : []),
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
  // A user's rule file is text from elsewhere: its invisible characters are shown, not sent to the terminal.
  process.stdout.write(`${multiLine(lines.join('\n'))}\n`);
  return 0;
}

/** The same verdict a scan would give these files: schema, regexes, templates, duplicate ids, built-in clashes. */
export async function rulesValidateCommand(files: string[], opts: { builtin: boolean }): Promise<number> {
  const builtin = opts.builtin ? (await loadRuleSet({ builtin: true, extra: [] })).rules : [];
  const loaded = await loadUserRules(files, builtin);
  if (loaded.problems.length > 0) {
    process.stderr.write(`${loaded.problems.join('\n')}\n`);
    return 2;
  }
  for (const f of loaded.files) process.stdout.write(`ok ${f.file}: pack ${f.pack}, ${f.rules} rule${f.rules === 1 ? '' : 's'}\n`);
  return 0;
}
