// Builds dist/: one CommonJS bundle of the CLI (about 25 % faster to start than per-file output,
// ecosystem.md §3.2), the pre-validated built-in rules, and the V8 code cache the entry point starts the bundle
// with (src/build/loader.cjs). Run by `npm run build` and on `npm ci` (prepare).
//
//   dist/kube-residue.cjs         the entry point (bin): a small loader
//   dist/kube-residue-main.cjs    the program
//   dist/kube-residue-main.cache  V8 code cache for this Node build, taken after a warm-up scan
//   dist/builtin-rules.json       rules/*.yaml, validated and compiled
//   dist/schema/*.schema.json     the rule-file and report JSON Schemas, assembled from the check kinds
//   dist/kube-residue-cluster.cjs the live cluster client (@kubernetes/client-node, ~1.7 MB minified), its own
//                                 file so only `scan --cluster` loads it (src/probes/cluster/load-client.ts)
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import vm from 'node:vm';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  // The sources are ESM and find files relative to import.meta.url; in a CJS bundle that is __filename.
  define: { 'import.meta.url': '__kr_import_meta_url' },
  // Stylesheets (and shell helpers) live in files of their own and are bundled as strings; vitest.config.ts
  // does the same for the tests.
  loader: { '.css': 'text', '.sh': 'text' },
  banner: { js: "const __kr_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
};

// Which source the bundle was built from, for the audit trail (`audit.tool.build`): the git commit, `-dirty` when
// the work tree had changes. Absent outside a git checkout.
const git = (args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
const head = git(['rev-parse', 'HEAD']);
const commit = head.status === 0 ? `${head.stdout.trim()}${git(['status', '--porcelain', '--untracked-files=no']).stdout.trim() ? '-dirty' : ''}` : undefined;

const main = path.join(dist, 'kube-residue-main.cjs');
const cache = path.join(dist, 'kube-residue-main.cache');
rmSync(cache, { force: true });
// The cluster client stays out of the main bundle: load-client.ts's `import('./client.js')` is only reached
// from the TypeScript sources; the bundle requires dist/kube-residue-cluster.cjs instead.
const clusterClientOutside = {
  name: 'cluster-client-outside',
  setup(b) {
    b.onResolve({ filter: /^\.\/client\.js$/ }, (args) =>
      args.importer.endsWith(path.join('cluster', 'load-client.ts')) ? { path: './kube-residue-cluster.cjs', external: true } : undefined,
    );
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ errors: [{ text: '@kubernetes/client-node must only be imported by src/probes/cluster/client.ts' }] }));
  },
};
await build({
  ...common,
  entryPoints: [path.join(root, 'src/cli/bin.ts')],
  outfile: main,
  define: { ...common.define, __KR_BUNDLED__: 'true', __KR_BUILD_COMMIT__: JSON.stringify(commit ?? '') },
  // Loaded only by `scan --audit`, from its own file (below): a plain scan neither parses nor runs it.
  external: ['systeminformation'],
  plugins: [clusterClientOutside],
});
await build({
  ...common,
  entryPoints: [path.join(root, 'src/probes/cluster/client.ts')],
  outfile: path.join(dist, 'kube-residue-cluster.cjs'),
  minify: true,
  // Optional native add-ons of ws and node-fetch: required inside try/catch, absent here.
  external: ['bufferutil', 'utf-8-validate', 'encoding', 'supports-color'],
});
await build({ ...common, banner: undefined, define: undefined, entryPoints: [path.join(root, 'node_modules/systeminformation/lib/index.js')], outfile: path.join(dist, 'systeminformation.cjs') });
// The loader reads the bundle as latin1, which is only the same text as utf8 for ASCII (esbuild's default).
if (readFileSync(main).some((byte) => byte > 0x7f)) throw new Error(`${main} is not ASCII: the loader would misread it`);
copyFileSync(path.join(root, 'src/build/loader.cjs'), path.join(dist, 'kube-residue.cjs'));
chmodSync(path.join(dist, 'kube-residue.cjs'), 0o755);

const compiler = path.join(dist, 'compile-rules.cjs');
await build({ ...common, entryPoints: [path.join(root, 'src/build/compile-rules.ts')], outfile: compiler });
const res = spawnSync(process.execPath, [compiler, path.join(root, 'rules'), path.join(dist, 'builtin-rules.json'), root], { stdio: 'inherit' });
rmSync(compiler, { force: true });
if (res.status !== 0) process.exit(res.status ?? 1);

// The JSON Schemas the package ships, assembled from the check kinds' declarations (src/schema/rule-schema.ts).
const schemaWriter = path.join(dist, 'write-schemas.cjs');
await build({ ...common, entryPoints: [path.join(root, 'src/build/write-schemas.ts')], outfile: schemaWriter });
const schemas = spawnSync(process.execPath, [schemaWriter, path.join(dist, 'schema')], { stdio: 'inherit' });
rmSync(schemaWriter, { force: true });
if (schemas.status !== 0) process.exit(schemas.status ?? 1);

// The code cache, from a warm-up scan of the fixture host root (read-only; its report goes to /dev/null), so it
// holds the functions a scan and the JSON report compile. Without it the loader simply compiles from source.
const hostroot = path.join(root, 'fixtures/hostroot');
const warmup = existsSync(hostroot)
  ? ['scan', '--root', hostroot, '--format', 'json', '--output', '/dev/null', '--timeout', '10']
  : ['rules', 'list', '--format', 'json'];
const warm = spawnSync(process.execPath, [path.join(root, 'src/build/code-cache.cjs'), main, cache, '--', ...warmup], { stdio: ['ignore', 'ignore', 'inherit'] });
if (warm.status !== 0 || !existsSync(cache)) {
  process.stderr.write('build: no code cache made; dist/kube-residue.cjs will compile from source\n');
} else {
  // The loader's exact wrapper: V8 accepts the cache only for the same text (and the same Node build and flags).
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(main, 'latin1')}\n});`;
  if (new vm.Script(wrapped, { filename: main, cachedData: readFileSync(cache) }).cachedDataRejected) {
    rmSync(cache, { force: true });
    process.stderr.write('build: V8 rejected the code cache; dist/kube-residue.cjs will compile from source\n');
  }
}
