#!/usr/bin/env node
// Makes sure the system tools a build from source needs are present before node-gyp or cmake-js runs.
// As a dependency of another project it never changes the system: it names what to install and
// exits non-zero. In this repository's own checkout, run as root on Debian/Ubuntu (the quick start),
// it installs the missing packages with apt-get and says so on stderr.
// There is deliberately no fallback to a slow built-in GEMM: a silent 10x slowdown is worse than an error.
'use strict';

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { missingPrerequisites, installCommands } = require('./build-prerequisites');
const { isOwnCheckout } = require('./install-context');

function isDebianLike() {
  try {
    const osRelease = fs.readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(osRelease);
  } catch {
    return false;
  }
}

function canInstallWithApt() {
  return process.platform === 'linux' && typeof process.getuid === 'function' && process.getuid() === 0
    && isDebianLike() && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

function installWithApt(packages) {
  console.error(`vanilla-rnn: installing ${packages.join(' ')} with apt-get, because this is the repository's own`
    + ' checkout and the install runs as root on Debian/Ubuntu (the quick start); as a dependency of another'
    + ' project the install never changes the system.');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages],
    { stdio: ['ignore', 'inherit', 'inherit'], env });
}

function explain(missing, { retry }) {
  return [
    `vanilla-rnn: cannot build the native addon from source: ${missing.map((m) => m.what).join(', ')} not found.`,
    `Install ${missing.length === 1 ? 'it' : 'them'}, then run ${retry}:`,
    ...installCommands(missing),
  ].join('\n');
}

/**
 * Returns when everything is present; otherwise installs it (own checkout, root, Debian) or throws
 * an Error whose message names what is missing and the packages that provide it.
 */
function ensureSystemDeps({ cmake = false } = {}) {
  const missing = missingPrerequisites({ cmake });
  if (missing.length === 0) return;
  const own = isOwnCheckout();
  const retry = own ? 'npm install again' : '`npm rebuild vanilla-rnn`';
  if (!own || !canInstallWithApt()) throw new Error(explain(missing, { retry }));
  installWithApt([...new Set(missing.map((m) => m.apt))]);
  const stillMissing = missingPrerequisites({ cmake });
  if (stillMissing.length > 0) throw new Error(explain(stillMissing, { retry }));
}

module.exports = { ensureSystemDeps };

if (require.main === module) {
  try {
    ensureSystemDeps({ cmake: process.argv.includes('--cmake') });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
