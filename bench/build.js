#!/usr/bin/env node
// `npm run build:bench`: the bench's TypeScript, and its own addon (bench/native) when it is missing or
// older than its sources. Neither ships in the package.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { nodeGypArgs } = require('../scripts/build-native');

const root = path.resolve(__dirname, '..');
const probes = path.join(__dirname, 'native');
const binary = path.join(probes, 'build', 'Release', 'bench_probes.node');

// The addon's own sources, and those it takes from the package: the argument checks, the kernel
// paths and the hardware probes (plain C++ in native/probes).
function newestSource() {
  const sourcesIn = (dir, pattern) => fs.readdirSync(dir).filter((f) => pattern.test(f)).map((f) => path.join(dir, f));
  const sources = [
    ...sourcesIn(probes, /\.(cc|h|gyp)$/),
    ...sourcesIn(path.join(root, 'native', 'probes'), /\.(cc|h)$/),
    ...sourcesIn(path.join(root, 'native', 'kernel'), /^(kernel_path|simd_.*)\.(cc|h)$/),
    path.join(root, 'native', 'binding', 'js_args.cc'), path.join(root, 'native', 'binding', 'js_args.h'),
  ];
  return Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
}

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.json')], { stdio: 'inherit' });
if (!fs.existsSync(binary) || fs.statSync(binary).mtimeMs < newestSource()) {
  execFileSync(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), ...nodeGypArgs()], { stdio: 'inherit', cwd: probes });
}
