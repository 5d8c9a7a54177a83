// Loads rule files (YAML, several rules per file) and validates them with the rule JSON Schema (assembled from
// the check kinds' declarations by src/schema/rule-schema.ts) plus the checks a schema cannot express (regexes compile, fix templates only
// use the variables their kind provides, ids are unique). Every problem names the file, line, rule and field.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document, type Node } from 'yaml';
import { ruleFileSchema } from '../schema/rule-schema.js';
import type { Check, Rule, RuleFile } from '../model/rule.js';
import { KIND_META } from '../checks/kinds.js';
import { templateProblem, templateVariables } from '../fix/template.js';
import { broadPathProblem } from './broad-paths.js';
import { ruleRegexProblem } from '../rule-regex.js';

export interface RuleProblem {
  file: string;
  line?: number;
  ruleId?: string;
  field?: string;
  message: string;
}

export interface LoadedRules {
  rules: Rule[];
  problems: RuleProblem[];
  files: Array<{ file: string; pack: string; rules: number; builtin: boolean; sha256: string }>;
}

export function formatProblem(p: RuleProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  const rule = p.ruleId ? ` rule ${p.ruleId}` : '';
  const field = p.field ? ` field ${p.field}` : '';
  return `${where}:${rule}${field}${rule || field ? ':' : ''} ${p.message}`;
}

/** `['check', 'paths', 0]` → `check.paths[0]`. */
function fieldName(segs: ReadonlyArray<string | number>): string {
  return segs.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

let validator: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  // Compiled once, and only when a YAML rule file is actually read (built-in rules ship pre-validated).
  validator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(ruleFileSchema);
  return validator;
}

/** Expands `--rules` arguments (files or directories) into rule files, sorted for a stable order. */
export function expandRuleArgs(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    const st = statSync(arg, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      for (const name of readdirSync(arg).sort()) {
        if (/\.ya?ml$/.test(name)) files.push(path.join(arg, name));
      }
    } else {
      files.push(arg);
    }
  }
  return files;
}

