#!/usr/bin/env node
// Runs inside the sandbox (bench/run.mjs starts it through test/sandbox/sandbox.sh): measures the scan, the
// shell audit and the floor on the node the scenarios planted, round-robin, and prints one JSON line.
//
//   node measure.mjs '{"runs":5,"bin":"dist/kube-residue.cjs","label":"huge-1x"}'
//
// Wall time: a monotonic clock around the whole child (spawnSync of GNU time, which forks the command and
// waits for it). Peak RSS: GNU time's %M, the largest resident set of the command or any child it waited for
// (for the scan: node, or an iptables-save it ran if that was larger).
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const opts = JSON.parse(process.argv[2] ?? '{}');
const runs = opts.runs ?? 5;
const bin = opts.bin ?? 'dist/kube-residue.cjs';
const TIME = '/usr/bin/time';
const OUT = '/tmp/kr-bench.out';
const RSS = '/tmp/kr-bench.rss';

const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS; // adds ~70 ms to every node start in the lab, never set on nodes
delete env.NODE_OPTIONS;

const subjects = {
  scan: [process.execPath, bin, 'scan', '--format', 'json'],
  // The audit export: the same scan plus systeminformation's system() and osInfo() (loaded only for --audit).
  scanAudit: [process.execPath, bin, 'scan', '--format', 'json', '--audit'],
  audit: ['bash', 'bench/audit.sh'],
  floor: ['bash', 'bench/floor.sh'],
};
// The standalone executable (npm run build:dist), next to the bundle: start-up alone (--version) and the scan.
if (opts.sea) {
  subjects.startBundle = [process.execPath, bin, '--version'];
  subjects.startBinary = [opts.sea, '--version'];
  subjects.scanBinary = [opts.sea, 'scan', '--format', 'json'];
}
// The same scan with --cluster against a server nobody listens at: it loads the cluster client
// (dist/kube-residue-cluster.cjs) and fails at once. Its difference to `scan` is what a node scan does not pay.
if (opts.clusterKubeconfig) subjects.cluster = [process.execPath, bin, 'scan', '--format', 'json', '--cluster', '--kubeconfig', opts.clusterKubeconfig];

function once(cmd) {
  const out = openSync(OUT, 'w');
  const t0 = process.hrtime.bigint();
  const res = spawnSync(TIME, ['-f', '%M', '-o', RSS, ...cmd], { stdio: ['ignore', out, 'ignore'], env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  closeSync(out);
  if (res.error) throw res.error;
  const lines = readFileSync(RSS, 'utf8').trim().split('\n');
  const rssKb = Number(lines[lines.length - 1]);
  return { ms, rssKb, status: res.status };
}

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const at = (p) => v[Math.min(v.length - 1, Math.max(0, Math.round(p * (v.length - 1))))];
  const round = (x) => Math.round(x * 10) / 10;
  return { median: round(at(0.5)), min: round(v[0]), max: round(v[v.length - 1]), p25: round(at(0.25)), p75: round(at(0.75)), n: v.length };
}

function count(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return r.status === 0 ? r.stdout : '';
}

/** What is on this node, for the scaling table. */
function stateOf() {
  // Files and symlinks (not the directories holding them).
  const entries = (dir) => {
    try {
      return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory()).length;
    } catch {
      return 0;
    }
  };
  let rules = 0;
  let chains = 0;
  for (const save of ['iptables-nft-save', 'ip6tables-nft-save', 'iptables-legacy-save', 'ip6tables-legacy-save']) {
    const text = count(save, []);
    for (const l of text.split('\n')) {
      if (l.startsWith('-A ')) rules++;
      else if (l.startsWith(':') && / - \[/.test(l)) chains++;
    }
  }
  return {
    logEntries: entries('/var/log/pods') + entries('/var/log/containers'),
    links: readdirSync('/sys/class/net').length,
    iptablesChains: chains,
    iptablesRules: rules,
    mounts: readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\n').length,
    processes: readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length,
  };
}

// Check run: what each subject reports here (also the warm-up: page cache, binaries).
const check = {};
{
  const r = once(subjects.scan);
  const report = JSON.parse(readFileSync(OUT, 'utf8'));
  check.scan = {
    exit: r.status,
    verdict: report.verdict,
    rules: report.summary.rules,
    rulesFound: report.summary.found,
    unchecked: report.summary.unchecked,
    findings: report.summary.findings,
    reportBytes: readFileSync(OUT).length,
    probes: Object.fromEntries(report.probes.map((p) => [p.probe, p.durationMs])),
  };
  const a = once(subjects.audit);
  const text = readFileSync(OUT, 'utf8');
  check.audit = { exit: a.status, rulesFound: new Set(text.split('\n').filter((l) => l.startsWith('RESIDUE ')).map((l) => l.split(':')[0])).size, outputBytes: text.length };
  once(subjects.floor);
}

// The provenance probe's own time in each scan (0 when no rule with package conditions matched): what reading
// the package database costs, next to the scan's wall time. Read from the report after the clock stopped.
const provenanceMs = [];
const names = Object.keys(subjects);
const samples = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < runs; i++) {
  // Rotate the order so that no subject always runs right after another.
  for (let k = 0; k < names.length; k++) {
    const name = names[(i + k) % names.length];
    samples[name].push(once(subjects[name]));
    if (name === 'scan') provenanceMs.push(JSON.parse(readFileSync(OUT, 'utf8')).probes.find((p) => p.probe === 'provenance')?.durationMs ?? 0);
  }
}
rmSync(OUT, { force: true });
rmSync(RSS, { force: true });

const result = { label: opts.label, runs, state: stateOf(), check, subjects: {}, provenanceMs: stats(provenanceMs) };
for (const name of names) {
  result.subjects[name] = { command: subjects[name].join(' ').replace(process.execPath, 'node'), wallMs: stats(samples[name].map((s) => s.ms)), peakRssMb: stats(samples[name].map((s) => s.rssKb / 1024)) };
}
process.stdout.write(`KR-BENCH-RESULT ${JSON.stringify(result)}\n`);
