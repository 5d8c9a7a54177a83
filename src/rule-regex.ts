// Every regular expression a rule carries (file-content `regex`, process `cmdline`, iptables `ruleComment` and
// `ruleMatch`, `nameRegex`, `chainRegex` and their `…Exclude` companions) is matched here, with RE2 semantics:
// time linear in the input, whatever the pattern. V8's backtracking RegExp took 8.9 s for the built-in
// kubekey-fstab-swap-commented on one 80 KB fstab line and never finished `(a+)+$` against 40 characters; a rule
// file is input, and a scan must not hang on it. re2js is pure JavaScript, so it also runs inside the
// single-executable binary (a native addon such as `re2` cannot load there). Measured on this VM, warm: 0.04–0.4 µs
// per test on iptables rule lines, against ~0.05 µs for V8's RegExp (all 13 built-in iptables rules against a
// 50,000-rule table: within a few ms of V8 once `^literal` patterns take the startsWith path below).
//
// The syntax is RE2's (https://github.com/google/re2/wiki/Syntax): no lookahead, lookbehind or backreferences.
// Rule validation rejects them with the field named (`ruleRegexProblem`); a rule that needs "X but not Y" says so
// with the field's `…Exclude` companion instead of `X(?!Y)`.
import { RE2JS } from 're2js';
import { checkComparisonDeadline } from './comparison-deadline.js';

export interface RuleRegex {
  readonly source: string;
  /** True when the pattern matches anywhere in `text` (like RegExp.prototype.test without the `g` flag). */
  test(text: string): boolean;
  /**
   * The 1-based numbers of the lines the pattern matches, each line tested on its own (as grep does): `^` and
   * `$` are the line's ends, and `\s` cannot run into the next line (in one multiline match over the whole text,
   * `^\s*key` matched from the blank line above, and the fix deleted the blank line instead of the setting).
   */
  matchingLines(text: string): number[];
}

/** Inputs longer than this check the comparison deadline on every test; shorter ones every CHECK_EVERY tests. */
const LONG_INPUT = 4096;
const CHECK_EVERY = 256;

/** Compiled once per pattern and process: every rule's matcher is made again for each scan of a fleet report. */
const cache = new Map<string, RE2JS>();

function compiled(source: string): RE2JS {
  let re = cache.get(source);
  if (!re) {
    re = RE2JS.compile(source);
    cache.set(source, re);
  }
  return re;
}

/** `^KUBE-`: a literal prefix and nothing else, the commonest chain and set regex. */
const LITERAL_PREFIX = /^\^([A-Za-z0-9_-]+)$/;

/** Compiles a rule's regex (validated at load time, so this throws only for a rule that skipped validation). */
export function compileRuleRegex(source: string): RuleRegex {
  // The same answer as RE2 for `^literal` (no multiline: ^ is the start of the text), without the engine's
  // per-call cost: ~0.001 µs instead of ~1 µs, over thousands of chain names on a busy node.
  const prefix = LITERAL_PREFIX.exec(source)?.[1];
  // Compiled on the first test, not when the matcher is made: an RE2 compile costs ~0.1–0.5 ms, a scan makes a
  // matcher for every regex of every rule, and on a clean node most of them never meet a name to test (a clean
  // scan spent ~20 ms compiling them). A `^literal` pattern is never compiled.
  let engine: RE2JS | undefined;
  const re = (): RE2JS => (engine ??= compiled(source));
  let calls = 0;
  return {
    source,
    test(text) {
      if (text.length > LONG_INPUT || ++calls % CHECK_EVERY === 0) checkComparisonDeadline();
      return prefix !== undefined ? text.startsWith(prefix) : re().test(text);
    },
    matchingLines(text) {
      const lines: number[] = [];
      let number = 0;
      for (let start = 0; start <= text.length; ) {
        const nl = text.indexOf('\n', start);
        const end = nl === -1 ? text.length : nl;
        number++;
        if (end > start || nl !== -1) {
          // A CRLF file's lines end in \r: not part of the line for `$`.
          const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
          if (number % CHECK_EVERY === 0 || line.length > LONG_INPUT) checkComparisonDeadline();
          if (prefix !== undefined ? line.startsWith(prefix) : re().test(line)) lines.push(number);
        }
        if (nl === -1) break;
        start = nl + 1;
      }
      return lines;
    },
  };
}

/** A matcher for "matches `include` and not `exclude`"; with neither it matches everything. */
export function includeExcludeMatcher(include: string | undefined, exclude: string | undefined): ((text: string) => boolean) | undefined {
  if (include === undefined && exclude === undefined) return undefined;
  const inc = include !== undefined ? compileRuleRegex(include) : undefined;
  const exc = exclude !== undefined ? compileRuleRegex(exclude) : undefined;
  return (text) => (!inc || inc.test(text)) && !(exc && exc.test(text));
}

const UNSUPPORTED: ReadonlyArray<[RegExp, string]> = [
  [/\(\?<?[=!]/, 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported (RE2 syntax); use the field’s …Exclude companion for "but not"'],
  [/\\[1-9]/, 'backreferences (\\1 …) are not supported (RE2 syntax)'],
  [/\\k</, 'named backreferences (\\k<name>) are not supported (RE2 syntax)'],
];

/** Why `source` is not a rule regex, or undefined when it is one. The message names the unsupported feature. */
export function ruleRegexProblem(source: string): string | undefined {
  try {
    RE2JS.compile(source);
    return undefined;
  } catch (err) {
    const known = UNSUPPORTED.find(([re]) => re.test(source));
    if (known) return known[1];
    const message = err instanceof Error ? err.message : String(err);
    return `invalid regular expression (RE2 syntax): ${message.replace(/^error parsing regexp: /, '')}`;
  }
}
