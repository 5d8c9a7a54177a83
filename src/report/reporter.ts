// One small interface for every output format (ESLint-style formatters): a pure function from a scan result to
// text. Reporters never touch the host or the clock; everything they print comes from the result.
import type { ScanResult } from '../model/result.js';

export interface RenderOptions {
  /** ANSI colour; only the terminal table uses it. */
  color: boolean;
  /** SARIF only: leave waived findings out (default; GitHub code scanning is not shown to honour suppressions) or include them with a suppression. */
  sarifWaived?: 'omit' | 'suppress';
}

export interface Reporter {
  /** The name used on the command line: `--format <name>` or `--report <name>=<file>`. */
  readonly name: string;
  /** What the format is for, shown in `--help`. */
  readonly description: string;
  render(result: ScanResult, options: RenderOptions): string;
  /** The same text as render(), in pieces, for formats whose reports get large: written as they come. */
  renderChunks?(result: ScanResult, options: RenderOptions): Iterable<string>;
}
