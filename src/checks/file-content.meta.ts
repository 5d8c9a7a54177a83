// The `file-content` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./file-content.ts.
import { schemaRef, type KindMeta } from './kind.js';

export interface FileContentCheck {
  kind: 'file-content';
  paths: string[];
  /** A regex (RE2 syntax, multiline mode: ^ and $ match at line ends) whose every match is evidence. */
  regex?: string;
  /** A marker block: the lines from `begin` to `end` inclusive. */
  marker?: { begin: string; end: string };
}

/** `sedDelete`: a sed program deleting the matched marker block or lines, e.g. `/# kubekey hosts BEGIN/,/# kubekey hosts END/d`. */
/** lines: the exact blocks of lines seen (each block's lines joined by newlines): what the fix plan removes. */
export type FileContentFixVars = { target: string; sedDelete: string; lines: string[] };

export const fileContentKind: KindMeta<'file-content', FileContentCheck, FileContentFixVars> = {
  kind: 'file-content',
  doc: { fields: '`paths`, and `regex` or `marker: {begin, end}`', findingPer: 'file' },
  params: { paths: 'required', regex: 'optional', marker: 'optional' },
  schema: {
    properties: {
      paths: schemaRef.absGlobList,
      regex: schemaRef.regex,
      marker: {
        type: 'object',
        additionalProperties: false,
        required: ['begin', 'end'],
        properties: { begin: schemaRef.nonEmpty, end: schemaRef.nonEmpty },
      },
    },
    minProperties: 3,
  },
  regexFields: ['regex'],
  fixVars: {
    target: 'the file',
    sedDelete: 'a sed program deleting the matched block or lines (shown; the fix plan removes `lines` by content instead)',
    lines: 'the exact text seen: each marker block (complete ones only) or matched line',
  },
  sarifPrecision: 'high',
};
