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

export function quoteWord(word: string): string {
  return shellQuote.quote([word]);
}

function quoteWords(words: readonly string[]): string {
  return words.map(quoteWord).join(' ');
}

/**
 * Renders one template into zero or more commands. A template that refers to a variable the finding does not
 * have (or an empty list) yields no command rather than a broken one.
 */
export function renderFixTemplate(template: string, vars: FixVars): string[] {
  const vs = templateVariables(template);
  const each = vs.find((v) => v.each);
  const items: Array<readonly string[] | undefined> = each ? listOfLists(vars[each.name]) : [undefined];
  const commands: string[] = [];
  for (const item of items) {
    let missing = false;
    const text = template.replace(VAR_RE, (_m, name: string, brackets: string | undefined) => {
      if (brackets === '[]') return item ? quoteWords(item) : '';
      const value = vars[name];
      if (value === undefined || (Array.isArray(value) && value.length === 0)) {
        missing = true;
        return '';
      }
      if (typeof value === 'string') return quoteWord(value);
      return quoteWords(value.flat());
    });
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
