// The hand-written scan results the reporter tests render (fixtures/scan-results/*.json).
import { readFileSync } from 'node:fs';
import type { ScanResult } from '../../src/model/result.js';

export const FIXTURE_NAMES = ['dirty-node', 'clean-node', 'unchecked-node'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export function loadFixture(name: FixtureName): ScanResult {
  const url = new URL(`../../fixtures/scan-results/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ScanResult;
}

/** A deep copy, so a test can change a fixture without touching the others. */
export function cloneResult(result: ScanResult): ScanResult {
  return JSON.parse(JSON.stringify(result)) as ScanResult;
}
