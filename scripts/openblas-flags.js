#!/usr/bin/env node
// Prints the linker arguments for OpenBLAS; binding.gyp calls it. A source build links the system's
// shared OpenBLAS (found with pkg-config), so the distribution's updates apply to it. The prebuilt
// binary the package ships sets VANILLA_RNN_OPENBLAS_LINK=static and links the static archive
// instead, so the user's machine needs no OpenBLAS: only cblas_sgemm and what it reaches are pulled
// in, with the library's own run-time CPU dispatch (Debian builds it with DYNAMIC_ARCH), and
// --exclude-libs keeps those symbols private to the addon so they never clash with another BLAS
// loaded in the same process.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function pkgConfig(args) {
  return execFileSync('pkg-config', args, { encoding: 'utf8' }).trim();
}

function staticArchive() {
  const libdir = pkgConfig(['--variable=libdir', 'openblas']);
  const archive = path.join(libdir, 'libopenblas.a');
  if (!fs.existsSync(archive)) {
    throw new Error(`VANILLA_RNN_OPENBLAS_LINK=static needs ${archive} (Debian: libopenblas-pthread-dev), which is absent`);
  }
  return archive;
}

function linkFlags(mode) {
  if (mode === 'shared') return pkgConfig(['--libs', 'openblas']);
  if (mode === 'static') {
    if (process.platform !== 'linux') throw new Error('VANILLA_RNN_OPENBLAS_LINK=static is supported on Linux only');
    return `${staticArchive()} -Wl,--exclude-libs,libopenblas.a -lpthread -lm`;
  }
  throw new Error(`VANILLA_RNN_OPENBLAS_LINK must be "shared" or "static", got "${mode}"`);
}

module.exports = { linkFlags };

if (require.main === module) {
  try {
    process.stdout.write(`${linkFlags(process.env.VANILLA_RNN_OPENBLAS_LINK || 'shared')}\n`);
  } catch (err) {
    console.error(`vanilla-rnn: ${err.message}`);
    process.exit(1);
  }
}
