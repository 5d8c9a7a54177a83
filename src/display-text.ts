// The one definition of the characters that must never reach a person's screen raw, and of one-line text. Host
// objects are hostile text: a file, chain or link name can hold ESC (a terminal escape that recolours or rewrites
// the screen), bidi overrides (U+202E shows `exe.txt` as `txt.exe`), zero-width characters, line breaks. The fix
// script, the table and every report escape them with these functions, so they agree on what is invisible.
//
// Displayed fix commands and this escaping: a command shown to a person must both be exact when pasted and never
// put a raw ESC on a screen. The two never conflict, by construction: src/fix/template.ts writes every value with
// an invisible character (or bytes that are not UTF-8) as a `"$(printf '\ooo')"` word, and rule validation rejects
// templates holding one, so a displayed command is plain visible text and oneLine/multiLine leave it unchanged.
// The reporters still pass commands through them, as a second line of defence for reports from elsewhere.

/**
 * Invisible or misleading: C0 and C1 controls, DEL, the soft hyphen, the Arabic letter mark, zero-width marks
 * and direction marks, line and paragraph separators, bidi embeddings, overrides and isolates, the word joiner
 * and invisible operators, the byte-order mark, lone surrogates and the non-characters U+FFFE/U+FFFF.
 */
export const INVISIBLE_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff\\ufffe\\uffff\\ud800-\\udfff';

const INVISIBLE = new RegExp(`[${INVISIBLE_CLASS}]`, 'u');

/** Every run of invisible characters (global: use with matchAll/replace). */
export const INVISIBLE_RUN = new RegExp(`[${INVISIBLE_CLASS}]+`, 'gu');

export function isInvisibleCodePoint(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0xad ||
    code === 0x61c ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff ||
    code === 0xfffe ||
    code === 0xffff ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}

export function hasInvisible(text: string): boolean {
  return INVISIBLE.test(text);
}

/** `\n`, `\r`, `\t`, else `\uXXXX`: an escape a person can read and copy. */
export function visibleEscape(code: number): string {
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  if (code === 0x09) return '\\t';
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * One line of text as a person must see it: every invisible character (line breaks included) becomes a visible
 * escape. `escapeBackslash` also doubles backslashes, so the escaped text cannot be mistaken for the original
 * (the fix script's comments, where a reader may copy a name back).
 */
export function oneLine(text: string, opts: { escapeBackslash?: boolean } = {}): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (isInvisibleCodePoint(code)) out += visibleEscape(code);
    else if (opts.escapeBackslash && ch === '\\') out += '\\\\';
    else out += ch;
  }
  return out;
}

/** Multi-line text (fix commands, notes): keeps newlines and tabs, makes every other invisible character visible. */
export function multiLine(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0x0a || code === 0x09) out += ch;
    else if (isInvisibleCodePoint(code)) out += visibleEscape(code);
    else out += ch;
  }
  return out;
}
