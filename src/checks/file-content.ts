import { fileContentProbe, type FileContentFacts } from '../probes/file-content.js';
import type { CheckDefinition, RawFinding } from './check.js';
import { compileRuleRegex } from '../rule-regex.js';

/** Escapes text for a sed basic regular expression between `/` delimiters. */
export function sedLiteral(text: string): string {
  return text.replace(/[\\/.*[\]^$]/g, (c) => `\\${c}`);
}

function lineRanges(text: string, begin: string, end: string): Array<[number, number]> {
  const lines = text.split('\n');
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.includes(begin)) continue;
    let j = i + 1;
    while (j < lines.length && !lines[j]?.includes(end)) j++;
    ranges.push([i + 1, Math.min(j + 1, lines.length)]);
    i = j;
  }
  return ranges;
}


/** `sedDelete`: a sed program deleting the matched marker block or lines, e.g. `/# kubekey hosts BEGIN/,/# kubekey hosts END/d`. */
export type FileContentFixVars = { target: string; sedDelete: string };

export const fileContentCheck: CheckDefinition<'file-content', FileContentFacts, FileContentFixVars> = {
  kind: 'file-content',
  doc: { fields: '`paths`, and `regex` or `marker: {begin, end}`', findingPer: 'file' },
  params: { paths: 'required', regex: 'optional', marker: 'optional' },
  regexFields: ['regex'],
  fixVars: { target: 'the file', sedDelete: 'a sed program deleting the matched block or lines' },
  sarifPrecision: 'high',
  probe: fileContentProbe,
  match(check, facts) {
    const findings: RawFinding<FileContentFixVars>[] = [];
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const pattern of check.paths) {
      for (const f of facts.get(pattern) ?? []) {
        if (seen.has(f.hostPath)) continue;
        seen.add(f.hostPath);
        if (f.text === undefined) {
          problems.push(`${f.hostPath}: ${f.problem ?? 'not readable'}`);
          continue;
        }
        if (check.marker) {
          const ranges = lineRanges(f.text, check.marker.begin, check.marker.end);
          if (ranges.length === 0) continue;
          findings.push({
            target: f.hostPath,
            evidence: `block "${check.marker.begin}" at line${ranges.length > 1 ? 's' : ''} ${ranges.map(([a, b]) => `${a}-${b}`).join(', ')}`,
            vars: { target: f.hostPath, sedDelete: `/${sedLiteral(check.marker.begin)}/,/${sedLiteral(check.marker.end)}/d` },
          });
        } else if (check.regex) {
          const lines = compileRuleRegex(check.regex).matchingLines(f.text);
          if (lines.length === 0) continue;
          findings.push({
            target: f.hostPath,
            evidence: `matches /${check.regex}/ at line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}`,
            vars: { target: f.hostPath, sedDelete: lines.map((n) => `${n}d`).join(';') },
          });
        }
      }
    }
    return { findings, partial: problems.length > 0 ? problems.join('; ') : undefined };
  },
};
