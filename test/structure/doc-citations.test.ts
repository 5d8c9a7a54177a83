// Comments cite measurements and field knowledge as `ecosystem.md §1.1`, `residue catalog §5.0` or `seed 004`.
// Every such citation in the repository must name a section that exists in docs/, so none points nowhere.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const SOURCES = ['src', 'test', 'bench', 'rules', '.ci'];

function files(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'golden' || e.name === 'node_modules' ? [] : files(p);
    return /\.(ts|mts|mjs|cjs|js|sh|yaml|md|pl)$/.test(e.name) ? [p] : [];
  });
}

/** Section numbers of a docs/ file: `## 2. Mounts` → 2, `### 5.0 How ...` → 5.0. */
function sections(doc: string): Set<string> {
  const text = readFileSync(path.join(repoRoot, 'docs', doc), 'utf8');
  return new Set([...text.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)].map((m) => m[1] ?? ''));
}

const seeds = new Set([...readFileSync(path.join(repoRoot, 'docs', 'seeds.md'), 'utf8').matchAll(/^\| (\d{3}) \|/gm)].map((m) => m[1] ?? ''));

interface Citation {
  where: string;
  doc: 'ecosystem.md' | 'residue-catalog.md' | 'seeds.md';
  section: string;
}

function citations(): Citation[] {
  const out: Citation[] = [];
  for (const file of SOURCES.flatMap((d) => files(path.join(repoRoot, d)))) {
    // Join comment lines, so a citation broken over two lines still reads as one.
    const text = readFileSync(file, 'utf8').replace(/\n\s*(?:\/\/|#|\*)\s*/g, ' ');
    const where = path.relative(repoRoot, file);
    for (const m of text.matchAll(/(ecosystem\.md|residue catalog)\s+((?:§\d+(?:\.\d+)*(?:,\s*)?)+)/g)) {
      const doc = m[1] === 'ecosystem.md' ? 'ecosystem.md' : 'residue-catalog.md';
      for (const s of (m[2] ?? '').matchAll(/§(\d+(?:\.\d+)*)/g)) out.push({ where, doc, section: s[1] ?? '' });
    }
    for (const m of text.matchAll(/\bseeds? ((?:\d{3}(?:,\s*|\s+and\s+)?)+)/g)) {
      for (const s of (m[1] ?? '').matchAll(/\d{3}/g)) out.push({ where, doc: 'seeds.md', section: s[0] });
    }
  }
  return out;
}

describe('citations of design notes', () => {
  const found = citations();
  const known = { 'ecosystem.md': sections('ecosystem.md'), 'residue-catalog.md': sections('residue-catalog.md'), 'seeds.md': seeds };

  it('finds the citations the code makes', () => {
    expect(found.filter((c) => c.doc === 'ecosystem.md').length).toBeGreaterThanOrEqual(5);
    expect(found.filter((c) => c.doc === 'residue-catalog.md').length).toBeGreaterThanOrEqual(3);
    expect(found.filter((c) => c.doc === 'seeds.md').length).toBeGreaterThanOrEqual(3);
  });

  it('every cited section exists in docs/', () => {
    const dangling = found.filter((c) => !known[c.doc].has(c.section)).map((c) => `${c.where}: docs/${c.doc} has no section ${c.section}`);
    expect(dangling).toEqual([]);
  });
});
