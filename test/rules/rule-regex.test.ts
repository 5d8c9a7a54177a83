// Rule regexes run on RE2 (re2js): linear time whatever the pattern, so a rule file cannot hang a scan, and the
// features RE2 lacks are refused when the rule is loaded, not at match time.
import { describe, expect, it } from 'vitest';
import { compileRuleRegex, includeExcludeMatcher, ruleRegexProblem } from '../../src/rule-regex.js';
import { ComparisonTimeout, withComparisonDeadline } from '../../src/comparison-deadline.js';
import { expandRuleArgs, loadRuleFiles } from '../../src/rules/load.js';
import { builtinRulesDir, packageRoot } from '../../src/package-location.js';

describe('rule regexes', () => {
  it('(a+)+$ against 40 characters and a non-match finishes (V8 backtracking never did)', () => {
    const re = compileRuleRegex('(a+)+$');
    expect(re.test(`${'a'.repeat(40)}!`)).toBe(false);
    expect(re.test('a'.repeat(40))).toBe(true);
    expect(re.matchingLines(`${'a'.repeat(40)}!\n`)).toEqual([]);
  });

  it('the built-in kubekey-fstab-swap-commented regex on an 80 KB line finishes and still finds the real line', () => {
    const rule = loadRuleFiles(expandRuleArgs([builtinRulesDir]), { builtin: true, displayBase: packageRoot }).rules.find((r) => r.id === 'kubekey-fstab-swap-commented');
    const source = (rule?.check as { regex: string }).regex;
    const text = `${'#'.repeat(80_000)}\n/dev/sda1 / ext4 defaults 0 1\n#/swap.img none swap sw 0 0\n`;
    const re = compileRuleRegex(source);
    expect(re.matchingLines(text)).toEqual([3]);
  });

  it('file content is matched line by line: ^ and $ at each line, \\s never runs into the next line', () => {
    expect(compileRuleRegex('^b.$').matchingLines('a😀\nbc\nxbd\nbe')).toEqual([2, 4]);
    // One multiline match over the text started at the blank line: the fix then deleted the blank line.
    expect(compileRuleRegex('^\\s*vm\\.max_map_count\\s*=').matchingLines('a=1\n\nvm.max_map_count = 1\n')).toEqual([3]);
    expect(compileRuleRegex('^#+\\s*\\S+\\s+\\S+\\s+swap\\s.*$').matchingLines('####\n#/swap.img none swap sw 0 0\n')).toEqual([2]);
    expect(compileRuleRegex('^SELINUX=disabled\\s*$').matchingLines('SELINUX=disabled\r\nX=1\r\n')).toEqual([1]);
    expect(compileRuleRegex('^$').matchingLines('a\n\nb\n')).toEqual([2]);
  });

  it('include and exclude: "KUBE- but not KUBE-SRC-"', () => {
    const m = includeExcludeMatcher('^KUBE-', '^KUBE-(SRC|DST)-');
    expect(m?.('KUBE-CLUSTER-IP')).toBe(true);
    expect(m?.('KUBE-SRC-X')).toBe(false);
    expect(includeExcludeMatcher(undefined, undefined)).toBeUndefined();
    expect(includeExcludeMatcher(undefined, 'x')?.('abc')).toBe(true);
  });

  it.each([
    ['^(?!x)', /lookahead and lookbehind/],
    ['(?=x)', /lookahead and lookbehind/],
    ['(?<=a)b', /lookahead and lookbehind/],
    ['(?<!a)b', /lookahead and lookbehind/],
    ['(a)\\1', /backreferences/],
    ['(?<n>a)\\k<n>', /named backreferences/],
    ['cali([', /invalid regular expression \(RE2 syntax\): missing closing \]/],
  ])('refuses %s with a reason', (source, reason) => {
    expect(ruleRegexProblem(source)).toMatch(reason);
  });

  it('accepts what the built-in rules use', () => {
    expect(ruleRegexProblem('^(nameserver\\s+169\\.254\\.(25|20)\\.10\\s*)$')).toBeUndefined();
  });

  it('a comparison past its deadline throws ComparisonTimeout, which names --timeout', () => {
    const re = compileRuleRegex('b');
    const long = 'a'.repeat(10_000);
    expect(() =>
      withComparisonDeadline(5, () => {
        const until = Date.now() + 50;
        while (Date.now() < until) re.test(long);
      }),
    ).toThrow(ComparisonTimeout);
    expect(() => withComparisonDeadline(5, () => re.test(long))).not.toThrow();
    // outside any comparison there is no deadline
    expect(re.test(long)).toBe(false);
  });
});

describe('the ^literal fast path', () => {
  it('answers as RE2 does', () => {
    for (const [source, text, want] of [
      ['^KUBE-', 'KUBE-SERVICES', true],
      ['^KUBE-', 'MY-KUBE-SERVICES', false],
      ['^KUBE-', 'KUBE', false],
      ['^cali-', 'x\ncali-', false],
    ] as const) {
      expect(compileRuleRegex(source).test(text), `${source} ${text}`).toBe(want);
    }
    expect(compileRuleRegex('^cali-').matchingLines('x\ncali-a\n')).toEqual([2]);
  });
});
