import type { KindFix, Planner } from './planner.js';
import { pathFits, regexMatches } from '../fits.js';

/**
 * Shared files: the rule's `sed -i {{sedDelete}} FILE` becomes an edit anchored to the exact lines the scan saw
 * (values.lines); other sed programs of the rule (pattern substitutions) run as they are.
 */
export const planFileContents: Planner<'file-content'> = (entries, b) => {
  for (const e of entries) {
    const { target, sedDelete, lines } = e.values;
    b.routeRuleFix(e, sedDelete === '' ? {} : { anchoredEdit: { sedDelete, file: target, blocks: lines } });
  }
};

/** The file-content kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const fileContentFix: KindFix<'file-content'> = {
  plan: planFileContents,
  refusalPhase: 'file-edits',
  readValues: (r) => ({ target: r.target(), sedDelete: r.word('sedDelete'), lines: r.optionalWords('lines') ?? [] }),
  fits: (c, v) => {
    if (!pathFits(c.paths, v.target)) return `${v.target} is not a file the rule looks in`;
    for (const block of v.lines ?? []) {
      const lines = block.split('\n');
      if (c.marker && !(lines[0]?.includes(c.marker.begin) && lines[lines.length - 1]?.includes(c.marker.end))) return 'a recorded block is not one between the rule\u2019s markers';
      if (c.regex && !(lines.length === 1 && regexMatches(c.regex, block.replace(/\r$/, '')))) return 'a recorded line does not match the rule\u2019s regex';
    }
    return undefined;
  },
};
