// One definition of invisible characters: the fix script (shell-text.ts), the reports (escape.ts) and the table
// all use display-text.ts, so they agree on every code point (they once disagreed on soft hyphens, bidi marks
// and line separators, and the table escaped only C0 controls).
import { describe, expect, it } from 'vitest';
import { hasInvisible, isInvisibleCodePoint, oneLine } from '../../src/display-text.js';
import { displayText, hasInvisible as scriptHasInvisible } from '../../src/fix/shell-text.js';
import { oneLine as reportOneLine } from '../../src/report/escape.js';

describe('display-text', () => {
  it('the regex and the predicate agree on every code point of the BMP', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const ch = String.fromCharCode(code);
      expect(hasInvisible(ch), code.toString(16)).toBe(isInvisibleCodePoint(code));
      expect(scriptHasInvisible(ch)).toBe(isInvisibleCodePoint(code));
    }
  });

  it('reports and script show the same escapes; the script also doubles backslashes', () => {
    const text = 'a\u001b[31m\u202eb\u00ad\u2028c\\d\n';
    expect(reportOneLine(text)).toBe(oneLine(text));
    expect(oneLine(text)).toBe('a\\u001b[31m\\u202eb\\u00ad\\u2028c\\d\\n');
    expect(displayText(text)).toBe('a\\u001b[31m\\u202eb\\u00ad\\u2028c\\\\d\\n');
  });
});
