// Reads and checks a waiver file. Errors (the file cannot be trusted: YAML or schema errors, impossible dates,
// an expiry beyond the allowed horizon, a bad target regex, an unknown rule id) stop a scan with exit 2;
// warnings (expired, duplicate) are reported and the run goes on. Every problem names file, line and field.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, isMap, isNode, isScalar, parseDocument, type Document } from 'yaml';
import waiverFileSchema from '../schema/waivers.schema.json' with { type: 'json' };
import { daysAhead, isCalendarDate, isExpired } from './dates.js';
import type { WaiverFields } from '../model/result.js';
import type { Waiver, WaiverProblem } from './model.js';
import { compileSelector } from './selector.js';

export interface WaiverLoadOptions {
  now: Date;
  maxHorizonDays: number;
  /** Rule ids that exist; unknown ids in the file are errors. Omit to skip the check. */
  knownRules?: ReadonlySet<string>;
}

export interface LoadedWaivers {
  /** The file could not be read at all. */
  unreadable?: true;
  waivers: Waiver[];
  errors: WaiverProblem[];
  warnings: WaiverProblem[];
}

/** A waiver as written in the file. */
type RawWaiver = WaiverFields;

export function loadWaiverFile(file: string, opts: WaiverLoadOptions): LoadedWaivers {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { unreadable: true, waivers: [], errors: [{ file, message: `cannot read: ${(err as Error).message}` }], warnings: [] };
  }
  return parseWaiverText(text, file, opts);
}

export function parseWaiverText(text: string, file: string, opts: WaiverLoadOptions): LoadedWaivers {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number | undefined => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    return { waivers: [], errors: doc.errors.map((e) => ({ file, line: lineAt(e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}` })), warnings: [] };
  }
  const data: unknown = doc.toJS();
  const validate = new Ajv({ allErrors: true, strict: true }).compile(waiverFileSchema);
  if (!validate(data)) return { waivers: [], errors: schemaProblems(validate.errors ?? [], doc, file, lineAt), warnings: [] };

  const raw = (data as { waivers: RawWaiver[] }).waivers;
  const errors: WaiverProblem[] = [];
  const warnings: WaiverProblem[] = [];
  const waivers: Waiver[] = [];
  const seen = new Map<string, number>();
  raw.forEach((w, index) => {
    const line = lineAt(nodeOffset(doc, ['waivers', index])) ?? 1;
    const at = (field: string): number => lineAt(nodeOffset(doc, ['waivers', index, field])) ?? line;
    const problem = (field: string, message: string): WaiverProblem => ({ file, line: at(field), index, field, message });
    const before = errors.length;
    if (!isCalendarDate(w.expires)) {
      errors.push(problem('expires', `"${w.expires}" is not a calendar date`));
    } else if (daysAhead(w.expires, opts.now) > opts.maxHorizonDays) {
      errors.push(problem('expires', `${w.expires} is ${daysAhead(w.expires, opts.now)} days ahead, beyond the ${opts.maxHorizonDays}-day horizon (--waiver-max-days)`));
    } else if (isExpired(w.expires, opts.now)) {
      warnings.push(problem('expires', `expired on ${w.expires}: no longer applied, its findings count again`));
    }
    if (w.target !== undefined) {
      const sel = compileSelector(w.target);
      if (!sel.ok) errors.push(problem('target', sel.error));
    }
    if (opts.knownRules && !opts.knownRules.has(w.rule)) errors.push(problem('rule', `unknown rule id "${w.rule}"`));
    const key = `${w.rule}\u0000${w.target ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) warnings.push(problem('rule', `duplicates the waiver at ${file}:${first} (same rule and target)`));
    else seen.set(key, line);
    if (errors.length === before) waivers.push({ ...w, file, line });
  });
  return { waivers, errors, warnings };
}

function nodeOffset(doc: Document, path: ReadonlyArray<string | number>): number | undefined {
  const n: unknown = doc.getIn(path, true);
  return isNode(n) ? n.range?.[0] : undefined;
}

function schemaProblems(errs: ErrorObject[], doc: Document, file: string, lineAt: (o: number | undefined) => number | undefined): WaiverProblem[] {
  const out: WaiverProblem[] = [];
  const seen = new Set<string>();
  for (const e of errs) {
    const segs = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const index = segs[0] === 'waivers' && typeof segs[1] === 'number' ? segs[1] : undefined;
    let field = segs.slice(index === undefined ? 0 : 2).join('.') || undefined;
    let message = e.message ?? 'is invalid';
    let offset = nodeOffset(doc, segs) ?? nodeOffset(doc, segs.slice(0, -1));
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      field = field ? `${field}.${extra}` : extra;
      message = `unknown field "${extra}"`;
      const map: unknown = segs.length === 0 ? doc.contents : doc.getIn(segs, true);
      const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === extra) : undefined;
      offset = pair && isNode(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
    } else if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      field = field ? `${field}.${missing}` : missing;
      message = `missing required field "${missing}"`;
    } else if (e.keyword === 'pattern' && field === 'expires') {
      message = 'must be a date written YYYY-MM-DD';
    } else if (e.keyword === 'minLength' && field === 'justification') {
      message = 'must say why the finding is accepted (at least 10 characters)';
    }
    const line = lineAt(offset);
    const key = `${line}|${field}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file, line, index, field, message });
  }
  return out;
}
