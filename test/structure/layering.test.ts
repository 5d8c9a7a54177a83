// The layering rules over the import graph of src/ (read with the TypeScript compiler's parser), followed
// TRANSITIVELY: probes and parsers gather and decode host state and reach nothing that compares, decides or
// prints; reporters are pure and never reach the host, not even through the check registry; no module imports
// itself back through others.
//
// Two kinds of edge. A runtime edge is any import that survives the build: `import x`, `import { a, type B }`,
// `import './x.js'`, `export … from`, `import()`. A type-only edge is `import type …` / `export type … from`:
// erased by tsc and esbuild (verbatimModuleSyntax), so it creates no runtime dependency. The direct rules hold
// on every edge; the transitive rules on runtime edges; and the only type-only edge allowed to cross a layer
// against the rules is the model reading the check kinds' declared parameter types (src/checks/kinds.ts), from
// which the `Check` union is derived.
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

interface Edge {
  to: string;
  typeOnly: boolean;
}

/** The relative imports of one source file, each marked type-only or not. */
function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: Array<{ spec: string; typeOnly: boolean }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      edges.push({ spec: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly === true });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      edges.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) edges.push({ spec: arg.text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      edges.push({ spec: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges
    .filter((e) => e.spec.startsWith('.'))
    .map((e) => ({ to: path.relative(SRC, path.resolve(path.dirname(file), e.spec)).replace(/\.js$/, '.ts'), typeOnly: e.typeOnly }));
}

/** src-relative module → its src-relative imports (packages and node: builtins left out). */
const graph = new Map<string, Edge[]>(sourceFiles(SRC).map((f) => [path.relative(SRC, f), importsOf(f)]));
const layer = (module: string): string => module.split('/')[0] ?? '';
const runtimeImports = (m: string): string[] => (graph.get(m) ?? []).filter((e) => !e.typeOnly).map((e) => e.to);

/** Every module `m` reaches through runtime imports, with one path to it (for the message); not past `stop`. */
function reachable(m: string, stop: (m: string) => boolean = () => false): Map<string, string[]> {
  const seen = new Map<string, string[]>([[m, [m]]]);
  const queue = [m];
  for (let cur = queue.shift(); cur !== undefined; cur = queue.shift()) {
    for (const next of runtimeImports(cur)) {
      if (seen.has(next)) continue;
      seen.set(next, [...(seen.get(cur) ?? []), next]);
      if (!stop(next)) queue.push(next);
    }
  }
  seen.delete(m);
  return seen;
}

/** Direct imports (type-only too) from modules of `from` into layers of `forbidden`. */
function directViolations(from: readonly string[], forbidden: readonly string[]): string[] {
  const out: string[] = [];
  for (const [module, imports] of graph) {
    if (!from.includes(layer(module))) continue;
    for (const { to } of imports) if (forbidden.includes(layer(to))) out.push(`${module} imports ${to}`);
  }
  return out;
}

/** Runtime paths, however long, from modules matching `from` to the first module matching `forbidden` on them. */
function transitiveViolations(from: (m: string) => boolean, forbidden: (m: string) => boolean): string[] {
  const out: string[] = [];
  for (const module of graph.keys()) {
    if (!from(module)) continue;
    for (const [target, via] of reachable(module, forbidden)) if (forbidden(target)) out.push(via.join(' → '));
  }
  return out;
}

const inLayers =
  (...layers: string[]) =>
  (m: string): boolean =>
    layers.includes(layer(m));

/** The check kinds' metadata: what reporters, the rule loader and the schema read without any probe. */
const isKindMetadata = (m: string): boolean => m === 'checks/kinds.ts' || m === 'checks/kind.ts' || /^checks\/[^/]+\.meta\.ts$/.test(m);

function cycles(edges: (m: string) => string[]): string[] {
  const found: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (m: string): void => {
    state.set(m, 'visiting');
    stack.push(m);
    for (const next of edges(m)) {
      if (state.get(next) === 'visiting') found.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(m, 'done');
  };
  for (const m of [...graph.keys()].sort()) if (!state.has(m)) visit(m);
  return found;
}

/** The one type-only edge allowed to close a cycle: the model deriving `Check` from the kinds' declared types. */
const ALLOWED_TYPE_EDGES = new Set(['model/rule.ts → checks/kinds.ts']);

describe('layering of src/', () => {
  it('reads a real graph (every relative import resolves to a source file)', () => {
    expect(graph.size).toBeGreaterThan(50);
    const missing = [...graph].flatMap(([m, imports]) => imports.filter(({ to }) => !graph.has(to) && !/\.(json|css|sh)$/.test(to)).map(({ to }) => `${m} → ${to}`));
    expect(missing).toEqual([]);
  });

  it('sees the edges the rules depend on (type-only, runtime, re-exports, dynamic imports)', () => {
    const edges = (m: string) => (graph.get(m) ?? []).map((e) => `${e.to}${e.typeOnly ? ' (type)' : ''}`);
    expect(edges('model/rule.ts')).toContain('checks/kinds.ts (type)');
    expect(edges('report/index.ts')).toContain('report/sarif.ts');
    expect(edges('checks/path.ts')).toContain('probes/paths.ts');
  });

  it('probes and parsers import nothing from checks, engine, report, fix or cli, directly or not', () => {
    expect(directViolations(['probes', 'parsers'], ['checks', 'engine', 'report', 'fix', 'cli'])).toEqual([]);
    expect(transitiveViolations(inLayers('probes', 'parsers'), inLayers('checks', 'engine', 'report', 'fix', 'cli'))).toEqual([]);
  });

  it('parsers import no probe (they decode text handed to them), directly or not', () => {
    expect(directViolations(['parsers'], ['probes'])).toEqual([]);
    expect(transitiveViolations(inLayers('parsers'), inLayers('probes'))).toEqual([]);
  });

  it('checks import nothing from engine, report, fix or cli (they compare facts with rules, nothing more)', () => {
    expect(directViolations(['checks'], ['engine', 'report', 'fix', 'cli'])).toEqual([]);
    expect(transitiveViolations(inLayers('checks'), inLayers('engine', 'report', 'fix', 'cli'))).toEqual([]);
  });

  it("the kinds' metadata reaches no probe, parser or matcher (so reporters and the rule loader can read it)", () => {
    const implementation = (m: string): boolean => (layer(m) === 'checks' && !isKindMetadata(m)) || inLayers('probes', 'parsers', 'engine', 'report', 'fix', 'cli')(m);
    expect(transitiveViolations(isKindMetadata, implementation)).toEqual([]);
  });

  it('the model imports nothing but itself at runtime, and reads only the kinds\' declared types outside itself', () => {
    const outside = [...graph]
      .filter(([m]) => layer(m) === 'model')
      .flatMap(([m, imports]) => imports.filter((e) => layer(e.to) !== 'model' && !(e.typeOnly && ALLOWED_TYPE_EDGES.has(`${m} → ${e.to}`))).map((e) => `${m} imports ${e.to}`));
    expect(outside).toEqual([]);
  });

  it('reporters import nothing from probes or parsers, directly or not', () => {
    expect(directViolations(['report'], ['probes'])).toEqual([]);
    expect(transitiveViolations(inLayers('report'), inLayers('probes', 'parsers'))).toEqual([]);
  });

  it('there are no import cycles: none at runtime, and none at all but through the allowed type-only edge', () => {
    expect(cycles(runtimeImports)).toEqual([]);
    expect(cycles((m) => (graph.get(m) ?? []).filter((e) => !ALLOWED_TYPE_EDGES.has(`${m} → ${e.to}`)).map((e) => e.to))).toEqual([]);
  });
});
