// A waiver: one accepted finding (or set of findings) of one rule, with a reason, an owner and an end date.
// Unlike --skip it never hides the rule: the finding is still reported, marked, and stops failing the run only
// until the waiver expires.
import type { WaiverFields } from '../model/result.js';

export interface Waiver extends WaiverFields {
  /** Where it is written, for messages and the report. */
  file: string;
  line: number;
}

export interface WaiverProblem {
  file: string;
  line?: number;
  /** Which waiver (index in the list) and field, when known. */
  index?: number;
  field?: string;
  message: string;
}

export function formatWaiverProblem(p: WaiverProblem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  const which = p.index !== undefined ? ` waivers[${p.index}]${p.field ? `.${p.field}` : ''}` : p.field ? ` ${p.field}` : '';
  return `${where}:${which}${which ? ':' : ''} ${p.message}`;
}

export function waiverSource(w: Pick<Waiver, 'file' | 'line'>): string {
  return `${w.file}:${w.line}`;
}

export const DEFAULT_MAX_HORIZON_DAYS = 90;
