// Text for the fix script: shell words and comments. Every value that came from the host (a path, a chain, a
// unit) becomes exactly one inert word through shell-quote's quoting (quoteWord). Characters a reviewer cannot
// see — line breaks, other control characters, bidirectional overrides, zero-width characters — are written
// as a visible printf escape instead of being hidden inside quotes, so each command stays on one line and
// reads as what it does.
import { hasInvisible, INVISIBLE_RUN, oneLine } from '../display-text.js';
import { escapeInvalidUtf8 } from '../byte-names.js';
import type { ScriptArg } from './model.js';
import { displayWords, quoteWord, utf8SeqAt } from './template.js';

// Which characters are invisible is defined once, in display-text.ts, for the script and the reports alike.
export { hasInvisible };

/** POSIX printf octal escapes for the UTF-8 bytes of `s`. */
function octalBytes(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/**
 * One shell word for a value, safe in any POSIX shell. Visible text is quoted with shell-quote; invisible
 * characters become `"$(printf '\ooo')"` (a newline, which command substitution would strip, becomes
 * `"$kr_nl"`, a variable the script defines).
 */
export function shellWord(value: string): string {
  if (value === '') return "''";
  if (!hasInvisible(value)) return quoteWord(value);
  const parts: string[] = [];
  let last = 0;
  for (const m of value.matchAll(INVISIBLE_RUN)) {
    const at = m.index ?? 0;
    if (at > last) parts.push(quoteWord(value.slice(last, at)));
    const run = m[0];
    // Newlines one by one (a variable), the rest as printf escapes between them.
    for (const piece of run.split(/(\n)/)) {
      if (piece === '') continue;
      parts.push(piece === '\n' ? '"$kr_nl"' : `"$(printf '${octalBytes(piece)}')"`);
    }
    last = at + run.length;
  }
  if (last < value.length) parts.push(quoteWord(value.slice(last)));
  return parts.join('');
}

/** Octal printf escapes for raw bytes. */
function octalOf(bytes: Uint8Array): string {
  return [...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/**
 * One shell word for raw bytes that are not valid UTF-8: the valid stretches as shellWord gives them, every
 * other byte as `"$(printf '\ooo')"`, so the script addresses exactly these bytes. (No newline can be among
 * them: a name with a newline is valid UTF-8 and goes through shellWord.)
 */
export function bytesWord(hex: string): string {
  const buf = Buffer.from(hex, 'hex');
  const parts: string[] = [];
  let text: number[] = [];
  const flush = (): void => {
    if (text.length > 0) parts.push(shellWord(Buffer.from(text).toString('utf8')));
    text = [];
  };
  let i = 0;
  while (i < buf.length) {
    const n = utf8SeqAt(buf, i);
    if (n > 0) {
      text.push(...buf.subarray(i, i + n));
      i += n;
    } else {
      flush();
      parts.push(`"$(printf '${octalOf(buf.subarray(i, i + 1))}')"`);
      i += 1;
    }
  }
  flush();
  return parts.join('');
}

/**
 * Text that can go into a `#` comment or a message: one line, with backslashes, line breaks and every
 * invisible character escaped (`\n`, `\t`, `\u202e`), so nothing a host supplied can end the comment or
 * reorder what a reviewer sees.
 */
export function displayText(s: string): string {
  return oneLine(s, { escapeBackslash: true });
}

/**
 * A `#` comment line showing a command exactly as it is to be pasted (displayCommand, or a rule's displayed
 * command): backslashes stay single (displayText would double them, and `rm -f -- /etc/default/k3s-\\*` then
 * names another file). Such a command holds no invisible character (template.ts writes those as printf escapes);
 * should one still be there, it is escaped, and the line says so.
 */
export function commandComment(command: string, prefix = '', indent = ''): string {
  const shown = command.startsWith('# ') ? command.slice(2) : command;
  return hasInvisible(shown) ? `${indent}# ${prefix}${displayText(shown)}    (escaped for display)` : `${indent}# ${prefix}${shown}`.trimEnd();
}

/**
 * A command as a person pastes it (the one rendering every displayed command goes through, template.ts): visible
 * words shell-quoted, bytes and invisible characters as `"$(printf '\ooo')"`, or a `#` line saying why it
 * cannot be pasted.
 */
export function displayCommand(words: readonly ScriptArg[]): string {
  return displayWords(words.map((w) => (typeof w === 'string' ? { text: w } : { text: escapeInvalidUtf8(Buffer.from(w.hex, 'hex')), hex: w.hex })));
}
