// The layering rules over the import graph of src/ (read with the TypeScript compiler's own import scanner, so
// `import type` and re-exports count too): probes and parsers gather and decode host state and depend on
// nothing that compares, decides or prints; reporters are pure and never reach for the host; no module
// imports itself back through others.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** src-relative module → the src-relative modules it imports (packages and node: builtins left out). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const imports = ts
      .preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles.map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => path.relative(SRC, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '.ts'));
    graph.set(path.relative(SRC, file), imports);
  }
  return graph;
}

const graph = importGraph();
const layer = (module: string): string => module.split('/')[0] ?? '';

function violations(from: readonly string[], forbidden: readonly string[]): string[] {
  const out: string[] = [];
  for (const [module, imports] of graph) {
    if (!from.includes(layer(module))) continue;
    for (const imported of imports) if (forbidden.includes(layer(imported))) out.push(`${module} imports ${imported}`);
  }
  return out;
}

describe('layering of src/', () => {
  it('reads a real graph (every relative import resolves to a source file)', () => {
    expect(graph.size).toBeGreaterThan(50);
    const missing = [...graph].flatMap(([m, imports]) => imports.filter((i) => !graph.has(i) && !/\.(json|css|sh)$/.test(i)).map((i) => `${m} → ${i}`));
    expect(missing).toEqual([]);
  });

  it('probes and parsers import nothing from checks, engine, report, fix or cli', () => {
    expect(violations(['probes', 'parsers'], ['checks', 'engine', 'report', 'fix', 'cli'])).toEqual([]);
  });

  it('parsers import no probe (they decode text handed to them)', () => {
    expect(violations(['parsers'], ['probes'])).toEqual([]);
  });

  it('checks import nothing from engine, report, fix or cli (they compare facts with rules, nothing more)', () => {
    expect(violations(['checks'], ['engine', 'report', 'fix', 'cli'])).toEqual([]);
  });

  it('the model imports nothing but itself', () => {
    const outside = [...graph].filter(([m]) => layer(m) === 'model').flatMap(([m, imports]) => imports.filter((i) => layer(i) !== 'model').map((i) => `${m} imports ${i}`));
    expect(outside).toEqual([]);
  });

  it('reporters import nothing from probes', () => {
    expect(violations(['report'], ['probes'])).toEqual([]);
  });

  it('there are no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (m: string): void => {
      state.set(m, 'visiting');
      stack.push(m);
      for (const next of graph.get(m) ?? []) {
        if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(m, 'done');
    };
    for (const m of [...graph.keys()].sort()) if (!state.has(m)) visit(m);
    expect(cycles).toEqual([]);
  });
});
