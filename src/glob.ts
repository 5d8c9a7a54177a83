// Glob matching for names (units, links, chains, processes, mount points): picomatch with `dot`, except that
// a pattern without any glob character is looked up in a Set. Most patterns in rules are plain names
// (kubelet.service, tunl0, /run/calico/cgroup); compiling each of them to a regular expression and testing
// every name against every one of them cost ~10 ms of a typical scan. The result is the same: a plain pattern
// matches exactly itself (test/glob.test.ts checks that against picomatch).
import picomatch from 'picomatch';

/** Anything picomatch may read as more than a literal character. */
const SPECIAL = /[*?[\]{}()!+@\\]/;

export function isPlainName(pattern: string): boolean {
  return !SPECIAL.test(pattern) && !pattern.startsWith('./') && !pattern.endsWith('/');
}

/** A matcher for `picomatch(patterns, { dot })` (dot: true unless told): true when a name matches any pattern. */
export function globsMatcher(patterns: readonly string[], { dot = true }: { dot?: boolean } = {}): (name: string) => boolean {
  const plain = new Set<string>();
  const globs: string[] = [];
  for (const p of patterns) {
    if (isPlainName(p)) plain.add(p);
    else globs.push(p);
  }
  if (globs.length === 0) return (name) => plain.has(name);
  // What picomatch's matcher does on POSIX, without its per-call bookkeeping: the pattern itself, or its regex.
  const compiled = globs.map((g) => ({ glob: g, re: picomatch.makeRe(g, { dot }) }));
  const glob = (name: string): boolean => name !== '' && compiled.some((c) => name === c.glob || c.re.test(name));
  if (plain.size === 0) return glob;
  return (name) => plain.has(name) || glob(name);
}
