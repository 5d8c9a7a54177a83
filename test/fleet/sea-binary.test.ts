// The standalone executables on nodes without Node.js: the x64 one scans a sandboxed dirty node from a clean
// environment (no node anywhere on PATH, no node_modules, env -i) and reports exactly what the bundle reports;
// the arm64 one runs under Debian's qemu-aarch64-static. A root-run tool must not honour NODE_OPTIONS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { toolVersion } from '../../src/version.js';
import { comparable } from './comparable.js';
import { fixture, repoRoot, runCli } from '../helpers/cli.js';
import { requireSandboxOrSkip, runInSandbox } from '../sandbox/sandbox.js';
import { ARM64_SYSROOT, ensureSeaBinaries, seaBinary } from './sea-binaries.js';

const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function run(cmd: string, args: string[], env: Record<string, string> = { PATH: CLEAN_PATH }): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}


beforeAll(async () => {
  await ensureSeaBinaries();
}, 600_000);

describe('x64 standalone executable', () => {
  it('needs no Node.js: --version from an empty environment, on Node 24', () => {
    const r = run(seaBinary('x64'), ['--version'], {});
    expect(r).toMatchObject({ status: 0, stdout: `${toolVersion}\n` });
    const strings = run('sh', ['-c', `grep -c -a 'v24\\.[0-9]*\\.[0-9]*' ${seaBinary('x64')}`]);
    expect(Number(strings.stdout)).toBeGreaterThan(0);
  });

  it('ignores NODE_OPTIONS and Node options on its command line (a root-run tool must not preload code)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kr-sea-'));
    try {
      const marker = path.join(dir, 'preloaded');
      const preload = path.join(dir, 'pre.cjs');
      writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x'); console.log('PRELOADED');`);
      const viaEnv = run(seaBinary('x64'), ['--version'], { PATH: CLEAN_PATH, NODE_OPTIONS: `--require ${preload}` });
      expect(viaEnv).toMatchObject({ status: 0, stdout: `${toolVersion}\n` });
      const viaCli = run(seaBinary('x64'), ['--node-options', `--require ${preload}`, '--version']);
      expect(viaCli.stdout).not.toContain('PRELOADED');
      // --inspect reaches kube-residue as an unknown option instead of opening a debugger port.
      const inspect = run(seaBinary('x64'), ['--inspect', '--version']);
      expect(inspect.stderr).not.toMatch(/Debugger listening/);
      expect(run('test', ['-e', marker]).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads its on-demand chunks from its own assets: the cluster client (--cluster) and systeminformation (--audit)', () => {
    const cluster = run(seaBinary('x64'), ['scan', '--format', 'json', '--cluster', '--kubeconfig', path.join(repoRoot, 'bench/cluster-unreachable.kubeconfig'), '--tag', 'cluster']);
    expect(cluster.stderr).toBe('');
    const kube = (JSON.parse(cluster.stdout) as ScanResult).results.filter((r) => r.kind === 'kube-resource');
    expect(kube.length).toBeGreaterThan(0);
    for (const r of kube) expect(r).toMatchObject({ status: 'unchecked', reason: expect.stringMatching(/ECONNREFUSED/) });
    const audit = run(seaBinary('x64'), ['scan', '--format', 'json', '--audit', '--rule', 'kubernetes-pki']);
    expect(audit.stderr).not.toMatch(/Cannot find module|internal error/);
    expect((JSON.parse(audit.stdout) as ScanResult & { audit?: { hardware?: unknown } }).audit?.hardware).toBeDefined();
  }, 120_000);

  it('scans a --root fixture and its JSON equals the bundle’s', () => {
    const args = ['scan', '--root', fixture('hostroot'), '--format', 'json', '--timeout', '20'];
    const bin = run(seaBinary('x64'), args);
    const bundle = runCli(args);
    expect(bin.status).toBe(bundle.status);
    expect(comparable(JSON.parse(bin.stdout) as ScanResult)).toEqual(comparable(JSON.parse(bundle.stdout) as ScanResult));
  }, 60_000);
});

