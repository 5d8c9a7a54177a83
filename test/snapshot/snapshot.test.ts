// `kube-residue snapshot` → `scan --from`: the snapshot reproduces the live scan (fixture host root here; the
// namespace sandbox's scenarios below), rules the snapshot did not gather for are unchecked — never clean — and a
// file that is truncated, from a newer version or not a snapshot at all is a clear usage error (exit 2).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { comparable } from '../fleet/comparable.js';
import { fixture, runCli } from '../helpers/cli.js';
import { RESIDUE_SCENARIOS, requireSandboxOrSkip, runInSandbox } from '../sandbox/sandbox.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kr-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const json = (text: string): ScanResult => JSON.parse(text) as ScanResult;

const EXTRA_RULES = `pack: later-pack
rules:
  - id: later-hosts-file
    title: a path rule written after the snapshot
    severity: high
    description: its paths were never looked at when the snapshot was taken
    tags: [test]
    profiles: [pre-join]
    check: { kind: path, paths: [/etc/hosts] }
    fix: { commands: ["rm -f -- {{target}}"] }
    rebootClears: false
    references: []
  - id: later-flannel-link
    title: an interface rule written after the snapshot
    severity: medium
    description: interfaces are read whatever the rules ask
    tags: [test]
    profiles: [pre-join]
    check: { kind: interface, names: [flannel.1] }
    fix: { commands: ["ip link delete {{target}}"] }
    rebootClears: true
    references: []
`;

describe('snapshot and scan --from (fixture host root)', () => {
  const snap = path.join(dir, 'node.json.gz');
  const rules = path.join(dir, 'later.yaml');
  writeFileSync(rules, EXTRA_RULES);

  it('writes a gzip snapshot and reproduces the live scan for every profile', () => {
    const made = runCli(['snapshot', '-o', snap, '--root', fixture('hostroot')]);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/wrote .*node\.json\.gz: \d+ of \d+ probes gathered/);
    const doc = JSON.parse(gunzipSync(readFileSync(snap)).toString('utf8')) as { format: string; version: number; results?: unknown };
    expect(doc).toMatchObject({ format: 'kube-residue-snapshot', version: 1 });
    expect(doc.results).toBeUndefined(); // raw facts, no evaluation
    for (const profile of ['all', 'pre-join', 'post-reset']) {
      const live = runCli(['scan', '--root', fixture('hostroot'), '--profile', profile, '--format', 'json']);
      const replay = runCli(['scan', '--from', snap, '--profile', profile, '--format', 'json']);
      expect(replay.status).toBe(live.status);
      expect(comparable(json(replay.stdout))).toEqual(comparable(json(live.stdout)));
    }
  }, 60_000);

  it('leaves a rule the snapshot did not gather for unchecked, and reads request-independent facts', () => {
    const r = runCli(['scan', '--from', snap, '--rules', rules, '--profile', 'pre-join', '--format', 'json']);
    const report = json(r.stdout);
    const later = report.results.find((x) => x.ruleId === 'later-hosts-file')!;
    expect(later.status).toBe('unchecked');
    expect(later.reason).toMatch(/did not gather facts for this check/);
    expect(report.results.find((x) => x.ruleId === 'later-flannel-link')?.status).toBe('found');
    // Taken with that rule, the snapshot answers it.
    const withRules = path.join(dir, 'with-rules.json.gz');
    expect(runCli(['snapshot', '-o', withRules, '--root', fixture('hostroot'), '--rules', rules]).status).toBe(0);
    const again = json(runCli(['scan', '--from', withRules, '--rules', rules, '--rule', 'later-hosts-file', '--format', 'json']).stdout);
    expect(again.results[0]).toMatchObject({ ruleId: 'later-hosts-file', status: 'found' });
  }, 60_000);

  it('a snapshot taken with only some rules leaves every other kind unchecked, never clean', () => {
    const partial = path.join(dir, 'paths-only.json.gz');
    expect(runCli(['snapshot', '-o', partial, '--root', fixture('hostroot'), '--no-builtin', '--rules', rules]).status).toBe(0);
    const report = json(runCli(['scan', '--from', partial, '--profile', 'pre-join', '--format', 'json']).stdout);
    const ports = report.results.filter((r) => r.kind === 'port');
    expect(ports.length).toBeGreaterThan(0);
    for (const r of ports) expect(r).toMatchObject({ status: 'unchecked', reason: expect.stringMatching(/the snapshot .* has no port facts/) });
    expect(report.verdict).not.toBe('clean');
  }, 60_000);

  it('rejects a truncated file, a newer snapshot version and files that are not snapshots (exit 2)', () => {
    const whole = readFileSync(snap);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated.json.gz', whole.subarray(0, Math.floor(whole.length / 2)), /truncated or corrupt/],
      ['newer.json.gz', gzipSync(JSON.stringify({ ...JSON.parse(gunzipSync(whole).toString()), version: 99 })), /version 99 snapshot .* reads versions up to 1: upgrade/],
      ['report.json', Buffer.from('{"schemaVersion":"1.0"}'), /not a kube-residue snapshot \(not gzip-compressed/],
      ['other.json.gz', gzipSync('{"hello":"world"}'), /not a kube-residue snapshot \(no "format"/],
      ['text.gz', gzipSync('not json'), /not a kube-residue snapshot \(its content is not JSON\)/],
    ];
    for (const [name, bytes, message] of cases) {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      const r = runCli(['scan', '--from', file, '--format', 'json']);
      expect(r.status, name).toBe(2);
      expect(r.stderr, name).toMatch(message);
      expect(r.stdout, name).toBe('');
    }
    expect(runCli(['scan', '--from', snap, '--root', fixture('hostroot')]).stderr).toMatch(/--from and --root exclude each other/);
  }, 60_000);
});

const skip = requireSandboxOrSkip();
describe.skipIf(skip !== undefined)('snapshot and scan --from on sandboxed dirty nodes', () => {
  it.each(RESIDUE_SCENARIOS.map((s) => [s]))('%s: scan --from the snapshot equals the live scan', (scenario) => {
    const sep = '=====KR-SEP=====';
    // Link states settle a moment after planting (a bridge goes from UNKNOWN to UP once its veth port is up, via
    // the kernel's linkwatch): wait, so that the live scan and the snapshot see the same state.
    const script = [
      'sleep 2',
      'node dist/kube-residue.cjs scan --format json',
      `printf '\\n${sep}\\n'`,
      'node dist/kube-residue.cjs snapshot -o "$KR_SANDBOX_DIR/node.json.gz" || exit 99',
      'node dist/kube-residue.cjs scan --from "$KR_SANDBOX_DIR/node.json.gz" --format json',
      'true',
    ].join('\n');
    const r = runInSandbox({ scenarios: ['user-state', scenario], command: ['bash', '-c', script], timeoutMs: 180_000 });
    expect(r.status, r.stderr).toBe(0);
    const [liveOut, replayOut] = r.stdout.split(`\n${sep}\n`);
    const live = json(liveOut ?? '');
    const replay = json(replayOut ?? '');
    expect(live.verdict).toBe('residue');
    expect(comparable(replay)).toEqual(comparable(live));
  }, 240_000);
});
