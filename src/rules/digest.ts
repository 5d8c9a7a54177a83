// The rule set's version: a digest of the rules (without where they came from). Its own module so that node:crypto
// (3 ms to load) is loaded by the build and by source runs, not by the bundle, whose rules come pre-digested.
import { createHash } from 'node:crypto';
import type { Rule } from '../model/rule.js';

export function rulesDigest(rules: readonly Rule[]): string {
  return createHash('sha256').update(JSON.stringify(rules.map(({ source: _s, ...r }) => r))).digest('hex').slice(0, 12);
}