export function loadRuleFiles(files: readonly string[], opts: { builtin: boolean; displayBase?: string }): LoadedRules {
  const out: LoadedRules = { rules: [], problems: [], files: [] };
  for (const file of files) {
    const display = opts.displayBase ? path.relative(opts.displayBase, file) : file;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      out.problems.push({ file: display, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const one = parseRuleText(bytes.toString('utf8'), display, opts.builtin);
    out.rules.push(...one.rules);
    out.problems.push(...one.problems);
    // The file's own bytes: an auditor can hash the pack they hold (sha256sum) and compare (src/audit).
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (one.pack) out.files.push({ file: display, pack: one.pack, rules: one.rules.length, builtin: opts.builtin, sha256 });
  }
  out.problems.push(...duplicateIdProblems(out.rules));
  return out;
}

export function parseRuleText(text: string, file: string, builtin: boolean): { rules: Rule[]; problems: RuleProblem[]; pack?: string } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number | undefined => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    return {
      rules: [],
      problems: doc.errors.map((e) => ({ file, line: lineAt(e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}` })),
    };
  }
  let data: unknown;
  try {
    // yaml refuses documents whose aliases expand past maxAliasCount (a "billion laughs" file) by throwing.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { rules: [], problems: [{ file, message: `YAML: ${(err as Error).message.split('\n')[0]} (too many alias references)` }] };
  }
  const validate = schemaValidator();
  if (!validate(data)) {
    return { rules: [], problems: friendlyErrors(validate.errors ?? [], doc, file, lineAt) };
  }
  const ruleFile = data as RuleFile;
  const problems: RuleProblem[] = [];
  const rules: Rule[] = [];
  ruleFile.rules.forEach((r, i) => {
    const line = lineAt(nodeAt(doc, ['rules', i])?.range?.[0]) ?? 1;
    const semantic = semanticProblems(r.check, r.fix.commands).map((p) => ({
      file,
      line: lineAt(nodeAt(doc, ['rules', i, ...p.path])?.range?.[0]) ?? line,
      ruleId: r.id,
      field: fieldName(p.path),
      message: p.message,
    }));
    if (r.blocksJoin !== undefined && !r.profiles.includes('pre-join')) {
      semantic.push({ file, line: lineAt(nodeAt(doc, ['rules', i, 'blocksJoin'])?.range?.[0]) ?? line, ruleId: r.id, field: 'blocksJoin', message: 'only a pre-join rule can block a join (add pre-join to profiles)' });
    }
    problems.push(...semantic);
    if (semantic.length === 0) rules.push({ ...r, pack: ruleFile.pack, source: { file, line, builtin } });
  });
  return { rules, problems, pack: ruleFile.pack };
}

function nodeAt(doc: Document, p: ReadonlyArray<string | number>): Node | undefined {
  const n: unknown = doc.getIn(p, true);
  return isNode(n) ? n : undefined;
}

/** Turns ajv's errors into one message per real problem, with the line of the offending YAML node. */
function friendlyErrors(errors: ErrorObject[], doc: Document, file: string, lineAt: (o: number | undefined) => number | undefined): RuleProblem[] {
  const seen = new Set<string>();
  const problems: RuleProblem[] = [];
  for (const e of errors) {
    // `if` only reports that a `then` branch failed; the branch's own errors say what is wrong.
    if (e.keyword === 'if') continue;
    const segs = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    const ruleIndex = segs[0] === 'rules' && typeof segs[1] === 'number' ? segs[1] : undefined;
    let field = fieldName(ruleIndex === undefined ? segs : segs.slice(2));
    let message = e.message ?? 'is invalid';
    let offset = nodeAt(doc, segs)?.range?.[0] ?? nodeAt(doc, segs.slice(0, -1))?.range?.[0];
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      field = field ? `${field}.${extra}` : extra;
      message = `unknown field "${extra}"`;
      offset = keyOffset(doc, segs, extra) ?? offset;
    } else if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      field = field ? `${field}.${missing}` : missing;
      message = `missing required field "${missing}"`;
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'minProperties') {
      message = 'needs at least one matching field besides "kind"';
    }
    const ruleId = ruleIndex === undefined ? undefined : ruleIdAt(doc, ruleIndex);
    const line = lineAt(offset);
    const key = `${line}|${field}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ file, line, ruleId, field: field || undefined, message });
  }
  return problems;
}

/** Where a key of a mapping starts: an unknown field is reported on its own line, not its parent's. */
function keyOffset(doc: Document, mapPath: ReadonlyArray<string | number>, key: string): number | undefined {
  const map: unknown = mapPath.length === 0 ? doc.contents : doc.getIn(mapPath, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair && isNode(pair.key) ? pair.key.range?.[0] : undefined;
}

function ruleIdAt(doc: Document, index: number): string | undefined {
  const id: unknown = doc.getIn(['rules', index, 'id']);
  return typeof id === 'string' ? id : undefined;
}

interface SemanticProblem {
  path: Array<string | number>;
  message: string;
}

function semanticProblems(check: Check, commands: readonly string[]): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const record = check as unknown as Record<string, unknown>;
  for (const f of KIND_META[check.kind].regexFields) {
    const v = record[f];
    if (typeof v !== 'string') continue;
    const problem = ruleRegexProblem(v);
    if (problem) problems.push({ path: ['check', f], message: problem });
  }
  if (check.kind === 'path') {
    // A glob that reaches system trees would make the fix plan remove the host's own files (broad-paths.ts).
    check.paths.forEach((g, i) => {
      const broad = broadPathProblem(g);
      if (broad) problems.push({ path: ['check', 'paths', i], message: `too broad: ${broad}` });
    });
  }
  if (check.kind === 'file-content' && !check.regex && !check.marker) {
    problems.push({ path: ['check'], message: 'file-content needs "regex" or "marker"' });
  }
  const allowed = Object.keys(KIND_META[check.kind].fixVars);
  commands.forEach((cmd, i) => {
    const bad = templateProblem(cmd);
    if (bad) problems.push({ path: ['fix', 'commands', i], message: bad });
    for (const v of templateVariables(cmd)) {
      if (!allowed.includes(v.name)) {
        problems.push({
          path: ['fix', 'commands', i],
          message: `unknown template variable {{${v.name}}} for kind ${check.kind} (allowed: ${allowed.join(', ')})`,
        });
      }
    }
  });
  return problems;
}

function duplicateIdProblems(rules: readonly Rule[]): RuleProblem[] {
  const first = new Map<string, Rule>();
  const problems: RuleProblem[] = [];
  for (const r of rules) {
    const prev = first.get(r.id);
    if (prev) {
      problems.push({
        file: r.source.file,
        line: r.source.line,
        ruleId: r.id,
        field: 'id',
        message: `duplicate rule id (first defined at ${prev.source.file}:${prev.source.line})`,
      });
    } else {
      first.set(r.id, r);
    }
  }
  return problems;
}
