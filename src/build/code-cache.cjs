// Build step: makes dist/kube-residue-main.cache, the V8 code cache that dist/kube-residue.cjs (src/build/loader.cjs)
// compiles the program with. The program runs once here — a scan of the fixture host root, JSON report to
// /dev/null — and the cache is taken as the process exits, so it holds every function that scan compiled.
//
//   node code-cache.cjs <kube-residue-main.cjs> <cache file> -- <kube-residue arguments>
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const vm = require('node:vm');

const [file, cacheFile, dashes, ...args] = process.argv.slice(2);
if (!file || !cacheFile || dashes !== '--') {
  process.stderr.write('usage: node code-cache.cjs <main.cjs> <cache file> -- <arguments>\n');
  process.exit(2);
}
const path = require('node:path');
// The same wrapper text as the loader's: V8 only accepts a cache for the same source.
const wrapped = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'latin1')}\n});`;
const script = new vm.Script(wrapped, { filename: file });
process.on('exit', () => {
  writeFileSync(cacheFile, script.createCachedData());
  // Whatever the warm-up scan found on the build host is no build failure.
  process.exitCode = 0;
});
process.argv = [process.argv[0], file, ...args];
const mod = { exports: {}, filename: file, id: file, loaded: false };
script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
