// Chains whose names hold quotes or backslashes, in a private network namespace (unshare -n, real
// iptables-nft): the scan sees the jumps into them, and the fix script deletes the jumps and the chains while
// the user's chain and its jump stay. The built CLI scans and writes the script; dash runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kr-qchain-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const canRun = spawnSync('unshare', ['-n', 'iptables-nft', '-S']).status === 0;

const RULES = `pack: qtest
rules:
  - id: q-kube-chains
    title: KUBE chains
    severity: low
    description: KUBE- chains in the filter table
    tags: []
    profiles: [post-reset]
    check: { kind: iptables, chainRegex: '^KUBE-', tables: [filter], backends: [nft], families: [ipv4] }
    fix: { commands: [] }
    rebootClears: true
    references: []
`;

describe('iptables chains named with quotes', () => {
  it.skipIf(!canRun && !process.env.CI)('are found with their jumps and deleted; the user chain stays', () => {
    const rules = path.join(tmp, 'rules.yaml');
    writeFileSync(rules, RULES);
    const script = [
      'set -e',
      `iptables-nft -N 'KUBE-Q"X'; iptables-nft -A INPUT -j 'KUBE-Q"X'`,
      `iptables-nft -N "KUBE-'Y"; iptables-nft -A INPUT -m comment --comment 'say "hi"' -j "KUBE-'Y"`,
      `iptables-nft -N 'KUBE-\\Z'; iptables-nft -A FORWARD -j 'KUBE-\\Z'`,
      `iptables-nft -N 'MY"CHAIN'; iptables-nft -A INPUT -j 'MY"CHAIN'`,
      // A chain whose name is not UTF-8, and one named with its U+FFFD spelling (both matched by ^KUBE-).
      `iptables-nft -N "$(printf 'KUBE-\\377')"; iptables-nft -A FORWARD -j "$(printf 'KUBE-\\377')"`,
      `iptables-nft -N "$(printf 'KUBE-\\357\\277\\275')"`,
      `node "$1" scan --no-builtin --rules "$2" --format json --output "$3/scan.json" || true`,
      `node "$1" fix --no-builtin --rules "$2" --from "$3/scan.json" -o "$3/fix.sh"`,
      'dash "$3/fix.sh" >"$3/run.out" 2>&1',
      'iptables-nft-save -t filter >"$3/after.txt"',
    ].join('\n');
    const r = spawnSync('unshare', ['-n', 'bash', '-c', script, 'bash', cliPath, rules, tmp], { encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const scan = JSON.parse(readFileSync(path.join(tmp, 'scan.json'), 'utf8')) as { results: Array<{ findings: Array<{ target: string; evidence: string }> }> };
    const seen = Object.fromEntries(scan.results.flatMap((x) => x.findings).map((f) => [f.target, f.evidence]));
    expect(seen).toEqual({
      'ipv4/nft/filter/KUBE-\'Y': 'chain with 0 rules, 1 jump into it',
      'ipv4/nft/filter/KUBE-Q"X': 'chain with 0 rules, 1 jump into it',
      'ipv4/nft/filter/KUBE-\\Z': 'chain with 0 rules, 1 jump into it',
      'ipv4/nft/filter/KUBE-\\xff': 'chain with 0 rules, 1 jump into it; a name is not valid UTF-8 (\\xHH marks its raw bytes)',
      'ipv4/nft/filter/KUBE-\ufffd': 'chain with 0 rules, 0 jumps into it',
    });
    // The non-UTF-8 chain is refused (shown escaped), never confused with its U+FFFD look-alike.
    expect(readFileSync(path.join(tmp, 'fix.sh'), 'utf8')).toMatch(/^# REFUSED \[q-kube-chains\] ipv4\/nft\/filter\/KUBE-\\\\xff: .*not valid UTF-8/m);
    const after = readFileSync(path.join(tmp, 'after.txt'), 'latin1');
    expect(after).toMatch(/^:KUBE-\xff - /m);
    expect(after).toMatch(/^-A FORWARD -j KUBE-\xff$/m);
    expect(after.replace(/KUBE-\xff/g, ''), readFileSync(path.join(tmp, 'run.out'), 'utf8')).not.toMatch(/KUBE-/);
    expect(after).toMatch(/^:MY"CHAIN - /m);
    expect(after).toMatch(/^-A INPUT -j MY"CHAIN$/m);
    expect(readFileSync(path.join(tmp, 'run.out'), 'utf8')).not.toMatch(/exit status \d+ \(tolerated/);
  });
});
