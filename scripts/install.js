#!/usr/bin/env node
// The package's `install` step. In this repository's own checkout it builds from source, as a
// developer wants. As a dependency it builds nothing when the prebuilt binary for this platform
// loads here (linux-x64 with glibc: the user needs no compiler, no OpenBLAS and no network), and
// otherwise builds from source, which names anything missing and never changes the system.
// VANILLA_RNN_BUILD_FROM_SOURCE=1 (or npm's --build-from-source) skips the prebuilt binary.
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { buildFromSource, failureMessage } = require('./build-native');
const { packageRoot, isOwnCheckout } = require('./install-context');

function buildFromSourceRequested() {
  const flag = (value) => value !== undefined && value !== '' && value !== '0' && value !== 'false';
  return flag(process.env.VANILLA_RNN_BUILD_FROM_SOURCE) || flag(process.env.npm_config_build_from_source);
}

/**
 * The prebuilt binary node-gyp-build picks for this platform, loaded in a child process so a binary
 * that cannot load here (an older glibc or libstdc++) falls back to a build instead of failing later.
 * Returns { file } when it loads, else { reason }.
 */
function prebuiltThatLoads() {
  const probe = `
    let file = null;
    try {
      file = require('node-gyp-build').path(process.argv[1]);
    } catch {
      console.error('this package has no prebuilt binary for ' + process.platform + '-' + process.arch);
      process.exit(1);
    }
    try {
      require(file);
    } catch (err) {
      console.error('the prebuilt binary ' + file + ' does not load here: ' + String(err.message).split('\\n')[0]);
      process.exit(1);
    }
    process.stdout.write(file);`;
  const env = { ...process.env, PREBUILDS_ONLY: '1' };
  delete env.VANILLA_RNN_PREBUILD;
  const result = spawnSync(process.execPath, ['-e', probe, packageRoot], { cwd: packageRoot, env, encoding: 'utf8' });
  if (result.status === 0) return { file: result.stdout };
  return { reason: (result.stderr || '').trim() || `the check that loads it exited with ${result.status}` };
}

function whyFromSource(prebuilt) {
  if (buildFromSourceRequested()) return 'a build from source was asked for (VANILLA_RNN_BUILD_FROM_SOURCE or --build-from-source)';
  return prebuilt.reason;
}

function main() {
  if (isOwnCheckout()) {
    buildFromSource();
    return;
  }
  const prebuilt = buildFromSourceRequested() ? {} : prebuiltThatLoads();
  if (prebuilt.file) {
    console.log(`vanilla-rnn: using the prebuilt binary ${path.relative(packageRoot, prebuilt.file)}; nothing to build`);
    return;
  }
  console.error(`vanilla-rnn: building the native addon from source: ${whyFromSource(prebuilt)}`);
  buildFromSource();
}

try {
  main();
} catch (err) {
  console.error(failureMessage(err));
  process.exit(1);
}
