#!/usr/bin/env node
// Builds the addon from source: system prerequisites first, then node-gyp on every core (or $JOBS)
// against the local Node headers. Passing --nodedir explicitly keeps node-gyp from downloading
// headers when they ship with Node under <prefix>/include/node.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ensureSystemDeps } = require('./ensure-system-deps');
const { packageRoot } = require('./install-context');

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

/** The node-gyp arguments of a parallel release build. */
function nodeGypArgs() {
  const args = ['rebuild', '--release', `--jobs=${process.env.JOBS || 'max'}`];
  const nodedir = localNodeDir();
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  return args;
}

function buildFromSource() {
  ensureSystemDeps();
  const gyp = nodeGypScript();
  if (!gyp) {
    throw new Error('node-gyp not found: npm and pnpm bring their own; with another package manager, '
      + 'install it (npm install -g node-gyp) and run the install again');
  }
  execFileSync(process.execPath, [gyp, ...nodeGypArgs()], { stdio: 'inherit', cwd: packageRoot });
}

/** What the user reads when a build fails: the prerequisite check's own words, or node-gyp's failure. */
function failureMessage(err) {
  return err.message.startsWith('vanilla-rnn:') ? err.message : `vanilla-rnn: native build failed: ${err.message}`;
}

module.exports = { buildFromSource, failureMessage, nodeGypArgs };

if (require.main === module) {
  try {
    buildFromSource();
  } catch (err) {
    console.error(failureMessage(err));
    process.exit(1);
  }
}
