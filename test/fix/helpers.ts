// Helpers for the fix plan tests: scan results built in code, and reading back what a script printed.
import { spawnSync } from 'node:child_process';
import type { Finding, RuleResult, ScanResult } from '../../src/model/result.js';
import type { CheckKind, RebootClears } from '../../src/model/rule.js';
import { templatesOf, type FixTemplates } from '../../src/fix/plan.js';
import { expandRuleArgs, loadRuleFiles } from '../../src/rules/load.js';
import { builtinRulesDir } from '../../src/package-location.js';

/**
 * For results built in code: each finding's `fix` taken as its rule's templates (literal commands, no
 * variables), so a test states the commands it plans. Tests of values in commands give real templates.
 */
export const fromFindings: FixTemplates = (_rule, finding) => finding.fix;

/** The built-in rules' templates, for plans of real scans made with them. */
export const builtinTemplates: FixTemplates = templatesOf(loadRuleFiles(expandRuleArgs([builtinRulesDir]), { builtin: true }).rules);

export interface FindingSpec {
  target: string;
  vars?: Finding['vars'];
  fix?: string[];
  evidence?: string;
  rebootClears?: RebootClears;
}

export interface RuleSpec {
  id: string;
  kind: CheckKind;
  tags?: string[];
  rebootClears?: RebootClears;
  findings: FindingSpec[];
}

export function makeResult(rules: RuleSpec[], host: Partial<ScanResult['host']> = {}): ScanResult {
  const results: RuleResult[] = rules.map((r) => ({
    ruleId: r.id,
    title: r.id,
    severity: 'high',
    pack: r.id.split('-')[0] ?? 'test',
    kind: r.kind,
    tags: r.tags ?? [],
    profiles: ['post-reset'],
    description: `test rule ${r.id}`,
    rebootClears: r.rebootClears ?? false,
    references: [],
    source: { file: 'rules/test.yaml', line: 1, builtin: false },
    status: r.findings.length > 0 ? 'found' : 'clean',
    findings: r.findings.map((f) => ({
      kind: r.kind,
      target: f.target,
      evidence: f.evidence ?? 'seen',
      rebootClears: f.rebootClears ?? r.rebootClears ?? false,
      fix: f.fix ?? [],
      vars: f.vars ?? { target: f.target },
    })),
  }));
  const findings = results.reduce((n, r) => n + r.findings.length, 0);
  return {
    schemaVersion: '1.0',
    tool: { name: 'kube-residue', version: '0.1.0', rulesVersion: 'test' },
    host: { hostname: 'node-under-test', os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1.0', arch: 'x86_64', root: '/', ...host },
    startedAt: '2026-03-14T09:26:53.120Z',
    finishedAt: '2026-03-14T09:27:01.482Z',
    selection: { profile: 'all', failOn: 'low', allowUnchecked: false, tags: [], rules: [], skip: [] },
    verdict: findings > 0 ? 'residue' : 'clean',
    summary: {
      rules: results.length,
      found: results.filter((r) => r.status === 'found').length,
      clean: results.filter((r) => r.status === 'clean').length,
      unchecked: 0,
      findings,
      bySeverity: { critical: 0, high: findings, medium: 0, low: 0, info: 0 },
    },
    results,
    probes: [],
    ruleFiles: [],
  };
}

/** A path finding as the path check reports it (rm -rf for directories, rm -f for files). */
export function pathRule(id: string, targets: Array<string | { target: string; evidence: string; recursive?: boolean }>, extra: Partial<RuleSpec> = {}): RuleSpec {
  return {
    id,
    kind: 'path',
    ...extra,
    findings: targets.map((t) => {
      const target = typeof t === 'string' ? t : t.target;
      const evidence = typeof t === 'string' ? 'directory, not empty' : t.evidence;
      const recursive = typeof t === 'string' ? true : (t.recursive ?? evidence.startsWith('directory'));
      return { target, evidence, fix: [`rm ${recursive ? '-rf' : '-f'} -- ${shellQuoteWord(target)}`] };
    }),
  };
}

function shellQuoteWord(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * Splits one command line as the script prints it (`+ word 'quoted word' 'it'\''s'`) back into words.
 * The printer only uses bare words and single quotes (with '\'' for a quote).
 */
/** `\033[31m` → the bytes they name, read as UTF-8 (the dry run escapes every non-printable byte this way). */
function decodeOctalEscapes(body: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && /^[0-7]{3}$/.test(body.slice(i + 1, i + 4))) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(body[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const PRINTF_OPEN = `"$(printf '`;
const PRINTF_CLOSE = `')"`;

export function splitPrinted(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (line.startsWith(PRINTF_OPEN, i)) {
      // "$(printf '...')": the dry run's form of a word with bytes outside printable ASCII, each written \ooo.
      const end = line.indexOf(PRINTF_CLOSE, i + PRINTF_OPEN.length);
      if (end === -1) throw new Error(`unterminated printf word in ${JSON.stringify(line)}`);
      cur += decodeOctalEscapes(line.slice(i + PRINTF_OPEN.length, end));
      i = end + PRINTF_CLOSE.length - 1;
      inWord = true;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated quote in ${JSON.stringify(line)}`);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '\\') {
      cur += line[i + 1] ?? '';
      i++;
      inWord = true;
    } else if (c === ' ') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/**
 * The commands a script printed (`+ ...` records), as word lists. A quoted word may span lines (a newline in
 * a path), so records are cut at `\n+ ` and `\n# ` boundaries outside quotes.
 */
const NOT_PASTABLE = /^# not a command to paste \([^)]*\): /;

export function printedCommands(output: string): string[][] {
  const commands: string[][] = [];
  let i = 0;
  while (i < output.length) {
    const lineEnd = output.indexOf('\n', i);
    const line = output.slice(i, lineEnd === -1 ? output.length : lineEnd);
    // A command with an argument ending in a newline is shown as a comment (it cannot be pasted), still run.
    const unpastable = NOT_PASTABLE.exec(line);
    if (unpastable) {
      commands.push(splitPrinted(line.slice(unpastable[0].length)));
      i = lineEnd === -1 ? output.length : lineEnd + 1;
      continue;
    }
    if (!line.startsWith('+ ')) {
      i = lineEnd === -1 ? output.length : lineEnd + 1;
      continue;
    }
    // Read to the end of the record: the first newline outside single quotes.
    let j = i + 2;
    let quoted = false;
    for (; j < output.length; j++) {
      const c = output[j];
      if (c === "'") quoted = !quoted;
      else if (c === '\\' && !quoted) j++;
      else if (c === '\n' && !quoted) break;
    }
    commands.push(splitPrinted(output.slice(i + 2, j)));
    i = j + 1;
  }
  return commands;
}

export interface ShRun {
  status: number;
  stdout: string;
  stderr: string;
}

export function runShell(shell: string, args: string[], opts: { env?: Record<string, string>; input?: string } = {}): ShRun {
  const r = spawnSync(shell, args, { encoding: 'utf8', env: { ...process.env, ...opts.env }, input: opts.input, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function commandAvailable(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd} >/dev/null 2>&1`]).status === 0;
}
