// md5 of a file, for comparing a package's file with what dpkg recorded. Its own module, imported only when a
// package database is read: node:crypto (3 ms to load) is not paid by scans that never need it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Hex md5 of a file's bytes; undefined when it cannot be read. */
export function md5File(file: string): string | undefined {
  try {
    return createHash('md5').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}
