// Exit codes: the one place they are decided, from the result alone — never from the output format.
import type { ScanResult } from '../model/result.js';

export const EXIT = {
  clean: 0,
  residue: 1,
  usage: 2,
  unchecked: 3,
  /** A bug in kube-residue, never a verdict about the host: the message asks for a report with --debug. */
  internal: 4,
} as const;

export const EXIT_CODE_HELP = `Exit codes:
  0  every selected rule was checked and nothing was found at or above --fail-on
  1  residue found at or above --fail-on
  2  usage error, invalid rule file (the message names file, line, rule and field), or a report that cannot be written
  3  nothing found at or above --fail-on, but some rules could not be checked (use --allow-unchecked to accept)
  4  internal error: a bug in kube-residue, not a verdict (run again with --debug for the stack trace)`;

export function exitCodeFor(result: ScanResult): number {
  if (result.verdict === 'residue') return EXIT.residue;
  if (result.verdict === 'unchecked') return result.selection.allowUnchecked ? EXIT.clean : EXIT.unchecked;
  return EXIT.clean;
}
