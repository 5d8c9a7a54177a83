// Escaping for the machine and audit reporters (SARIF, JUnit, Markdown, HTML). Host objects are hostile text: a
// path can hold `<`, `&`, quotes, `]]>`, backticks, pipes, newlines, control and bidi characters. Every reporter
// passes every host-derived string through one of these functions before it reaches the output.

import { multiLine, oneLine } from '../display-text.js';

// oneLine and multiLine: invisible characters are defined once (display-text.ts) for reports, table and script.
// XML's forbidden characters (C0 controls, lone surrogates, U+FFFE/U+FFFF) are all among them, so the XML
// reporters get well-formed text from the same two functions.
export { multiLine, oneLine };

/** Character references for HTML output. */
const HTML_REFERENCES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\t': '&#9;',
  '\n': '&#10;',
};

/** XML's own name for the apostrophe, as JUnit consumers expect. */
const XML_REFERENCES: Readonly<Record<string, string>> = { ...HTML_REFERENCES, "'": '&apos;' };

function refer(text: string, chars: RegExp, references: Readonly<Record<string, string>>): string {
  return text.replace(chars, (c) => references[c] ?? c);
}

export function xmlText(text: string): string {
  return refer(multiLine(text), /[&<>]/g, XML_REFERENCES);
}

/** An XML 1.0 attribute value in double quotes: also quotes, and tab/newline as references so they survive. */
export function xmlAttr(text: string): string {
  return refer(multiLine(text), /[&<>"'\t\n]/g, XML_REFERENCES);
}

/** HTML text or a double-quoted attribute value. Callers choose `oneLine` or `multiLine` first. */
export function html(text: string): string {
  return refer(text, /[&<>"']/g, HTML_REFERENCES);
}

/** The longest run of `char` in `text`. */
export function longestRun(text: string, char: string): number {
  let best = 0;
  let run = 0;
  for (const ch of text) {
    if (ch === char) {
      run += 1;
      if (run > best) best = run;
    } else {
      run = 0;
    }
  }
  return best;
}

/**
 * A CommonMark code span holding `text` literally: the backtick fence is longer than any backtick run inside, and
 * the content is padded when it starts or ends with a backtick or a space. `inTable` escapes `|` as `\|` (GFM splits
 * table cells before it parses code spans and drops that one backslash). Call with single-line text.
 */
export function mdCode(text: string, inTable = false): string {
  const body = inTable ? text.replace(/\|/g, '\\|') : text;
  if (body.length === 0) return '` `';
  const fence = '`'.repeat(longestRun(body, '`') + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * Plain Markdown text inside a line (a table cell, a list item after its label, a heading): every character GFM,
 * GitHub math or inline HTML could interpret is backslash-escaped, and `<`, `>`, `&` become entities. Block-level
 * markers (`#`, `-`, `1.`) need no escape because this text never starts a line. Call with single-line text.
 */
export function mdText(text: string): string {
  return text.replace(/[\\`*_[\]|~$<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}

/**
 * Multi-line plain text as Markdown paragraphs: each line through `mdText`, leading whitespace dropped (no accidental
 * code block) and a first character that would open a block (`#`, `-`, `+`, `=`, `1.`) escaped.
 */
export function mdParagraph(text: string): string {
  return oneLineEach(text)
    .map((line) => {
      const escaped = mdText(line.trimStart());
      return escaped.replace(/^([#+=-]|\d+(?=[.)]))/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
    })
    .join('\n');
}

function oneLineEach(text: string): string[] {
  return text.split('\n').map((line) => oneLine(line));
}

/** A fenced code block whose fence is longer than any backtick run in `body` (never shorter than three). */
export function mdFence(body: string, info = ''): string {
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/** Percent-encodes a path for a URI reference, segment by segment, keeping `/`. */
export function uriPath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
