// Prints vitest's totals as one plain closing line ("N passed, N failed, N skipped") that any CI log reader
// understands, from the JSON report `npm test` asks vitest to write.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-output/vitest.json';
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  process.stdout.write(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped\n`);
} catch (err) {
  process.stdout.write(`\nno test summary (${err.message})\n`);
}
