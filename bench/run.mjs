#!/usr/bin/env node
// `npm run bench`: builds dirty nodes of several sizes in the namespace sandbox (test/sandbox) and measures,
// on each, the wall time and peak RSS of
//   (a) `kube-residue scan --format json` with every built-in rule,
//   (b) bench/audit.sh, the reference shell audit (the same items, one shell line each),
//   (c) bench/floor.sh, the bare cost of reading the same kernel state once,
// then prints the absolute numbers with the ratios a/b and a/c from the same run, a scaling table (the huge
// node at 1×, 2×, 4× its state), the targets, and writes everything to bench/results/latest.json.
//
//   node bench/run.mjs [--quick] [--runs N] [--scales 1,2,4] [--sizes clean,packages,typical,huge] [--bin FILE] [--sea FILE] [--out FILE]
//
// When the standalone executable exists (--sea, default dist/kube-residue-linux-x64 from npm run build:dist) its
// start-up (--version) and scan are measured next to the bundle's.
//
// Needs root, the sandbox's tools (test/sandbox/README.md) and GNU time (Debian package `time`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const USAGE = 'usage: node bench/run.mjs [--quick] [--runs N] [--scales 1,2,4] [--sizes clean,packages,typical,huge] [--bin FILE] [--sea FILE] [--out FILE]';
let parsed;
try {
  parsed = parseArgs({
  options: {
    help: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    scales: { type: 'string', default: '1,2,4' },
    sizes: { type: 'string', default: 'clean,packages,typical,huge' },
    bin: { type: 'string', default: 'dist/kube-residue.cjs' },
    sea: { type: 'string', default: 'dist/kube-residue-linux-x64' },
    out: { type: 'string', default: 'bench/results/latest.json' },
  },
  });
} catch (err) {
  process.stderr.write(`bench: ${err.message}\n${USAGE}\n`);
  process.exit(2);
}
const args = parsed.values;
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

// --- preflight: everything the bench needs is already installed; it installs nothing.
if (process.getuid?.() !== 0) fail('must run as root (the sandbox needs namespaces and mounts)');
const gnuTime = spawnSync('/usr/bin/time', ['--version'], { encoding: 'utf8' });
if (gnuTime.error || !/GNU/.test(`${gnuTime.stdout}${gnuTime.stderr}`)) fail('GNU time is missing at /usr/bin/time: apt-get install -y time');
for (const tool of ['iptables-nft-save', 'iptables-legacy-save', 'ip6tables-nft-save', 'ip6tables-legacy-save', 'nft', 'ipset', 'ip', 'ss', 'pgrep', 'grep', 'mount']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) fail(`${tool} is missing (see .ci/install-deps)`);
}
if (spawnSync('grep', ['-P', 'x'], { input: 'x' }).status !== 0) fail('grep lacks -P (PCRE), which bench/audit.sh uses');
if (!existsSync(args.bin)) fail(`${args.bin} not found: run npm run build first`);

// The shell baselines follow the rules the scan runs.
const gen = spawnSync(process.execPath, ['bench/lib/make-audit.mjs'], { stdio: 'inherit' });
if (gen.status !== 0) fail('bench/lib/make-audit.mjs failed');

const sea = existsSync(args.sea) ? path.resolve(args.sea) : undefined;
if (!sea) process.stderr.write(`bench: ${args.sea} not found (npm run build:dist): the standalone executable is not measured\n`);

const TYPICAL = ['user-state', 'kubespray-reset', 'remove-node', 'calico-cgroup', 'rancher'];
const sizes = args.sizes.split(',');
const scales = args.scales.split(',').map(Number);
const runsFor = (size, scale) => Number(args.runs ?? (args.quick ? 3 : size === 'huge' ? (scale === 1 ? 7 : 5) : 21));

const env = { ...process.env, KR_BENCH_LIB: path.join(root, 'bench/lib') };
delete env.NODE_EXTRA_CA_CERTS;

