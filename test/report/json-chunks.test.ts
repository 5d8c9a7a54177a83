// The JSON report is written in pieces (src/report/json-chunks.ts); joined, they must be exactly
// JSON.stringify(value, null, 2) — for real reports and for every corner of JSON.stringify's rules.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../../src/report/json-chunks.js';
import { jsonReporter } from '../../src/report/json.js';
import type { ScanResult } from '../../src/model/result.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const joined = (v: unknown, opts?: { streamDepth?: number; chunkSize?: number }): string => [...jsonChunks(v, opts)].join('');

describe('jsonChunks', () => {
  for (const name of ['clean-node', 'dirty-node', 'unchecked-node']) {
    it(`gives JSON.stringify's text for fixtures/scan-results/${name}.json`, () => {
      const report = JSON.parse(readFileSync(path.join(repoRoot, 'fixtures/scan-results', `${name}.json`), 'utf8')) as ScanResult;
      for (const streamDepth of [0, 1, 2, 3, 4, 5, 10]) {
        for (const chunkSize of [1, 100, 256 * 1024]) expect(joined(report, { streamDepth, chunkSize })).toBe(JSON.stringify(report, null, 2));
      }
      expect([...jsonReporter.renderChunks!(report, { color: false })].join('')).toBe(jsonReporter.render(report, { color: false }));
    });
  }

  it('follows JSON.stringify on undefined, functions, symbols, toJSON, empty containers and odd numbers', () => {
    class WithToJSON {
      toJSON(key: string): unknown {
        return { key, nested: [1, { deep: 'x' }] };
      }
    }
    const value = {
      a: undefined,
      b: () => 1,
      c: Symbol('s'),
      d: [undefined, () => 1, Symbol('t'), null, NaN, Infinity, -0, 1e21, 'q"uote\n\u2028'],
      e: {},
      f: [],
      g: [[], {}, [[]], { h: {} }],
      i: new WithToJSON(),
      j: [new WithToJSON()],
      k: new Date(0),
      l: { m: { n: { o: { p: [1, [2, [3, { q: undefined, r: 'é' }]]] } } } },
      'key "with" \\ quotes': true,
    };
    for (const streamDepth of [0, 1, 2, 3, 4, 6]) expect(joined(value, { streamDepth, chunkSize: 7 })).toBe(JSON.stringify(value, null, 2));
    for (const v of [[], {}, 1, 'x', null, [undefined], { a: undefined }]) expect(joined(v)).toBe(JSON.stringify(v, null, 2));
  });
});
