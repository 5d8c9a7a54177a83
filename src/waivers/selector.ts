// A waiver's target selector: a glob over the finding's target (picomatch, `*` stays within one path segment,
// dots match), or a regular expression written `/.../`. The regex is the user's own, run against short targets.
import picomatch from 'picomatch';

export type Selector = { ok: true; matches: (target: string) => boolean } | { ok: false; error: string };

export function compileSelector(text: string): Selector {
  const re = /^\/(.+)\/$/s.exec(text);
  // Targets never end in `/`, so a selector that starts and ends with one cannot be a useful glob: a regex.
  if (re) {
    try {
      const compiled = new RegExp(re[1] as string, 'u');
      return { ok: true, matches: (t) => compiled.test(t) };
    } catch (err) {
      return { ok: false, error: `invalid regular expression: ${(err as Error).message}` };
    }
  }
  try {
    const glob = picomatch(text, { dot: true });
    return { ok: true, matches: (t) => glob(t) };
  } catch (err) {
    return { ok: false, error: `invalid glob: ${(err as Error).message}` };
  }
}