function measure(size, scale) {
  // packages: the clean node with this machine's own container packages left visible (containerd, docker.io,
  // podman, CNI plugins when installed): every provenance lookup happens, nothing is found.
  const scenarios = size === 'clean' || size === 'packages' ? ['clean'] : size === 'typical' ? TYPICAL : [...TYPICAL, 'bench/scenarios/huge.sh'];
  const label = size === 'huge' ? `huge-${scale}x` : size;
  const runs = runsFor(size, scale);
  process.stderr.write(`bench: ${label}: planting ${scenarios.join(' + ')}, then ${runs} runs of each subject...\n`);
  const t0 = Date.now();
  const res = spawnSync(
    'test/sandbox/sandbox.sh',
    [...scenarios.flatMap((s) => ['--scenario', s]), '--', process.execPath, 'bench/lib/measure.mjs', JSON.stringify({ runs, bin: args.bin, label, sea, clusterKubeconfig: size === 'huge' ? undefined : 'bench/cluster-unreachable.kubeconfig' })],
    { env: { ...env, KR_BENCH_SCALE: String(scale), KR_SANDBOX_HOST_RUNTIME: size === 'packages' ? 'keep' : 'hide' }, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = (res.stdout ?? '').split('\n').find((l) => l.startsWith('KR-BENCH-RESULT '));
  if (res.status !== 0 || !line) fail(`${label}: the sandbox run failed (status ${res.status})${res.stdout ? `:\n${res.stdout.slice(-2000)}` : ''}`);
  const result = JSON.parse(line.slice('KR-BENCH-RESULT '.length));
  result.size = size;
  result.scale = scale;
  result.elapsedS = Math.round((Date.now() - t0) / 100) / 10;
  return result;
}

const results = [];
for (const size of sizes) {
  if (size === 'huge') for (const scale of scales) results.push(measure('huge', scale));
  else results.push(measure(size, 1));
}

// --- report
const fmtMs = (s) => `${s.median.toFixed(s.median < 100 ? 1 : 0)} (${s.min.toFixed(s.min < 100 ? 1 : 0)}–${s.max.toFixed(s.max < 100 ? 1 : 0)})`;
const ratio = (a, b) => Math.round((a / b) * 100) / 100;
for (const r of results) {
  r.ratios = {
    scanOverAudit: ratio(r.subjects.scan.wallMs.median, r.subjects.audit.wallMs.median),
    scanOverFloor: ratio(r.subjects.scan.wallMs.median, r.subjects.floor.wallMs.median),
  };
}
function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
const stateText = (s) => `${s.logEntries} log entries, ${s.links} links, ${s.iptablesChains} chains / ${s.iptablesRules} rules, ${s.mounts} mounts`;

const main = table(
  ['node', 'scan ms median (min–max)', 'scan MB', 'provenance ms', 'audit ms', 'audit MB', 'floor ms', 'floor MB', 'a/b', 'a/c', 'rules found scan / audit', 'findings'],
  results.map((r) => [
    r.label,
    fmtMs(r.subjects.scan.wallMs),
    r.subjects.scan.peakRssMb.median.toFixed(0),
    r.provenanceMs.median.toFixed(1),
    fmtMs(r.subjects.audit.wallMs),
    r.subjects.audit.peakRssMb.median.toFixed(0),
    fmtMs(r.subjects.floor.wallMs),
    r.subjects.floor.peakRssMb.median.toFixed(0),
    r.ratios.scanOverAudit.toFixed(2),
    r.ratios.scanOverFloor.toFixed(2),
    `${r.check.scan.rulesFound} / ${r.check.audit.rulesFound}`,
    r.check.scan.findings,
  ]),
);
// What --audit (systeminformation, loaded only then) adds to a scan.
const auditCost = table(
  ['node', 'scan ms', 'scan --audit ms', 'added ms', 'scan --audit MB'],
  results
    .filter((r) => r.subjects.scanAudit)
    .map((r) => [
      r.label,
      r.subjects.scan.wallMs.median.toFixed(0),
      r.subjects.scanAudit.wallMs.median.toFixed(0),
      (r.subjects.scanAudit.wallMs.median - r.subjects.scan.wallMs.median).toFixed(0),
      r.subjects.scanAudit.peakRssMb.median.toFixed(0),
    ]),
);
const huge = results.filter((r) => r.size === 'huge').sort((a, b) => a.scale - b.scale);
const base = huge[0];
const scaling = huge.length
  ? table(
      ['scale', 'state', 'scan ms', '× time', 'audit ms', '× time', 'floor ms', '× time'],
      huge.map((r) => [
        `${r.scale}×`,
        stateText(r.state),
        r.subjects.scan.wallMs.median.toFixed(0),
        ratio(r.subjects.scan.wallMs.median, base.subjects.scan.wallMs.median).toFixed(2),
        r.subjects.audit.wallMs.median.toFixed(0),
        ratio(r.subjects.audit.wallMs.median, base.subjects.audit.wallMs.median).toFixed(2),
        r.subjects.floor.wallMs.median.toFixed(0),
        ratio(r.subjects.floor.wallMs.median, base.subjects.floor.wallMs.median).toFixed(2),
      ]),
    )
  : '';

const withSea = results.filter((r) => r.subjects.scanBinary);
const seaTable = withSea.length
  ? table(
      ['node', 'start bundle ms', 'start binary ms', 'scan bundle ms', 'scan binary ms', 'binary/bundle scan', 'scan MB bundle / binary'],
      withSea.map((r) => [
        r.label,
        fmtMs(r.subjects.startBundle.wallMs),
        fmtMs(r.subjects.startBinary.wallMs),
        fmtMs(r.subjects.scan.wallMs),
        fmtMs(r.subjects.scanBinary.wallMs),
        ratio(r.subjects.scanBinary.wallMs.median, r.subjects.scan.wallMs.median).toFixed(2),
        `${r.subjects.scan.peakRssMb.median.toFixed(0)} / ${r.subjects.scanBinary.peakRssMb.median.toFixed(0)}`,
      ]),
    )
  : '';

const targets = [];
const typical = results.find((r) => r.size === 'typical');
if (typical) {
  targets.push({ target: 'typical: scan < 120 ms wall', value: `${typical.subjects.scan.wallMs.median} ms`, met: typical.subjects.scan.wallMs.median < 120 });
  targets.push({ target: 'typical: scan ≤ 1.5 × shell audit', value: `${typical.ratios.scanOverAudit}×`, met: typical.ratios.scanOverAudit <= 1.5 });
}
const clean = results.find((r) => r.size === 'clean');
const packages = results.find((r) => r.size === 'packages');
if (clean && packages) {
  // Provenance must not slow a scan down measurably: the idle host with packages (provenance read, nothing found)
  // against the clean node (nothing to look up), in the same run.
  const r = ratio(packages.subjects.scan.wallMs.median, clean.subjects.scan.wallMs.median);
  targets.push({ target: 'packages: scan ≤ 1.15 × clean scan (provenance cost)', value: `${r}× (provenance probe ${packages.provenanceMs.median} ms, overlapped)`, met: r <= 1.15 });
}
const huge1 = huge.find((r) => r.scale === 1);
if (huge1) {
  targets.push({ target: 'huge: scan ≤ 0.5 × shell audit', value: `${huge1.ratios.scanOverAudit}×`, met: huge1.ratios.scanOverAudit <= 0.5 });
  targets.push({ target: 'huge: scan < 2 s wall', value: `${huge1.subjects.scan.wallMs.median} ms`, met: huge1.subjects.scan.wallMs.median < 2000 });
  targets.push({ target: 'huge: scan < 300 MB peak RSS', value: `${huge1.subjects.scan.peakRssMb.median.toFixed(0)} MB`, met: huge1.subjects.scan.peakRssMb.median < 300 });
}
for (let i = 1; i < huge.length; i++) {
  const prev = huge[i - 1];
  const cur = huge[i];
  const stateGrowth = cur.scale / prev.scale;
  const timeGrowth = ratio(cur.subjects.scan.wallMs.median, prev.subjects.scan.wallMs.median);
  targets.push({ target: `scaling ${prev.scale}×→${cur.scale}×: scan time grows ≤ state (${stateGrowth}×)`, value: `${timeGrowth}×`, met: timeGrowth <= stateGrowth });
}
const withCluster = results.filter((r) => r.subjects.cluster);
const clusterText = withCluster.length
  ? table(
      ['node', 'node scan ms', 'scan --cluster ms', 'difference ms', 'node scan MB', 'with cluster client MB'],
      withCluster.map((r) => [
        r.label,
        r.subjects.scan.wallMs.median.toFixed(0),
        r.subjects.cluster.wallMs.median.toFixed(0),
        (r.subjects.cluster.wallMs.median - r.subjects.scan.wallMs.median).toFixed(0),
        r.subjects.scan.peakRssMb.median.toFixed(0),
        r.subjects.cluster.peakRssMb.median.toFixed(0),
      ]),
    )
  : '';
const targetText = table(['target', 'measured', 'met'], targets.map((t) => [t.target, t.value, t.met ? 'yes' : 'NO']));

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}, Node ${process.version}`;
process.stdout.write(`\nkube-residue benchmark — ${machine}\nwall ms: median (min–max) over the runs; MB: median peak RSS; a/b = scan / shell audit, a/c = scan / floor\n\n${main}\n\naudit export (scan --audit):\n${auditCost}\n\nscaling (huge node):\n${scaling}\n\ncluster client (loaded only with --cluster; a node scan pays none of the difference):\n${clusterText}\n\ntargets:\n${targetText}\n${seaTable ? `\nstandalone executable (Node 24 SEA) vs bundle (Node ${process.version}):\n${seaTable}\n` : ''}`);

mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(
  args.out,
  `${JSON.stringify({ date: new Date().toISOString(), machine, command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(), bin: args.bin, results, targets }, null, 2)}\n`,
);
process.stderr.write(`bench: wrote ${args.out}\n`);
