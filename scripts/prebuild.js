#!/usr/bin/env node
// Builds the prebuilt binary the package ships (`npm run build:prebuilt`; `npm pack` runs it too):
// one Node-API binary for linux-x64 with glibc, OpenBLAS linked statically, so installing the
// tarball needs no compiler, no OpenBLAS and no network there. It builds in a copy of the sources
// (build-prebuilt/) so the checkout's own build/ stays as it is, skips the build when its inputs
// have not changed, and refuses a result that would need a library the user may lack.
// (prebuildify would do the naming and stripping, but it ships whichever .node file node-gyp wrote
// first, and binding.gyp has a second target.)
'use strict';

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { nodeGypArgs } = require('./build-native');
const { packageRoot } = require('./install-context');

const PLATFORM = 'linux-x64';
const staging = path.join(packageRoot, 'build-prebuilt');
const stampFile = path.join(staging, 'inputs.sha256');
// node-gyp-build's naming: prebuilds/<platform>-<arch>/<name>.<libc>.node, one Node-API binary for every Node.
const BINARY = path.join('prebuilds', PLATFORM, 'vanilla-rnn.glibc.node');
const binary = path.join(packageRoot, BINARY);
const notices = path.join(packageRoot, 'THIRD-PARTY-NOTICES.md');

// What the binary may need from the user's system: the C and C++ runtimes every Node install has.
const ALLOWED_NEEDED = new Set(['libstdc++.so.6', 'libm.so.6', 'libgcc_s.so.1', 'libc.so.6', 'ld-linux-x86-64.so.2']);

function capture(command, args) {
  return execFileSync(command, args, { encoding: 'utf8' }).trim();
}

// The files a build from the tarball would use: the package's own file list (npm pack), less the
// compiled JavaScript and the binaries, so the prebuilt binary proves that the shipped sources build.
function shippedBuildInputs() {
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const listing = execFileSync(npm[0], [...npm.slice(1), 'pack', '--dry-run', '--json', '--ignore-scripts'],
    { cwd: packageRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(listing)[0].files.map((file) => file.path)
    .filter((file) => /^(binding\.gyp|package\.json|native\/|scripts\/)/.test(file)).sort();
}

function openblasArchive() {
  return path.join(capture('pkg-config', ['--variable=libdir', 'openblas']), 'libopenblas.a');
}

/** A digest of everything the binary is made from: the sources, the headers, the compiler and OpenBLAS. */
function inputsDigest(files) {
  const hash = crypto.createHash('sha256');
  // Of the staged files only these make the binary: package.json is there for its name, and the
  // install scripts are not part of the build.
  const makesBinary = (file) => /^(binding\.gyp|native\/|scripts\/openblas-flags\.js$)/.test(file);
  for (const file of files.filter(makesBinary)) {
    hash.update(`${file}\0`).update(fs.readFileSync(path.join(packageRoot, file)));
  }
  const archive = fs.statSync(openblasArchive());
  hash.update(`${openblasArchive()} ${archive.size} ${archive.mtimeMs}\0`);
  hash.update(`${require('node-addon-api/package.json').version}\0${process.versions.node}\0`);
  hash.update(capture(process.env.CXX || 'g++', ['--version']));
  return hash.digest('hex');
}

function stageSources(files) {
  fs.rmSync(staging, { recursive: true, force: true });
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
    fs.copyFileSync(path.join(packageRoot, file), path.join(staging, file));
  }
}

/** node-gyp in the staged copy, OpenBLAS static; returns the stripped addon. */
function buildStatic() {
  const env = { ...process.env, VANILLA_RNN_OPENBLAS_LINK: 'static' };
  execFileSync(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), ...nodeGypArgs()], { stdio: 'inherit', env, cwd: staging });
  const addon = path.join(staging, 'build', 'Release', 'vanilla_rnn.node');
  execFileSync('strip', ['--strip-all', addon]);
  return addon;
}

