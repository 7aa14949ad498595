// What a build from source needs on the machine, how to tell whether each piece is there, and the
// package that provides it on Debian/Ubuntu, Fedora/RHEL and macOS. Checking first turns a missing
// compiler into one sentence instead of a Python traceback from gyp, and a missing OpenBLAS into the
// package name instead of a compiler error about <cblas.h>.
'use strict';

const { spawnSync } = require('node:child_process');

function runs(command, args) {
  const [program, ...prefix] = command.trim().split(/\s+/);
  if (!program) return false;
  return spawnSync(program, [...prefix, ...args], { stdio: 'ignore' }).status === 0;
}

// The compiler gyp's Makefile invokes: $CXX when set, else make's default (g++ on Linux) or clang++.
function cxxCompiler() {
  if (process.env.CXX) return process.env.CXX;
  return process.platform === 'darwin' ? 'clang++' : 'g++';
}

// node-gyp looks for Python in this order.
function pythonCandidates() {
  return [process.env.npm_config_python, process.env.PYTHON, 'python3', 'python'].filter(Boolean);
}

const PREREQUISITES = [
  {
    what: () => `a C++ compiler (${cxxCompiler()})`,
    present: () => runs(cxxCompiler(), ['--version']),
    apt: 'g++', dnf: 'gcc-c++', xcode: true,
  },
  {
    what: () => 'make',
    present: () => runs('make', ['--version']),
    apt: 'make', dnf: 'make', xcode: true,
  },
  {
    what: () => 'python3 (node-gyp runs gyp with it)',
    present: () => pythonCandidates().some((python) => runs(python, ['--version'])),
    apt: 'python3', dnf: 'python3', brew: 'python',
  },
  {
    what: () => 'pkg-config',
    present: () => runs('pkg-config', ['--version']),
    apt: 'pkg-config', dnf: 'pkgconf-pkg-config', brew: 'pkg-config',
  },
  {
    what: () => 'OpenBLAS (pkg-config module "openblas")',
    present: () => runs('pkg-config', ['--exists', 'openblas']),
    apt: 'libopenblas-dev', dnf: 'openblas-devel', brew: 'openblas',
    // Homebrew's OpenBLAS is keg-only: pkg-config finds it only through PKG_CONFIG_PATH.
    brewAfter: 'export PKG_CONFIG_PATH="$(brew --prefix openblas)/lib/pkgconfig"',
  },
];

const CMAKE = {
  what: () => 'cmake',
  present: () => runs('cmake', ['--version']),
  apt: 'cmake', dnf: 'cmake', brew: 'cmake',
};

/** The prerequisites that are missing, each with its name and packages. */
function missingPrerequisites({ cmake = false } = {}) {
  const wanted = cmake ? [...PREREQUISITES, CMAKE] : PREREQUISITES;
  return wanted.filter((piece) => !piece.present()).map((piece) => ({ ...piece, what: piece.what() }));
}

function unique(items) {
  return [...new Set(items)];
}

/** One line per platform: the command that installs exactly the missing pieces. */
function installCommands(missing) {
  const apt = unique(missing.map((m) => m.apt)).join(' ');
  const dnf = unique(missing.map((m) => m.dnf)).join(' ');
  const brew = unique(missing.map((m) => m.brew).filter(Boolean));
  const mac = [
    ...(missing.some((m) => m.xcode) ? ['xcode-select --install'] : []),
    ...(brew.length ? [`brew install ${brew.join(' ')}`] : []),
    ...missing.map((m) => m.brewAfter).filter(Boolean),
  ].join(' && ');
  return [
    `  Debian/Ubuntu: sudo apt-get install ${apt}`,
    `  Fedora/RHEL:   sudo dnf install ${dnf}`,
    `  macOS:         ${mac}`,
  ];
}

module.exports = { missingPrerequisites, installCommands };
