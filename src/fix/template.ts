// Fix command templates (a rule's `fix.commands`), in the two forms the product needs from one parse:
//  - the DISPLAYED command (renderFix): text a person pastes into a shell. Every value from the host or a rule
//    is one inert word; a value with bytes that are not valid UTF-8, or with characters a person cannot see, is
//    spelled `"$(printf '...')"` with octal escapes, which gives the real bytes in any POSIX shell (dash has no
//    `$'...'`) and puts no raw control character on a screen. A value that no command on one line can spell (a
//    name ending in a newline, which `$(...)` strips) or that the plan never addresses (a name known only by its
//    `\xHH` spelling) makes the whole command a `#` comment saying why, so nothing pasted acts on another object.
//  - the PLANNED command (planCommands): the template's words with the finding's typed values put in, each
//    value word carrying its real bytes. The fix planner takes its intent from these, never from displayed text,
//    so what reports display can change without changing what the script does.
// Nothing here is ever executed.
import shellQuote from 'shell-quote';
import { hasInvisible, isInvisibleCodePoint, oneLine } from '../display-text.js';
import type { FixVars } from '../model/result.js';
import { parseCommand } from './rule-commands.js';

const VAR_RE = /\{\{\s*([A-Za-z][A-Za-z0-9]*)(\[\])?\s*\}\}/g;

export interface TemplateVariable {
  name: string;
  /** `{{name[]}}`: emit the command once per item of a list-of-word-lists. */
  each: boolean;
}

export function templateVariables(template: string): TemplateVariable[] {
  return [...template.matchAll(VAR_RE)].map((m) => ({ name: m[1] ?? '', each: m[2] === '[]' }));
}

/**
 * What is wrong with a template's text itself (rule validation): a variable inside quotes would be quoted
 * twice (its value is quoted already, so it would not be one word), and a character a person cannot see in the
 * rule's own text would reach the displayed command raw.
 */
export function templateProblem(template: string): string | undefined {
  if (hasInvisible(template)) return `contains an invisible or control character (${oneLine(template)})`;
  let quote: string | undefined;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (quote === undefined && c === '\\') {
      i++;
    } else if (quote === '"' && c === '\\') {
      i++;
    } else if (c === "'" || c === '"') {
      if (quote === undefined) quote = c;
      else if (quote === c) quote = undefined;
    } else if (quote !== undefined && template.startsWith('{{', i)) {
      return 'a {{variable}} inside quotes: write it bare (its value is quoted as one word already)';
    }
  }
  return undefined;
}

/** Words shell-quote leaves as they are (no quoting, no backslash): most targets, chains and commands. */
const PLAIN_WORD = /^[A-Za-z0-9_./+%-]+$/;

export function quoteWord(word: string): string {
  // The same text shell-quote returns for such a word, without its five regular expressions per word.
  return PLAIN_WORD.test(word) ? word : shellQuote.quote([word]);
}

// ---------------------------------------------------------------------------------------------------------
// Values as words, with their real bytes

/**
 * A value as one word of a command: its text, its real bytes (hex) when it names something that is not valid
 * UTF-8, or why no command can address it (`unaddressable`).
 */
export type ValueWord = { text: string; hex?: string; unaddressable?: undefined } | { text: string; hex?: undefined; unaddressable: string };

/** What of a finding's values tells real bytes apart from their `\xHH` spelling (see the checks' fixVars). */
export interface ByteValues {
  target?: string;
  /** path, interface: the target's real bytes when it is not valid UTF-8. */
  targetHex?: string;
  /** iptables: `yes` when a name is not valid UTF-8 (known only as its `\xHH` spelling). */
  rawBytes?: string;
}

