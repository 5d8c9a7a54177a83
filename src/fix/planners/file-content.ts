import type { Planner } from './planner.js';

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
