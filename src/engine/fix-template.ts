// Renders fix command templates. Every value that came from the host or a rule is shell-quoted with
// shell-quote, so a target such as `/var/lib/a b`, `$(x)` or `-rf` becomes one inert word. The template's own
// text is the rule author's; its values are the host's. Nothing here is ever executed.
import shellQuote from 'shell-quote';
import type { FixVars } from '../model/result.js';

const VAR_RE = /\{\{\s*([A-Za-z][A-Za-z0-9]*)(\[\])?\s*\}\}/g;

export interface TemplateVariable {
  name: string;
  /** `{{name[]}}`: emit the command once per item of a list-of-word-lists. */
  each: boolean;
}

export function templateVariables(template: string): TemplateVariable[] {
  return [...template.matchAll(VAR_RE)].map((m) => ({ name: m[1] ?? '', each: m[2] === '[]' }));
}

/** Words shell-quote leaves as they are (no quoting, no backslash): most targets, chains and commands. */
const PLAIN_WORD = /^[A-Za-z0-9_./+%-]+$/;

export function quoteWord(word: string): string {
  // The same text shell-quote returns for such a word, without its five regular expressions per word.
  return PLAIN_WORD.test(word) ? word : shellQuote.quote([word]);
}

function quoteWords(words: readonly string[]): string {
  return words.map(quoteWord).join(' ');
}

type TemplatePart = string | TemplateVariable;

interface ParsedTemplate {
  /** Literal text and variables, in order. */
  parts: TemplatePart[];
  /** The first `{{name[]}}` variable: one command per item of that list. */
  each?: string;
}

const parsedTemplates = new Map<string, ParsedTemplate>();

/** A template split at its variables once, rather than once per finding (a scan can have thousands). */
function parseTemplate(template: string): ParsedTemplate {
  let parsed = parsedTemplates.get(template);
  if (parsed) return parsed;
  const parts: TemplatePart[] = [];
  let each: string | undefined;
  let last = 0;
  for (const m of template.matchAll(VAR_RE)) {
    const v: TemplateVariable = { name: m[1] ?? '', each: m[2] === '[]' };
    if (v.each && each === undefined) each = v.name;
    parts.push(template.slice(last, m.index), v);
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(template.slice(last));
  parsed = { parts, each };
  parsedTemplates.set(template, parsed);
  return parsed;
}

/**
 * Renders one template into zero or more commands. A template that refers to a variable the finding does not
 * have (or an empty list) yields no command rather than a broken one. Every `{{name[]}}` in the template
 * stands for the current item of the first one's list.
 */
export function renderFixTemplate(template: string, vars: FixVars): string[] {
  const { parts, each } = parseTemplate(template);
  const items: Array<readonly string[] | undefined> = each !== undefined ? listOfLists(vars[each]) : [undefined];
  const commands: string[] = [];
  for (const item of items) {
    let text = '';
    let missing = false;
    for (const part of parts) {
      if (typeof part === 'string') {
        text += part;
      } else if (part.each) {
        if (item) text += quoteWords(item);
      } else {
        const value = vars[part.name];
        if (value === undefined || (Array.isArray(value) && value.length === 0)) {
          missing = true;
          break;
        }
        text += typeof value === 'string' ? quoteWord(value) : quoteWords(value.flat());
      }
    }
    if (!missing) commands.push(text);
  }
  return commands;
}

function listOfLists(value: FixVars[string] | undefined): Array<readonly string[]> {
  if (value === undefined || typeof value === 'string') return [];
  return value.map((item) => (typeof item === 'string' ? [item] : item));
}

export function renderFix(templates: readonly string[], vars: FixVars): string[] {
  return templates.flatMap((t) => renderFixTemplate(t, vars));
}
