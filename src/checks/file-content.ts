import { fileContentKind, type FileContentFixVars } from './file-content.meta.js';
import { fileContentProbe, type FileContentFacts } from '../probes/file-content.js';
import type { CheckDefinition, RawFinding } from './check.js';
import { compileRuleRegex } from '../rule-regex.js';

/** Escapes text for a sed basic regular expression between `/` delimiters. */
export function sedLiteral(text: string): string {
  return text.replace(/[\\/.*[\]^$]/g, (c) => `\\${c}`);
}

/** The file's lines (a final newline ends the last line; it does not start another). */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Marker blocks as 1-based line ranges; `closed` is false for a block whose end marker is missing. */
function lineRanges(lines: readonly string[], begin: string, end: string): Array<{ from: number; to: number; closed: boolean }> {
  const ranges: Array<{ from: number; to: number; closed: boolean }> = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.includes(begin)) continue;
    let j = i + 1;
    while (j < lines.length && !lines[j]?.includes(end)) j++;
    ranges.push({ from: i + 1, to: Math.min(j + 1, lines.length), closed: j < lines.length });
    i = j;
  }
  return ranges;
}

export const fileContentCheck: CheckDefinition<'file-content', FileContentFacts, FileContentFixVars> = {
  ...fileContentKind,
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
          const lines = splitLines(f.text);
          const ranges = lineRanges(lines, check.marker.begin, check.marker.end);
          if (ranges.length === 0) continue;
          findings.push({
            target: f.hostPath,
            evidence: `block "${check.marker.begin}" at line${ranges.length > 1 ? 's' : ''} ${ranges.map((r) => `${r.from}-${r.to}${r.closed ? '' : ' (no end marker)'}`).join(', ')}`,
            // `lines`: the exact blocks seen, which is what the fix plan removes (never a line number or a range).
            vars: {
              target: f.hostPath,
              sedDelete: `/${sedLiteral(check.marker.begin)}/,/${sedLiteral(check.marker.end)}/d`,
              lines: ranges.filter((r) => r.closed).map((r) => lines.slice(r.from - 1, r.to).join('\n')),
            },
          });
        } else if (check.regex) {
          const numbers = compileRuleRegex(check.regex).matchingLines(f.text);
          if (numbers.length === 0) continue;
          const lines = splitLines(f.text);
          findings.push({
            target: f.hostPath,
            evidence: `matches /${check.regex}/ at line${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')}`,
            vars: { target: f.hostPath, sedDelete: numbers.map((n) => `${n}d`).join(';'), lines: numbers.map((n) => lines[n - 1] ?? '') },
          });
        }
      }
    }
    return { findings, partial: problems.length > 0 ? problems.join('; ') : undefined };
  },
};
