#!/usr/bin/env node
// kube-residue's entry point (dist/kube-residue.cjs). The program is dist/kube-residue-main.cjs, one esbuild
// bundle; this loader compiles it with the V8 code cache that `npm run build` made after a warm-up scan
// (dist/kube-residue-main.cache), so a run starts with the scan's functions already compiled instead of parsing
// 1.3 MB of JavaScript: about 25 ms of a 130 ms scan. The cache only fits the Node build that made it; V8
// checks that (version, flags, source) and on any mismatch silently compiles from source as usual.
// Nothing is written here: the cache is made by src/build/code-cache.cjs at build time only.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, 'kube-residue-main.cjs');
let cachedData;
try {
  cachedData = readFileSync(path.join(__dirname, 'kube-residue-main.cache'));
} catch {
  cachedData = undefined;
}
// The CommonJS wrapper, exactly as src/build/code-cache.cjs compiles it (V8 only accepts a cache for the same text).
// The build checks that the bundle is ASCII (esbuild escapes everything else), so latin1 reads the same text as
// utf8, without the decoding: 0.3 ms instead of 3.
const wrapped = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'latin1')}\n});`;
const main = new vm.Script(wrapped, { filename: file, cachedData }).runInThisContext();
const mod = { exports: {}, filename: file, id: file, loaded: false };
main.call(mod.exports, mod.exports, createRequire(file), mod, file, __dirname);
