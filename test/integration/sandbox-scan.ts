// Shared by the integration tests: scan a sandboxed dirty node with the built CLI and read back what the
// harness planted (test/sandbox: $KR_SANDBOX_DIR/planted.tsv).
import type { ScanResult } from '../../src/model/result.js';
import { parseManifest, runInSandbox, type PlantedItem } from '../sandbox/sandbox.js';

export interface SandboxScan {
  status: number;
  report: ScanResult;
  planted: PlantedItem[];
  stderr: string;
}

const SEPARATOR = '\n=====KR-MANIFEST=====\n';

export function scanSandbox(scenarios: string[], scanArgs: string[] = []): SandboxScan {
  const quoted = scanArgs.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const script = `node dist/kube-residue.cjs scan --format json ${quoted}; status=$?; printf '${SEPARATOR.replace(/\n/g, '\\n')}'; cat "$KR_SANDBOX_DIR/planted.tsv"; exit $status`;
  const run = runInSandbox({ scenarios, command: ['bash', '-c', script], timeoutMs: 120_000 });
  const at = run.stdout.indexOf(SEPARATOR);
  if (at === -1) throw new Error(`sandbox scan failed (status ${run.status}): ${run.stderr}`);
  return {
    status: run.status,
    report: JSON.parse(run.stdout.slice(0, at)) as ScanResult,
    planted: parseManifest(run.stdout.slice(at + SEPARATOR.length)),
    stderr: run.stderr,
  };
}

export interface Hit {
  ruleId: string;
  target: string;
  /** Files behind a unit finding (unit file, drop-ins, wants links). */
  paths: string[];
}

export function allFindings(report: ScanResult): Hit[] {
  return report.results.flatMap((r) =>
    r.findings.map((f) => ({ ruleId: r.ruleId, target: f.target, paths: Array.isArray(f.vars.paths) ? f.vars.paths.flat() : [] })),
  );
}

/** Findings without their unit file lists, for readable assertions. */
export function targetsOf(hits: readonly Hit[]): Array<{ ruleId: string; target: string }> {
  return hits.map(({ ruleId, target }) => ({ ruleId, target }));
}

function within(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(ancestor.endsWith('/') ? ancestor : `${ancestor}/`);
}

/** The findings that report a planted item: the same object, or (paths, cgroups) a directory containing it. */
export function findingsFor(item: PlantedItem, hits: readonly Hit[]): Hit[] {
  switch (item.kind) {
    case 'path':
    case 'cgroup':
      return hits.filter((h) => (h.target.startsWith('/') && within(item.id, h.target)) || h.paths.some((p) => within(item.id, p)));
    case 'mount':
      // A netns bind mount is the namespace itself: the netns finding reports it.
      if (item.id.startsWith('/run/netns/')) return hits.filter((h) => h.target === item.id.slice('/run/netns/'.length));
      return hits.filter((h) => h.target === item.id);
    case 'process':
      return hits.filter((h) => h.target.startsWith(`${item.id.slice(0, 15)}[`));
    case 'port': {
      const [proto, addr] = item.id.split('/');
      const port = addr?.slice(addr.lastIndexOf(':') + 1);
      return hits.filter((h) => h.target === `${proto}/${port}`);
    }
    case 'iptables-chain': {
      // The harness names families as iptables-restore does (ip, ip6); reports say ipv4, ipv6.
      const id = item.id.replace(/^ip\//, 'ipv4/').replace(/^ip6\//, 'ipv6/');
      return hits.filter((h) => h.target === id);
    }
    case 'interface':
    case 'netns':
    case 'ipset':
      return hits.filter((h) => h.target === item.id);
    case 'nft-table':
      return hits.filter((h) => h.target === item.id);
  }
}
