// What a rule's check can have produced, for `fix --from` (rederive.ts): each kind's `fits` (planners/<kind>.ts)
// says why a report's values cannot have come from the rule it names, with these matchers, the same ones the
// checks use (globs; RE2 rule regexes, src/rule-regex.ts).
import { globsMatcher } from '../glob.js';
import { compileRuleRegex } from '../rule-regex.js';

export const matches = (globs: readonly string[] | undefined, value: string): boolean => !globs || globs.length === 0 || globsMatcher(globs)(value);
// Rule regexes are RE2 (src/rule-regex.ts), matched as the checks match them.
export const regexMatches = (regex: string | undefined, value: string): boolean => regex === undefined || compileRuleRegex(regex).test(value);
export const nameFits = (globs: readonly string[] | undefined, regex: string | undefined, value: string): boolean =>
  (!globs && regex === undefined) || (globs !== undefined && globs.length > 0 && globsMatcher(globs)(value)) || (regex !== undefined && compileRuleRegex(regex).test(value));

/** `/var/run/x` and `/run/x` are the same place (the probes read both spellings). */
function runSpellings(p: string): string[] {
  if (p.startsWith('/var/run/')) return [p, p.slice(4)];
  if (p.startsWith('/run/')) return [p, `/var${p}`];
  return [p];
}

export function pathFits(globs: readonly string[], p: string): boolean {
  const m = globsMatcher(globs.flatMap(runSpellings));
  return runSpellings(p).some((x) => m(x));
}

/** `u` is `p` or below it. */
export const within = (u: string, p: string): boolean => u === p || u.startsWith(`${p}/`);

/** The chain a rule jumps (-j) or goes (-g) to. */
export function jumpTarget(words: readonly string[]): string | undefined {
  for (let i = words.length - 2; i >= 0; i--) if (words[i] === '-j' || words[i] === '-g' || words[i] === '--jump' || words[i] === '--goto') return words[i + 1];
  return undefined;
}

export function commentOf(words: readonly string[]): string | undefined {
  const i = words.indexOf('--comment');
  return i >= 0 ? words[i + 1] : undefined;
}

export const UNIT_DIR = /^(\/etc|\/run|\/usr\/lib|\/lib|\/usr\/local\/lib)\/systemd\/(system|transient|system\.control|generator(\.late|\.early)?)(\/[^/]+\.(wants|requires|upholds))?\/[^/]+$/;
