// Parsing helpers for option values, each failing with a usage error (exit 2) rather than guessing.
import { InvalidArgumentError } from 'commander';
import { PROFILES, SEVERITIES, type ProfileSelector, type Severity } from '../model/rule.js';

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseSeverity(value: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${SEVERITIES.join(', ')}`);
  return value as Severity;
}

export function parseProfile(value: string): ProfileSelector {
  if (value !== 'all' && !(PROFILES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${[...PROFILES, 'all'].join(', ')}`);
  return value as ProfileSelector;
}

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new InvalidArgumentError('must be a number of seconds between 0 and 3600');
  return n;
}

/** `--report sarif=out.sarif` → { format, file }. A report always names its file: standard output is --format's. */
export function parseReportSpec(value: string, previous: Array<{ format: string; file: string }>): Array<{ format: string; file: string }> {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new InvalidArgumentError('expected <format>=<file> (standard output takes the --format report)');
  return [...previous, { format: value.slice(0, eq), file: value.slice(eq + 1) }];
}