function neededLibraries(file) {
  return [...capture('readelf', ['-d', file]).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

// A symbol the addon leaves undefined must come from Node (napi_*), be weak, or carry the version
// of a system runtime; anything else (a Fortran runtime symbol, say) would fail at the first call.
function unresolvedSymbols(file) {
  return capture('nm', ['-D', '--undefined-only', file]).split('\n').filter(Boolean)
    .map((line) => line.trim().split(/\s+/))
    .filter(([kind, name]) => !/^[wv]$/i.test(kind) && !/^(napi_|node_api_)/.test(name) && !name.includes('@'))
    .map(([, name]) => name);
}

function compareVersions(a, b) {
  const [x, y] = [a, b].map((version) => version.split('.').map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

/** The newest symbol version the binary asks of a runtime (GLIBC, GLIBCXX): the oldest system it runs on. */
function highestVersion(file, prefix) {
  const versions = [...capture('nm', ['-D', '--undefined-only', file]).matchAll(new RegExp(`@${prefix}_([0-9.]+)`, 'g'))]
    .map((m) => m[1]).sort(compareVersions);
  return versions.length ? versions[versions.length - 1] : 'none';
}

function verify(file) {
  const extra = neededLibraries(file).filter((lib) => !ALLOWED_NEEDED.has(lib));
  if (extra.length) throw new Error(`${file} needs ${extra.join(', ')}, which a user's machine may lack`);
  const unresolved = unresolvedSymbols(file);
  if (unresolved.length) throw new Error(`${file} leaves unversioned symbols undefined: ${unresolved.join(', ')}`);
  const version = capture('pkg-config', ['--modversion', 'openblas']);
  if (!fs.readFileSync(notices, 'utf8').includes(`OpenBLAS ${version}`)) {
    throw new Error(`THIRD-PARTY-NOTICES.md does not cover the OpenBLAS linked in (${version}): update it from `
      + '/usr/share/doc/libopenblas-pthread-dev/copyright');
  }
  console.log(`vanilla-rnn: ${BINARY}: ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MiB,`
    + ` OpenBLAS ${version} linked statically, needs glibc >= ${highestVersion(file, 'GLIBC')}`
    + ` and libstdc++ with GLIBCXX_${highestVersion(file, 'GLIBCXX')}`);
}

// Why this machine cannot make the binary, or null. `npm pack` (and a git dependency's install,
// which packs) goes on without one, and the tarball builds from source where it is installed;
// `npm publish` and --strict (CI) stop instead.
function cannotBuildHere() {
  if (`${process.platform}-${process.arch}` !== PLATFORM || fs.existsSync('/etc/alpine-release')) {
    return `prebuilt binaries are made on ${PLATFORM} with glibc`;
  }
  let archive;
  try {
    archive = openblasArchive();
  } catch {
    return 'pkg-config finds no OpenBLAS';
  }
  return fs.existsSync(archive) ? null : `${archive} is absent (Debian: libopenblas-pthread-dev)`;
}

function main() {
  const unavailable = cannotBuildHere();
  if (unavailable) {
    if (process.argv.includes('--strict') || process.env.npm_command === 'publish') throw new Error(unavailable);
    fs.rmSync(binary, { force: true }); // an old binary must not ship as if it were current
    console.error(`vanilla-rnn: no prebuilt binary made (${unavailable}): the tarball builds from source where it is installed`);
    return;
  }
  const files = shippedBuildInputs();
  const digest = inputsDigest(files);
  const upToDate = fs.existsSync(binary) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === digest;
  if (upToDate && !process.argv.includes('--force')) {
    console.log(`vanilla-rnn: ${BINARY} is up to date`);
    return;
  }
  stageSources(files);
  const built = buildStatic();
  verify(built);
  // One rename puts the verified binary in place, so a process loading the old one never sees a gap.
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  fs.renameSync(built, binary);
  fs.writeFileSync(stampFile, digest);
}

try {
  main();
} catch (err) {
  console.error(`vanilla-rnn: prebuilt binary not made: ${err.message}`);
  process.exit(1);
}
