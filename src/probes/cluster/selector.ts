// Kubernetes label selectors, evaluated locally for dumps (a live API server evaluates them itself):
// `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`, comma-separated, all must hold.
export type LabelTest = (labels: Readonly<Record<string, string>>) => boolean;

export function parseSelector(selector: string): LabelTest {
  const terms: LabelTest[] = [];
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of selector) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  for (const raw of parts) {
    const t = raw.trim();
    if (t === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^(\S+?)\s+(in|notin)\s+\(([^)]*)\)$/.exec(t))) {
      const [, key = '', op, list = ''] = m;
      const values = new Set(list.split(',').map((v) => v.trim()));
      terms.push(op === 'in' ? (l) => key in l && values.has(l[key] ?? '') : (l) => !(key in l) || !values.has(l[key] ?? ''));
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(t))) {
      const [, key = '', op, value = ''] = m;
      terms.push(op === '!=' ? (l) => l[key] !== value : (l) => key in l && l[key] === value);
    } else if ((m = /^!\s*(\S+)$/.exec(t))) {
      const key = m[1] ?? '';
      terms.push((l) => !(key in l));
    } else if (/^\S+$/.test(t)) {
      terms.push((l) => t in l);
    } else {
      throw new Error(`unsupported label selector term: ${t}`);
    }
  }
  return (labels) => terms.every((f) => f(labels));
}
