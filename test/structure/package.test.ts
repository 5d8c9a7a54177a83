// What `npm install kube-residue` gets: the CLI, both JSON Schemas (rule files and the JSON report, so users and
// CI can validate against the ones of their version) and every rule pack; no sources or tests. Read from
// `npm pack --dry-run --json` (scripts skipped: `npm test` has built dist/ already).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

interface PackResult {
  files: Array<{ path: string }>;
}

function packedFiles(): string[] {
  const res = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  expect(res.status, res.stderr).toBe(0);
  const [pack] = JSON.parse(res.stdout) as PackResult[];
  return (pack?.files ?? []).map((f) => f.path).sort();
}

describe('the npm package', () => {
  const files = packedFiles();
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };

  it('ships the CLI its bin names, and the compiled built-in rules', () => {
    for (const bin of Object.values(pkg.bin)) expect(files).toContain(bin.replace(/^\.\//, ''));
    expect(files).toContain('dist/kube-residue-main.cjs');
    expect(files).toContain('dist/builtin-rules.json');
  });

  it('ships both JSON Schemas', () => {
    expect(files).toContain('dist/schema/rule.schema.json');
    expect(files).toContain('dist/schema/report.schema.json');
  });

  it('ships every rule pack', () => {
    const packs = readdirSync(path.join(repoRoot, 'rules')).filter((f) => f.endsWith('.yaml')).map((f) => `rules/${f}`);
    expect(packs.length).toBeGreaterThan(10);
    for (const p of packs) expect(files).toContain(p);
  });

  it('every schema path the README names is in the package', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    // As a path in the repository or in an installed package (node_modules/kube-residue/...).
    const cited = [...new Set([...readme.matchAll(/`(?:node_modules\/kube-residue\/)?((?:[\w.-]+\/)+[\w.-]+\.schema\.json)`/g)].map((m) => m[1] ?? ''))];
    expect(cited.length).toBeGreaterThanOrEqual(2);
    for (const c of cited) expect(files).toContain(c);
  });

  it('ships no sources or tests beyond the schemas', () => {
    expect(files.filter((f) => /^(test|bench|fixtures)\//.test(f) || f.endsWith('.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/') && !f.startsWith('src/schema/'))).toEqual([]);
  });
});
