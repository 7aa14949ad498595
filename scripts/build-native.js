#!/usr/bin/env node
// The `npm install` step: system dependencies first, then node-gyp against the local Node headers.
// Passing --nodedir explicitly keeps node-gyp from trying to download headers, which the build
// machines cannot reach; the headers ship with Node under <prefix>/include/node.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function localNodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

function nodeGypScript() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

function run() {
  execFileSync(process.execPath, [path.join(__dirname, 'ensure-system-deps.js')], { stdio: 'inherit' });
  const gyp = nodeGypScript();
  if (!gyp) throw new Error('node-gyp not found: run the build through npm (npm install) or install node-gyp');
  const args = [gyp, 'rebuild', '--release'];
  const nodedir = localNodeDir();
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  execFileSync(process.execPath, args, { stdio: 'inherit', cwd: path.resolve(__dirname, '..') });
}

try {
  run();
} catch (err) {
  console.error(`vanilla-rnn: native build failed: ${err.message}`);
  process.exit(1);
}
