// Interface names with ESC (which makes `ip -j` print invalid JSON) or bytes that are not UTF-8, in a private
// network namespace with its own sysfs: every interface rule is still checked, each odd name affects only
// itself, and the fix script deletes the non-UTF-8 link by its bytes (the ESC one is refused, as every name
// with control characters is) while the user's look-alike stays. Real bridges; the built CLI; dash.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeJsonControls, parseIpLinkJson } from '../../src/parsers/ip-link.js';
import type { ScanResult } from '../../src/model/result.js';
import { cliPath } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kr-oddlink-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const canRun = spawnSync('unshare', ['-n', '-m', 'sh', '-c', 'mount -t sysfs none /sys && ip link add krtest0 type bridge']).status === 0;

const RULES = `pack: linktest
rules:
  - id: link-cali
    title: calico links
    severity: low
    description: cali links
    tags: []
    profiles: [post-reset]
    check: { kind: interface, nameRegex: '^cali' }
    fix: { commands: ['ip link delete {{target}}'] }
    rebootClears: true
    references: []
  - id: link-flannel
    title: flannel
    severity: low
    description: flannel bridge
    tags: []
    profiles: [post-reset]
    check: { kind: interface, names: [cni0] }
    fix: { commands: ['ip link delete {{target}}'] }
    rebootClears: true
    references: []
`;

describe('odd interface names', () => {
  it('parses ip -j output with a raw ESC in a name', () => {
    const text = '[{"ifindex":1,"ifname":"lo","flags":[],"operstate":"UNKNOWN"},{"ifindex":5,"ifname":"bad\u001bx","flags":[],"operstate":"DOWN"}]\n';
    expect(() => JSON.parse(text)).toThrow();
    expect(parseIpLinkJson(text).map((l) => l.name)).toEqual(['lo', 'bad\u001bx']);
    expect(escapeJsonControls('["a\\"\u0001b"]\n')).toBe('["a\\"\\u0001b"]\n');
  });

  it.skipIf(!canRun && !process.env.CI)('are each checked and handled on their own in a real namespace', () => {
    const rules = path.join(tmp, 'rules.yaml');
    writeFileSync(rules, RULES);
    const script = [
      'set -e',
      'mount -t sysfs none /sys',
      `ip link add "$(printf 'cali\\033x')" type bridge`,
      `ip link add "$(printf 'cali\\377\\376')" type bridge`,
      'ip link add cali123 type bridge',
      'ip link add cni0 type bridge',
      'ip link add mycalico type bridge',
      `ip link add "$(printf 'cali\\357\\277\\275\\357\\277\\275')" type bridge 2>/dev/null || true`,
      `node "$1" scan --no-builtin --rules "$2" --format json --output "$3/scan.json" || true`,
      `node "$1" fix --no-builtin --rules "$2" --from "$3/scan.json" -o "$3/fix.sh"`,
      'dash "$3/fix.sh" >"$3/run.out" 2>&1 || true',
      'ls /sys/class/net | od -An -c >"$3/after.txt"',
    ].join('\n');
    const r = spawnSync('unshare', ['-n', '-m', 'bash', '-c', script, 'bash', cliPath, rules, tmp], { encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const scan = JSON.parse(readFileSync(path.join(tmp, 'scan.json'), 'utf8')) as ScanResult;
    expect(scan.results.map((x) => [x.ruleId, x.status])).toEqual([
      ['link-cali', 'found'],
      ['link-flannel', 'found'],
    ]);
    const targets = scan.results.flatMap((x) => x.findings).map((f) => f.target).sort();
    expect(targets).toEqual(['cali123', 'cali\\xff\\xfe', 'cali\u001bx', 'cali\ufffd\ufffd', 'cni0'].sort());
    expect(readFileSync(path.join(tmp, 'fix.sh'), 'utf8')).toMatch(/^# REFUSED \[link-cali\] cali\\u001bx: contains control characters/m);
    const after = readFileSync(path.join(tmp, 'after.txt'), 'utf8').replace(/\s+/g, ' ');
    // Left: lo, mycalico (the user's), the ESC link (refused). Gone: cali123, cni0, the \xff\xfe link, and the U+FFFD one.
    expect(after).toContain('m y c a l i c o');
    expect(after).toContain('c a l i 033 x');
    expect(after).not.toContain('c a l i 1 2 3');
    expect(after).not.toContain('c n i 0');
    expect(after).not.toContain('377 376');
  });
});
