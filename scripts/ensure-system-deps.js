#!/usr/bin/env node
// Makes sure the system tools the native build needs are present before node-gyp or cmake-js runs.
// OpenBLAS is a system library (found with pkg-config), not an npm package, so `npm install` would
// otherwise fail deep inside the compiler with a missing <cblas.h>. On Debian/Ubuntu as root we
// install it with apt-get and say so; everywhere else we stop with the exact package to install.
// There is deliberately no fallback to a slow built-in GEMM: a silent 10x slowdown is worse than an error.
'use strict';

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');

const wantCmake = process.argv.includes('--cmake');

function commandWorks(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function openblasFound() {
  return commandWorks('pkg-config', ['--exists', 'openblas']);
}

function missingPieces() {
  const missing = [];
  if (!commandWorks('pkg-config', ['--version'])) missing.push({ apt: 'pkg-config', what: 'pkg-config' });
  if (!openblasFound()) missing.push({ apt: 'libopenblas-dev', what: 'OpenBLAS (pkg-config module "openblas")' });
  if (wantCmake && !commandWorks('cmake', ['--version'])) missing.push({ apt: 'cmake', what: 'cmake' });
  return missing;
}

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
    && isDebianLike() && commandWorks('apt-get', ['--version']);
}

function installWithApt(packages) {
  console.error(`vanilla-rnn: installing ${packages.join(' ')} with apt-get (running as root on Debian/Ubuntu)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
}

function explainAndExit(missing) {
  const names = missing.map((m) => m.what).join(', ');
  console.error([
    `vanilla-rnn: cannot build the native addon: ${names} not found.`,
    'Install the OpenBLAS development package and pkg-config, then run npm install again:',
    '  Debian/Ubuntu: sudo apt-get install libopenblas-dev pkg-config' + (wantCmake ? ' cmake' : ''),
    '  Fedora/RHEL:   sudo dnf install openblas-devel pkgconf-pkg-config' + (wantCmake ? ' cmake' : ''),
    '  macOS:         brew install openblas pkg-config' + (wantCmake ? ' cmake' : '') +
      '  (and export PKG_CONFIG_PATH="$(brew --prefix openblas)/lib/pkgconfig")',
  ].join('\n'));
  process.exit(1);
}

function main() {
  const missing = missingPieces();
  if (missing.length === 0) return;
  if (!canInstallWithApt()) explainAndExit(missing);
  installWithApt(missing.map((m) => m.apt));
  const stillMissing = missingPieces();
  if (stillMissing.length > 0) explainAndExit(stillMissing);
}

main();
