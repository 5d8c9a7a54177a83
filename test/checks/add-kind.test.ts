// What adding (or forgetting) a check kind costs, proved on a copy of the sources type-checked by tsc: removing a
// kind's line from either registry fails tsc; a throwaway kind given only its declaration, its module and its two
// registry lines type-checks everywhere but in the fix side, whose four registries name it (README "Adding a
// check kind" lists exactly these files); and the rule schema the build ships takes the new kind's part from its
// declaration alone.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A copy of src/ (and what it imports from the root) that tsc checks on its own. */
function sourceCopy(edit: (file: (rel: string, change: (text: string) => string) => void, write: (rel: string, text: string) => void) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kr-add-kind-'));
  copies.push(dir);
  cpSync(path.join(repoRoot, 'src'), path.join(dir, 'src'), { recursive: true });
  cpSync(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  const tsconfig = JSON.parse(readFileSync(path.join(repoRoot, 'tsconfig.json'), 'utf8')) as { include: string[] };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: ['src/**/*.ts'] }));
  edit(
    (rel, change) => {
      const p = path.join(dir, rel);
      const before = readFileSync(p, 'utf8');
      const after = change(before);
      expect(after, `${rel} unchanged by the edit`).not.toBe(before);
      writeFileSync(p, after);
    },
    (rel, text) => writeFileSync(path.join(dir, rel), text),
  );
  return dir;
}

/** tsc over the copy: whether it passed, and the files its errors are in. */
function typecheck(dir: string): Promise<{ ok: boolean; files: string[]; output: string }> {
  return new Promise((resolve) => {
    const tsc = spawn(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', dir, '--noEmit', '--pretty', 'false'], { cwd: dir });
    let output = '';
    tsc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    tsc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    tsc.on('close', (code) => {
      const files = [...new Set([...output.matchAll(/^(src\/[^(]+)\(\d+,\d+\): error/gm)].map((m) => m[1] ?? ''))].sort();
      resolve({ ok: code === 0, files, output });
    });
  });
}

const DEMO_META = `import { schemaRef, type KindMeta } from './kind.js';

export interface DemoCheck {
  kind: 'demo';
  names: string[];
  pattern?: string;
}

export type DemoFixVars = { target: string };

export const demoKind: KindMeta<'demo', DemoCheck, DemoFixVars> = {
  kind: 'demo',
  doc: { fields: '\`names\`, \`pattern\`', findingPer: 'name' },
  params: { names: 'required', pattern: 'optional' },
  schema: { properties: { names: schemaRef.globList, pattern: schemaRef.regex } },
  regexFields: ['pattern'],
  fixVars: { target: 'the name' },
  sarifPrecision: 'high',
};
`;

const DEMO_CHECK = `import { demoKind, type DemoFixVars } from './demo.meta.js';
import type { Probe } from '../probes/probe.js';
import type { DemoCheck } from './demo.meta.js';
import type { CheckDefinition } from './check.js';
import { nameMatcher } from './check.js';

const demoProbe: Probe<DemoCheck, string[]> = { id: 'demo', gather: async () => ['a', 'b'] };

export const demoCheck: CheckDefinition<'demo', string[], DemoFixVars> = {
  ...demoKind,
  probe: demoProbe,
  match(check, names) {
    const matches = nameMatcher(check.names, check.pattern);
    return { findings: names.filter(matches).map((n) => ({ target: n, evidence: 'demo', vars: { target: n } })) };
  },
};
`;

/** The copy with a throwaway kind `demo`: its declaration, its module and its line in each registry, nothing else. */
function withDemoKind(): string {
  return sourceCopy((file, write) => {
    write('src/checks/demo.meta.ts', DEMO_META);
    write('src/checks/demo.ts', DEMO_CHECK);
    file('src/checks/kinds.ts', (t) => t.replace("import { cgroupKind }", "import { demoKind } from './demo.meta.js';\nimport { cgroupKind }").replace('  container: containerKind,\n', '  container: containerKind,\n  demo: demoKind,\n'));
    file('src/checks/index.ts', (t) => t.replace("import { cgroupCheck }", "import { demoCheck } from './demo.js';\nimport { cgroupCheck }").replace('    container: containerCheck,\n', '    container: containerCheck,\n    demo: demoCheck,\n'));
  });
}

describe('adding a check kind', () => {
  // tsc over all of src/, three times at once: slow on a shared machine, never timed.
  const missingMeta = sourceCopy((file) => file('src/checks/kinds.ts', (t) => t.replace('  netns: netnsKind,\n', '')));
  const missingCheck = sourceCopy((file) => file('src/checks/index.ts', (t) => t.replace('    netns: netnsCheck,\n', '')));
  const demo = withDemoKind();
  const results = Promise.all([typecheck(missingMeta), typecheck(missingCheck), typecheck(demo)]);

  it("fails tsc when a kind's line is missing from the kinds' registry (src/checks/kinds.ts)", async () => {
    const [meta] = await results;
    expect(meta.ok).toBe(false);
    expect(meta.files).toContain('src/checks/index.ts');
  }, 300_000);

  it("fails tsc when a kind's line is missing from the probes' registry (src/checks/index.ts)", async () => {
    const [, check] = await results;
    expect(check.ok).toBe(false);
    expect(check.output).toMatch(/src\/checks\/index\.ts\(\d+,\d+\): error TS\d+: .*netns/s);
  }, 300_000);

  it('a new kind with its module and its two registry lines type-checks but for the fix side, which tsc names', async () => {
    const [, , added] = await results;
    expect(added.ok).toBe(false);
    // The Check union, the model, the engine, reports and schemas take it as it is; only the fix side (src/fix) asks
    // for it, by name, in its four registries: a planner, the script section its steps go in, how its values are
    // read from a report, which values a rule can produce (other errors there follow from those).
    expect(added.files.filter((f) => !f.startsWith('src/fix/')), added.output).toEqual([]);
    const registries = [...new Set([...added.output.matchAll(/^(src\/[^(]+)\(\d+,\d+\): error TS(?:1360|2741): .*demo/gm)].map((m) => m[1] ?? ''))].sort();
    expect(registries, added.output).toEqual(['src/fix/planners/index.ts', 'src/fix/rederive.ts', 'src/fix/script.ts', 'src/fix/values.ts']);
    expect(added.output).toMatch(/demo/);
  }, 300_000);

  it("the rule schema takes the new kind's part from its declaration alone", () => {
    const out = path.join(demo, 'schema-check.cjs');
    buildSync({ entryPoints: [path.join(demo, 'src/schema/rule-schema.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'error' });
    const { ruleFileSchema } = createRequire(import.meta.url)(out) as { ruleFileSchema: object };
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(ruleFileSchema);
    const rule = (check: object): object => ({
      pack: 'demo',
      rules: [{ id: 'demo-x', title: 'x', severity: 'low', description: 'x', tags: [], profiles: ['post-reset'], check, fix: { commands: [] }, rebootClears: false, references: [] }],
    });
    expect(validate(rule({ kind: 'demo', names: ['a*'], pattern: '^a' })), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(rule({ kind: 'demo', pattern: '^a' }))).toBe(false);
    expect(validate.errors?.map((e) => e.message)).toContain("must have required property 'names'");
    expect(validate(rule({ kind: 'demo', names: ['a'], colour: 'red' }))).toBe(false);
  });
});
