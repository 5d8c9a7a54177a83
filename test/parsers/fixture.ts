// Reads a checked-in fixture (fixtures/<area>/<file>) for the parser tests.
import { readFileSync } from 'node:fs';

const ROOT = new URL('../../fixtures/', import.meta.url);

export function fixture(relPath: string): string {
  return readFileSync(new URL(relPath, ROOT), 'utf8');
}
