// A waiver's target selector: a glob over the finding's target (picomatch, `*` stays within one path segment,
// dots match), or a regular expression written `/.../`, matched like every rule regex (rule-regex.ts: RE2
// syntax, time linear in the target).
import picomatch from 'picomatch';
import { compileRuleRegex, ruleRegexProblem } from '../rule-regex.js';

export type Selector = { ok: true; matches: (target: string) => boolean } | { ok: false; error: string };

export function compileSelector(text: string): Selector {
  const re = /^\/(.+)\/$/s.exec(text);
  // Targets never end in `/`, so a selector that starts and ends with one cannot be a useful glob: a regex.
  if (re) {
    const source = re[1] as string;
    const problem = ruleRegexProblem(source);
    if (problem) return { ok: false, error: problem };
    const compiled = compileRuleRegex(source);
    return { ok: true, matches: (t) => compiled.test(t) };
  }
  try {
    const glob = picomatch(text, { dot: true });
    return { ok: true, matches: (t) => glob(t) };
  } catch (err) {
    return { ok: false, error: `invalid glob: ${(err as Error).message}` };
  }
}
