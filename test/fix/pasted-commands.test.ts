// Every command the script shows for a person (refused "Not run:" lines, commands left to run by hand) is valid
// sh that addresses exactly the target when pasted; and a name with a literal glob character (a file named
// `k3s-*`) is removed by the script itself, as that one file, not shown as a broken command.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFix } from '../../src/fix/template.js';
import { planFix, type FixTemplates } from '../../src/fix/plan.js';
import { renderScript } from '../../src/fix/script.js';
import { fromFindings, makeResult, runShell } from './helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kr-pasted-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const META = { generatedAt: '2026-03-14T10:00:00.000Z', generatorVersion: '0.1.0', source: 'test' };
const NAMES = ['k3s-*', 'a?b', '[ab]', 'it\'s *', 'back\\slash', '$(touch PWNED)', '`id`', '-rf', 'a b', '{a,b}', '~root', '#x', 'tab\there', 'bidi\u202eexe', 'new\nline'];

/** The words bash reads from `text` as the arguments of a command (run with `set --`, in an empty directory). */
function wordsOf(text: string): string[] {
  const dir = mkdtempSync(path.join(tmp, 'paste-'));
  const r = runShell('bash', ['-c', `cd "$1" && eval "set -- $2" && printf '%s\\0' "$@"`, 'bash', dir, text]);
  expect(r.stderr, text).toBe('');
  expect(readdirSync(dir), `${text} created files`).toEqual([]);
  return r.stdout.split('\0').slice(0, -1);
}

describe('displayed commands', () => {
  it('removes a file literally named k3s-* and nothing that the glob would match', () => {
    const dir = path.join(tmp, 'default');
    mkdirSync(dir);
    for (const f of ['k3s-*', 'k3s-keep', 'k3s-']) writeFileSync(path.join(dir, f), f);
    const target = path.join(dir, 'k3s-*');
    const plan = planFix(makeResult([{ id: 'k3s-default', kind: 'path', findings: [{ target, evidence: 'file, 5 bytes', fix: renderFix(['rm -f -- {{target}}'], { target }) }] }], { hostname: hostname() }), fromFindings);
    expect(plan.manual).toEqual([]);
    const file = path.join(tmp, 'k3s.sh');
    writeFileSync(file, renderScript(plan, META));
    const run = runShell('dash', [file]);
    expect(run.status, run.stdout).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['k3s-', 'k3s-keep']);
  });

  it('shows refused and by-hand commands so that pasting them gives exactly the words', () => {
    const findings = NAMES.map((n) => `/proc/kr-test/${n}`).map((target) => ({ target, evidence: 'file', fix: renderFix(['rm -f -- {{target}}'], { target }) }));
    const crds = NAMES.map((name) => ({ target: `crd/${name}`, vars: { target: `crd/${name}`, resource: 'crd', name }, fix: renderFix(['kubectl delete crd {{name}}'], { resource: 'crd', name }) }));
    const templates: FixTemplates = (rule) => (rule.ruleId === 'refused' ? ['rm -f -- {{target}}'] : ['kubectl delete crd {{name}}']);
    const text = renderScript(planFix(makeResult([{ id: 'refused', kind: 'path', findings }, { id: 'by-hand', kind: 'kube-resource', findings: crds }], { hostname: hostname() }), templates), META);
    const notRun = text.split('\n').filter((l) => l.startsWith('#   Not run: ')).map((l) => l.slice('#   Not run: '.length));
    expect(notRun.map(wordsOf)).toEqual(NAMES.map((n) => ['rm', '-f', '--', `/proc/kr-test/${n}`]));
    const byHand = text.split('\n').filter((l) => l.startsWith('#     kubectl ')).map((l) => l.slice('#     '.length));
    expect(byHand.map(wordsOf)).toEqual(NAMES.map((n) => ['kubectl', 'delete', 'crd', n]));
  });
});
