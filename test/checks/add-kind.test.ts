// What adding (or forgetting) a check kind costs, proved on a copy of the sources type-checked by tsc: removing a
// kind's line from any of the three registries fails tsc; a throwaway kind given only its declaration, its module
// and its two registry lines type-checks everywhere but in the fix side's registry, which names it; with its fix
// side (one file, one line) the whole copy type-checks (README "Adding a check kind" lists exactly these files);
// and the rule schema the build ships takes the new kind's part from its declaration alone.
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

const DEMO_FIX = `import type { KindFix, Planner } from './planner.js';
import { globsMatcher } from '../../glob.js';

const planDemo: Planner<'demo'> = (entries, b) => {
  for (const e of entries) b.toManual(e, e.commands.map((c) => c.display), 'demo objects are removed by hand');
};

export const demoFix: KindFix<'demo'> = {
  plan: planDemo,
  refusalPhase: 'rule-commands',
  readValues: (r) => ({ target: r.target() }),
  fits: (c, v) => (globsMatcher(c.names)(v.target) ? undefined : \`\${v.target} is not a name the rule looks for\`),
};
`;

/** The demo kind with its fix side too: one file and one line in src/fix/planners/index.ts. */
function withDemoKindAndFix(): string {
  const dir = withDemoKind();
  writeFileSync(path.join(dir, 'src/fix/planners/demo.ts'), DEMO_FIX);
  const index = path.join(dir, 'src/fix/planners/index.ts');
  const before = readFileSync(index, 'utf8');
  const after = before.replace("import { cgroupFix }", "import { demoFix } from './demo.js';\nimport { cgroupFix }").replace('  container: containerFix,\n', '  container: containerFix,\n  demo: demoFix,\n');
  expect(after).not.toBe(before);
  writeFileSync(index, after);
  return dir;
}

describe('adding a check kind', () => {
  // tsc over all of src/, five times at once: slow on a shared machine, never timed.
  const missingMeta = sourceCopy((file) => file('src/checks/kinds.ts', (t) => t.replace('  netns: netnsKind,\n', '')));
  const missingCheck = sourceCopy((file) => file('src/checks/index.ts', (t) => t.replace('    netns: netnsCheck,\n', '')));
  const demo = withDemoKind();
  const missingFix = sourceCopy((file) => file('src/fix/planners/index.ts', (t) => t.replace('  netns: netnsFix,\n', '')));
  const demoWithFix = withDemoKindAndFix();
  const results = Promise.all([typecheck(missingMeta), typecheck(missingCheck), typecheck(demo), typecheck(missingFix), typecheck(demoWithFix)]);

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
    // The Check union, the model, the engine, reports and schemas take it as it is; only the fix side's registry
    // (src/fix/planners/index.ts) asks for it, by name.
    expect(added.files, added.output).toEqual(['src/fix/planners/index.ts']);
    expect(added.output).toMatch(/demo/);
  }, 300_000);

  it("fails tsc when a kind's line is missing from the fix side's registry (src/fix/planners/index.ts)", async () => {
    const [, , , fix] = await results;
    expect(fix.ok).toBe(false);
    expect(fix.output).toMatch(/src\/fix\/planners\/index\.ts\(\d+,\d+\): error TS\d+: .*netns/s);
  }, 300_000);

  it('with its fix side (one file, one registry line) the new kind type-checks everywhere', async () => {
    const [, , , , complete] = await results;
    expect(complete.output).toBe('');
    expect(complete.ok).toBe(true);
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
