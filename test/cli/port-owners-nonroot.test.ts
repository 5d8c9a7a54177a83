// Unchecked is not clean, for a port's owner too: as a user who is not root, the open files of root's
// processes (/proc/PID/fd) cannot be read, so who holds a listening socket is not known. The port rule is then
// partly checked, naming the processes that could not be read; as root the same socket has its owner.
// Real kernel state: a root-owned listener in a network and PID namespace of the test's own (unshare; both
// disappear with their last process), the built CLI run inside them as root and as nobody (setpriv).
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { IN_CI } from '../helpers/ci.js';
import { repoRoot } from '../helpers/cli.js';

const isRoot = process.getuid?.() === 0;
const PORT = 10250;

// Needs root to make the namespaces; on CI (root) it always runs.
describe.skipIf(!isRoot && !IN_CI)('port owners that cannot be read (not root)', () => {
  // A world-readable copy of the bundle, so nobody can run it wherever the checkout lives.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-port-owners-'));
  cpSync(path.join(repoRoot, 'dist'), path.join(dir, 'dist'), { recursive: true });
  chmodSync(dir, 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rules = path.join(dir, 'rules.yaml');
  writeFileSync(
    rules,
    `pack: ports
rules:
  - id: t-kubelet-port
    title: kubelet API port still held
    severity: high
    description: something still listens on the kubelet port
    tags: []
    profiles: [post-reset]
    check: { kind: port, ports: [${PORT}], protocols: [tcp] }
    fix: { commands: ['kill -- {{pids[]}}'] }
    rebootClears: true
    references: []
`,
  );
  const listener = `require('net').createServer().listen(${PORT}, '0.0.0.0', () => require('fs').writeFileSync(process.argv[1], String(process.pid)))`;
  const ready = path.join(dir, 'ready');

  /** The scan inside a fresh network and PID namespace where root listens on the port; `asUser` wraps the CLI. */
  function scanBeside(asUser: string[], format = 'json'): { status: number | null; stdout: string; stderr: string } {
    rmSync(ready, { force: true });
    const script = [
      `"$NODE" -e "$LISTENER" "$READY" & i=0`,
      'while [ ! -e "$READY" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done',
      `${asUser.join(' ')} "$NODE" "$CLI" scan --no-builtin --rules "$RULES" --format ${format}; rc=$?`,
      'kill %1; exit $rc',
    ].join('\n');
    const run = spawnSync('unshare', ['--net', '--pid', '--fork', '--mount-proc', 'sh', '-c', script], {
      encoding: 'utf8',
      cwd: '/',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', NODE: process.execPath, LISTENER: listener, READY: ready, CLI: path.join(dir, 'dist', 'kube-residue.cjs'), RULES: rules },
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }
  const reportOf = (stdout: string): ScanResult => JSON.parse(stdout) as ScanResult;
  /** The listener's pid in its namespace (its name is `node`, or `MainThread` on Node 24). */
  const listenerPid = (): string => readFileSync(ready, 'utf8');

  it('as nobody: the port is found, partly checked, with the processes whose files could not be read; exit 1', () => {
    const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    const { status, stdout, stderr } = scanBeside(nobody);
    const r = reportOf(stdout).results.find((x) => x.ruleId === 't-kubelet-port');
    expect(r?.status, stderr).toBe('found');
    expect(r?.reason).toMatch(
      new RegExp(`^partly unchecked: owners of tcp/${PORT} not fully known: cannot read the open files of 2 processes \\(/proc/PID/fd: EACCES; run as root\\): sh\\[1\\], \\w+\\[${listenerPid()}\\]$`),
    );
    expect(r?.findings.map((f) => [f.target, f.evidence, f.vars.pids])).toEqual([[`tcp/${PORT}`, 'listening on 0.0.0.0; owning process not known (some processes could not be read)', []]]);
    expect(status).toBe(1);
    // The table a person reads says it too.
    const table = scanBeside(nobody, 'table');
    expect(table.stdout).toMatch(new RegExp(`partly unchecked: owners of tcp/${PORT} not fully known: cannot read the open files of 2 processes`));
    expect(table.status).toBe(1);
  });

  it('as root: the same port with its owner, fully checked', () => {
    const { status, stdout } = scanBeside([]);
    const r = reportOf(stdout).results.find((x) => x.ruleId === 't-kubelet-port');
    expect(r?.status).toBe('found');
    expect(r?.reason).toBeUndefined();
    expect(r?.findings[0]?.evidence).toMatch(new RegExp(`^listening on 0\\.0\\.0\\.0; held by \\w+\\[${listenerPid()}\\]$`));
    expect(r?.findings[0]?.vars.pids).toEqual([listenerPid()]);
    expect(status).toBe(1);
  });
});