export function byteValuesOf(vars: FixVars): ByteValues {
  const word = (v: FixVars[string] | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
  return { target: word(vars.target), targetHex: word(vars.targetHex), rawBytes: word(vars.rawBytes) };
}

/** One value as a word: the target of a byte-named finding is its bytes; what is known only by escapes, unaddressable. */
export function valueWord(text: string, b: ByteValues): ValueWord {
  if (b.targetHex !== undefined && b.target !== undefined) {
    if (text === b.target) return { text, hex: b.targetHex };
    if (text.startsWith(`${b.target}/`)) return { text, unaddressable: 'it lies below a name that is not valid UTF-8 and is known only by its \\xHH spelling' };
  }
  if (b.rawBytes === 'yes' && text.includes('\\')) return { text, unaddressable: 'a name in it is not valid UTF-8 and is known only by its \\xHH spelling' };
  return { text };
}

/** The UTF-8 bytes of a word (its real bytes when it has them). */
export function wordBytes(w: { text: string; hex?: string }): Buffer {
  return w.hex !== undefined ? Buffer.from(w.hex, 'hex') : Buffer.from(w.text, 'utf8');
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there does not start one. */
export function utf8SeqAt(buf: Uint8Array, i: number): number {
  const b = buf[i] as number;
  const n = b < 0x80 ? 1 : b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
  if (n <= 1) return n;
  const seq = Buffer.from(buf.subarray(i, i + n));
  if (seq.length !== n) return 0;
  const s = seq.toString('utf8');
  return !s.includes('\ufffd') && Buffer.from(s, 'utf8').equals(seq) ? n : 0;
}

const octal = (b: number): string => `\\${b.toString(8).padStart(3, '0')}`;

/**
 * `"$(printf '...')"`: the bytes as a printf format, every byte that is not visible text (and `'`, `\`, `%`, and
 * a leading `-` that printf would read as an option) as an octal escape. Not for bytes ending in a newline.
 */
function printfWord(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SeqAt(bytes, i);
    const ch = n > 0 ? Buffer.from(bytes.subarray(i, i + n)).toString('utf8') : '';
    const code = ch.codePointAt(0) ?? 0;
    const visible = n > 0 && !isInvisibleCodePoint(code) && ch !== "'" && ch !== '\\' && ch !== '%' && !(i === 0 && ch === '-');
    out += visible ? ch : [...bytes.subarray(i, i + Math.max(n, 1))].map(octal).join('');
    i += Math.max(n, 1);
  }
  return `"$(printf '${out}')"`;
}

/** One word as a person pastes it, or why it cannot be written in a command on one line. */
export function pasteWord(w: ValueWord): { ok: true; text: string } | { ok: false; why: string } {
  if (w.unaddressable !== undefined) return { ok: false, why: w.unaddressable };
  if (w.hex === undefined && !hasInvisible(w.text)) return { ok: true, text: quoteWord(w.text) };
  const bytes = wordBytes(w);
  if (bytes.length === 0) return { ok: true, text: "''" };
  // `$(...)` strips trailing newlines, and a quoted newline would break the command over two lines.
  if (bytes[bytes.length - 1] === 0x0a) return { ok: false, why: 'a value ends in a newline, which a command on one line cannot spell' };
  return { ok: true, text: printfWord(bytes) };
}

/** A value as it is shown where it cannot be pasted: its text, one line, escapes visible. */
const shownValue = (w: ValueWord): string => oneLine(w.text);

/** The `#` line shown instead of a command that cannot be pasted as it is. */
export function notPastable(why: string, shown: string): string {
  return `# not a command to paste (${why}; the fix script addresses it, or refuses it, with the reason): ${shown}`;
}

/** Words of a command as a person pastes them (one line), or the `#` comment saying why they cannot be. */
export function displayWords(words: readonly ValueWord[]): string {
  const shown = words.map(pasteWord);
  const bad = shown.find((s): s is { ok: false; why: string } => !s.ok);
  if (bad) return notPastable(bad.why, words.map(shownValue).join(' '));
  return shown.map((s) => (s.ok ? s.text : '')).join(' ');
}

// ---------------------------------------------------------------------------------------------------------
// Displayed commands

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

function listOfLists(value: FixVars[string] | undefined): Array<readonly string[]> {
  if (value === undefined || typeof value === 'string') return [];
  return value.map((item) => (typeof item === 'string' ? [item] : item));
}

/** `display`: pasteable words (printf for bytes); `plain`: every value quoted as its text (what versions before 0.2 showed). */
export type RenderStyle = 'display' | 'plain';

/**
 * Renders one template into zero or more displayed commands. A template that refers to a variable the finding
 * does not have (or an empty list) yields no command rather than a broken one. Every `{{name[]}}` in the
 * template stands for the current item of the first one's list.
 */
export function renderFixTemplate(template: string, vars: FixVars, style: RenderStyle = 'display'): string[] {
  const { parts, each } = parseTemplate(template);
  const bytes = byteValuesOf(vars);
  const items: Array<readonly string[] | undefined> = each !== undefined ? listOfLists(vars[each]) : [undefined];
  const commands: string[] = [];
  for (const item of items) {
    let text = '';
    let shown = '';
    let why: string | undefined;
    let missing = false;
    const put = (words: readonly string[]): void => {
      const out: string[] = [];
      for (const w of words) {
        if (style === 'plain') {
          out.push(quoteWord(w));
          continue;
        }
        const vw = valueWord(w, bytes);
        const p = pasteWord(vw);
        if (p.ok) out.push(p.text);
        else why ??= p.why;
      }
      text += out.join(' ');
      shown += words.map((w) => oneLine(w)).join(' ');
    };
    for (const part of parts) {
      if (typeof part === 'string') {
        text += part;
        shown += part;
      } else if (part.each) {
        if (item) put(item);
      } else {
        const value = vars[part.name];
        if (value === undefined || (Array.isArray(value) && value.length === 0)) {
          missing = true;
          break;
        }
        put(typeof value === 'string' ? [value] : value.flat());
      }
    }
    if (!missing) commands.push(why === undefined ? text : notPastable(why, shown));
  }
  return commands;
}

export function renderFix(templates: readonly string[], vars: FixVars, style: RenderStyle = 'display'): string[] {
  return templates.flatMap((t) => renderFixTemplate(t, vars, style));
}

// ---------------------------------------------------------------------------------------------------------
// Planned commands

/** One word of a template: literal text and variables, in order (no quoting left: the shell's words). */
type WordPiece = { literal: string } | TemplateVariable;

type CommandShape = { ok: true; words: WordPiece[][]; each?: string } | { ok: false; problem: string };

const shapes = new Map<string, CommandShape>();
const SENTINEL = /\uE000(\d+)\uE001/g;

/**
 * A template read once into the words of its command, each word its literal pieces and variables: the shell's
 * own reading of the template (shell-quote), with each variable standing in as one unquoted placeholder. A
 * template with shell syntax (a pipe, a glob, a redirection) has no such shape: it is shown, never run.
 */
export function commandShape(template: string): CommandShape {
  let shape = shapes.get(template);
  if (shape) return shape;
  const vars: TemplateVariable[] = [];
  const marked = template.replace(VAR_RE, (_m, name: string, brackets: string | undefined) => {
    vars.push({ name, each: brackets === '[]' });
    return `\uE000${vars.length - 1}\uE001`;
  });
  const parsed = parseCommand(marked);
  if (!parsed.ok) {
    shape = { ok: false, problem: parsed.problem };
  } else {
    const words = parsed.words.map((w) => {
      const pieces: WordPiece[] = [];
      let last = 0;
      for (const m of w.matchAll(SENTINEL)) {
        if ((m.index ?? 0) > last) pieces.push({ literal: w.slice(last, m.index) });
        pieces.push(vars[Number(m[1])] as TemplateVariable);
        last = (m.index ?? 0) + m[0].length;
      }
      if (last < w.length || pieces.length === 0) pieces.push({ literal: w.slice(last) });
      return pieces;
    });
    shape = { ok: true, words, each: vars.find((v) => v.each)?.name };
  }
  shapes.set(template, shape);
  return shape;
}

/** A rule's command for one finding, as the planner reads it: words with their bytes, and what a person is shown. */
export type PlannedCommand = { ok: true; words: ValueWord[]; display: string } | { ok: false; problem: string; display: string };

function joinWords(a: ValueWord, b: ValueWord): ValueWord {
  const text = a.text + b.text;
  const why = a.unaddressable ?? b.unaddressable;
  if (why !== undefined) return { text, unaddressable: why };
  if (a.hex === undefined && b.hex === undefined) return { text };
  return { text, hex: Buffer.concat([wordBytes(a), wordBytes(b)]).toString('hex') };
}

/** The words one piece stands for (a list variable: several; a literal: one). */
function pieceWords(piece: WordPiece, vars: FixVars, item: readonly string[] | undefined, b: ByteValues): ValueWord[] | undefined {
  if ('literal' in piece) return [{ text: piece.literal }];
  if (piece.each) return (item ?? []).map((t) => valueWord(t, b));
  const value = vars[piece.name];
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return undefined;
  return (typeof value === 'string' ? [value] : value.flat()).map((t) => valueWord(t, b));
}

/**
 * The commands a rule's templates give for a finding's values, as words (a list value inside a word splits it,
 * as the displayed text does when a shell reads it). The same commands, in the same order, as renderFix shows.
 */
export function planCommands(templates: readonly string[], vars: FixVars): PlannedCommand[] {
  const b = byteValuesOf(vars);
  const out: PlannedCommand[] = [];
  for (const template of templates) {
    const displays = renderFixTemplate(template, vars);
    const shape = commandShape(template);
    if (!shape.ok) {
      for (const display of displays) out.push({ ok: false, problem: shape.problem, display });
      continue;
    }
    const items: Array<readonly string[] | undefined> = shape.each !== undefined ? listOfLists(vars[shape.each]) : [undefined];
    let n = 0;
    for (const item of items) {
      const words: ValueWord[] = [];
      let missing = false;
      for (const pieces of shape.words) {
        // Pieces of one word join; a list inside it splits it at its items.
        let cur: ValueWord[] | undefined;
        for (const piece of pieces) {
          const ws = pieceWords(piece, vars, item, b);
          if (ws === undefined) {
            missing = true;
            break;
          }
          if (cur === undefined) cur = ws;
          else if (ws.length > 0 && cur.length > 0) cur = [...cur.slice(0, -1), joinWords(cur[cur.length - 1] as ValueWord, ws[0] as ValueWord), ...ws.slice(1)];
          else cur = [...cur, ...ws];
        }
        if (missing) break;
        words.push(...(cur ?? []));
      }
      if (missing) continue;
      out.push({ ok: true, words, display: displays[n] ?? displayWords(words) });
      n++;
    }
  }
  return out;
}
