// What a person copies out of a report is the command that acts on the residue, for names that are not valid
// UTF-8 too. A directory "e\xff\xfe" (real bytes 0xff 0xfe) is residue; beside it a hostile user made a FILE named
// with the literal text `e\xff\xfe` (backslashes: the report's escape spelling of the residue). The displayed
// command of the residue's finding, taken from the JSON, Markdown, HTML, SARIF and table reports and from the fix
// script's dry run, is run by dash and by bash: it removes the byte-named directory and the decoy survives byte
// for byte. The same for an interface named with bytes, in a private network namespace with its own sysfs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { cliPath, runCli } from '../helpers/cli.js';
import { runShell } from './helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kr-pb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

const rulePack = (check: string, fix: string): string => `pack: pasted
rules:
  - id: pasted-bytes
    title: byte-named residue
    severity: low
    description: a name that is not valid UTF-8
    tags: []
    profiles: [post-reset]
    check: ${check}
    fix: { commands: ['${fix}'] }
    rebootClears: false
    references: []
`;

/** HTML text as a browser shows it (and a person copies it). */
function htmlText(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
}

const lines = (s: string): string[] => s.split('\n').map((l) => l.trim());

describe('displayed commands for names that are not valid UTF-8', () => {
  it('a path: every report’s command, pasted into dash or bash, removes the byte-named directory, not the decoy', () => {
    const lib = path.join(tmp, 'lib');
    mkdirSync(lib);
    const residue = Buffer.concat([Buffer.from(`${lib}/`), latin1('e\xff\xfe')]);
    const decoy = path.join(lib, 'e\\xff\\xfe');
    const decoyBytes = Buffer.from('decoy: the user\u2019s own file\n');
    const setUp = (): void => {
      mkdirSync(residue, { recursive: true });
      writeFileSync(Buffer.concat([residue, Buffer.from('/member')]), 'residue');
      writeFileSync(decoy, decoyBytes);
    };
    setUp();
    const rules = path.join(tmp, 'path-rules.yaml');
    writeFileSync(rules, rulePack(`{ kind: path, paths: ['${lib}/e*'], type: dir }`, 'rm -rf -- {{target}}'));
    const out = (f: string): string => path.join(tmp, f);
    const scan = runCli(['scan', '--no-builtin', '--rules', rules, '--format', 'json', '--output', out('r.json'), '--report', `markdown=${out('r.md')}`, '--report', `html=${out('r.html')}`, '--report', `sarif=${out('r.sarif')}`]);
    expect(scan.status, scan.stderr).toBe(1);
    const result = JSON.parse(readFileSync(out('r.json'), 'utf8')) as ScanResult;
    const findings = result.results.flatMap((r) => r.findings);
    expect(findings.map((f) => f.vars.targetHex)).toEqual([residue.toString('hex')]);
    const command = findings[0]?.fix[0] ?? '';
    expect(command).not.toMatch(/[\u0000-\u001f\u007f]/);

    // The same text in every report a person reads.
    const md = lines(readFileSync(out('r.md'), 'utf8'));
    const html = lines(htmlText(readFileSync(out('r.html'), 'utf8')));
    const sarif = JSON.parse(readFileSync(out('r.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ properties: { fix: string[] } }>; tool: { driver: { rules: Array<{ help: { text: string; markdown: string } }> } } }> };
    const sarifFix = sarif.runs[0]?.results[0]?.properties.fix[0];
    const sarifHelp = lines(sarif.runs[0]?.tool.driver.rules[0]?.help.text ?? '');
    const sarifHelpMd = lines(sarif.runs[0]?.tool.driver.rules[0]?.help.markdown ?? '');
    expect(md).toContain(command);
    expect(html.some((l) => l === command || l.endsWith(`<code>${command}`) || l.startsWith(`${command}</code>`) || l === `<pre><code>${command}</code></pre>`)).toBe(true);
    expect(sarifFix).toBe(command);
    expect(sarifHelp).toContain(command);
    expect(sarifHelpMd).toContain(command);
    // The table shows it, or, cut to fit, the start of it as a comment (never a cut command that names another path).
    const table = runCli(['scan', '--no-builtin', '--rules', rules, '--format', 'table']);
    const cell = table.stdout.split('\n').find((l) => l.includes('rm -rf'))?.split('│').map((c) => c.trim()).find((c) => /^(# )?rm -rf/.test(c)) ?? '';
    expect(cell === command || (cell.startsWith('# ') && cell.endsWith('\u2026') && command.startsWith(cell.slice(2, -1)))).toBe(true);

    // The fix script's dry run prints the same words, pasteable.
    const script = out('fix.sh');
    expect(runCli(['fix', '--no-builtin', '--rules', rules, '--from', out('r.json'), '-o', script]).status).toBe(0);
    const dry = runShell('dash', [script, '--dry-run']);
    const dryLine = dry.stdout.split('\n').find((l) => l.startsWith('+ rm '));
    expect(dryLine).toBeDefined();

    for (const text of [command, (dryLine ?? '').slice(2)]) {
      for (const shell of ['dash', 'bash']) {
        setUp();
        const run = runShell(shell, ['-c', text]);
        expect(run.status, `${shell}: ${text}\n${run.stderr}`).toBe(0);
        expect(existsSync(residue), `${shell}: ${text} left the byte-named directory`).toBe(false);
        expect(readFileSync(decoy).equals(decoyBytes), `${shell}: ${text} changed the decoy`).toBe(true);
      }
    }
  });

  const canNetns = spawnSync('unshare', ['-n', '-m', 'sh', '-c', 'mount -t sysfs none /sys && ip link add krtest0 type bridge']).status === 0;
  it.skipIf(!canNetns && !process.env.CI)('an interface: the displayed command deletes the byte-named link, not the decoy, in dash and bash', () => {
    const rules = path.join(tmp, 'link-rules.yaml');
    writeFileSync(rules, rulePack(`{ kind: interface, nameRegex: '^kr' }`, 'ip link delete {{target}}'));
    // In a private network namespace: two links, one named with the bytes 0xff 0xfe, one with the text `\xff\xfe`.
    const script = [
      'set -e',
      'mount -t sysfs none /sys',
      `ip link add "$(printf 'kr\\377\\376')" type bridge`,
      `ip link add 'kr\\xff\\xfe' type bridge`,
      `node "$1" scan --no-builtin --rules "$2" --format json --output "$3/links.json" || true`,
      `node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));for(const f of r.results.flatMap(x=>x.findings))if(f.vars.targetHex)process.stdout.write(f.fix[0])' "$3/links.json" >"$3/cmd.txt"`,
      'for sh in dash bash; do',
      `  "$sh" -c "$(cat "$3/cmd.txt")"`,
      '  ls /sys/class/net | od -An -c | tr -s " \\n" " " >"$3/after-$sh.txt"',
      `  ip link add "$(printf 'kr\\377\\376')" type bridge`,
      'done',
    ].join('\n');
    const r = spawnSync('unshare', ['-n', '-m', 'bash', '-c', script, 'bash', cliPath, rules, tmp], { encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const command = readFileSync(path.join(tmp, 'cmd.txt'), 'utf8');
    expect(command).toMatch(/^ip link delete /);
    for (const sh of ['dash', 'bash']) {
      const after = readFileSync(path.join(tmp, `after-${sh}.txt`), 'utf8');
      expect(after, `${sh}: ${command}`).not.toContain('k r 377 376');
      expect(after, `${sh}: ${command}`).toContain('k r \\ x f f \\ x f e');
    }
  });
});