const skip = requireSandboxOrSkip();
describe.skipIf(skip !== undefined)('x64 standalone executable on a sandboxed dirty node', () => {
  it('reports exactly what the bundle reports, with no node and no node_modules on PATH', () => {
    const sep = '=====KR-SEP=====';
    // The bundle first (it needs /usr/bin/node); then node is removed from the sandbox's /usr (an overlay: the
    // host keeps it) and the binary runs from an empty environment with a system PATH.
    const script = [
      'sleep 2', // link states settle a moment after planting (linkwatch): both scans must see the same state
      'node dist/kube-residue.cjs scan --format json; echo "bundle-status=$?" >&2',
      `printf '\\n${sep}\\n'`,
      'rm -f /usr/bin/node /usr/bin/nodejs /usr/local/bin/node',
      `env -i PATH=${CLEAN_PATH} sh -c 'if command -v node >/dev/null; then echo "node still on PATH" >&2; exit 99; fi; exec "$0" scan --format json' "$PWD/dist/kube-residue-linux-x64"; echo "binary-status=$?" >&2`,
    ].join('\n');
    const r = runInSandbox({ scenarios: ['user-state', 'kubespray-reset', 'remove-node'], command: ['bash', '-c', script], timeoutMs: 180_000 });
    const [bundleOut, binaryOut] = r.stdout.split(`\n${sep}\n`);
    const bundleStatus = /bundle-status=(\d+)/.exec(r.stderr)?.[1];
    const binaryStatus = /binary-status=(\d+)/.exec(r.stderr)?.[1];
    expect(binaryStatus, r.stderr).toBe(bundleStatus);
    const bundle = JSON.parse(bundleOut ?? '') as ScanResult;
    const binary = JSON.parse(binaryOut ?? '') as ScanResult;
    expect(binary.verdict).toBe('residue');
    expect(binary.summary.findings).toBeGreaterThan(10);
    expect(comparable(binary)).toEqual(comparable(bundle));
  }, 240_000);
});

describe('arm64 standalone executable under qemu-aarch64-static', () => {
  const qemu = (args: string[]): ReturnType<typeof run> => run('qemu-aarch64-static', ['-L', ARM64_SYSROOT, seaBinary('arm64'), ...args]);

  it('is an aarch64 ELF and prints its version', () => {
    expect(run('file', ['-b', seaBinary('arm64')]).stdout).toMatch(/ARM aarch64/);
    expect(qemu(['--version'])).toMatchObject({ status: 0, stdout: `${toolVersion}\n` });
  });

  it('lists the embedded built-in rules', () => {
    const r = qemu(['rules', 'list', '--format', 'json']);
    expect(r.status).toBe(0);
    const rules = JSON.parse(r.stdout) as Array<{ id: string }>;
    const bundle = JSON.parse(runCli(['rules', 'list', '--format', 'json']).stdout) as Array<{ id: string }>;
    expect(rules.map((x) => x.id)).toEqual(bundle.map((x) => x.id));
  }, 60_000);

  it('scans a --root fixture like the bundle', () => {
    const args = ['scan', '--root', fixture('hostroot'), '--format', 'json', '--timeout', '60'];
    const r = qemu(args);
    const bundle = runCli(args);
    expect(r.status, r.stderr).toBe(bundle.status);
    const report = JSON.parse(r.stdout) as ScanResult;
    expect(report.summary.rules).toBe((JSON.parse(bundle.stdout) as ScanResult).summary.rules);
    // Under emulation on an x64 host the probes that run host tools see this machine's tools; files and
    // rules are what must agree.
    const pathFindings = (x: ScanResult): string[] => x.results.filter((res) => res.kind === 'path').flatMap((res) => res.findings.map((f) => `${res.ruleId} ${f.target}`));
    expect(pathFindings(report)).toEqual(pathFindings(JSON.parse(bundle.stdout) as ScanResult));
  }, 120_000);
});
