// Finds and loads the compiled addon. In order: VANILLA_RNN_ADDON (a specific binary: CI runs the
// suite against each build); a local build (node-gyp's build/Release, cmake-js's build-cmake/Release),
// so a build from source beats the shipped binary; then node-gyp-build's search, which adds
// build/Debug and the prebuilt binary for this platform under prebuilds/<platform>-<arch>/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string };

const packageRoot = path.resolve(__dirname, '..', '..');
const localBuilds = [
  path.join(packageRoot, 'build', 'Release', 'vanilla_rnn.node'),
  path.join(packageRoot, 'build-cmake', 'Release', 'vanilla_rnn.node'),
];
const prebuildsDir = path.join(packageRoot, 'prebuilds');

const HOW_TO_BUILD = [
  'Build it from source (it needs a C++17 compiler, make, python3 and OpenBLAS, and names any that are missing):',
  '  npm:  npm rebuild vanilla-rnn   (where npm blocks the package\'s install script, first: npm install-scripts approve vanilla-rnn)',
  '  pnpm: add "vanilla-rnn" to "pnpm.onlyBuiltDependencies" in package.json (or run pnpm approve-builds),'
    + ' then pnpm rebuild vanilla-rnn',
  '  in a clone of the repository: npm install',
].join('\n');

function shippedPlatforms(): string[] {
  try {
    return fs.readdirSync(prebuildsDir).filter((name) => fs.statSync(path.join(prebuildsDir, name)).isDirectory());
  } catch {
    return [];
  }
}

function notFoundError(): Error {
  const platforms = shippedPlatforms();
  const prebuilt = platforms.length > 0
    ? `the prebuilt binaries in this package are for ${platforms.join(', ')}`
    : 'this copy of the package has no prebuilt binary';
  return new Error([
    `vanilla-rnn: no native addon for ${os.platform()}-${os.arch()}: ${prebuilt}, and none was built from source`
      + ' here (the package\'s install script was skipped, or failed).',
    HOW_TO_BUILD,
    `Looked in: ${[...localBuilds, path.join(packageRoot, 'build', 'Debug'), prebuildsDir].join(', ')}.`,
  ].join('\n'));
}

/** The path of the addon binary this process will load; throws naming how to build one when none exists. */
export function addonBinaryPath(): string {
  const chosen = process.env.VANILLA_RNN_ADDON;
  if (chosen) return path.resolve(chosen);
  const local = localBuilds.find((candidate) => fs.existsSync(candidate));
  if (local) return local;
  try {
    return nodeGypBuild.path(packageRoot);
  } catch {
    throw notFoundError();
  }
}

/** Loads the addon; a binary that will not load here (another platform, an older libc) says which and why. */
export function loadAddon(): unknown {
  const file = addonBinaryPath();
  try {
    return require(file);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`vanilla-rnn: the native addon ${file} does not load here: ${reason}\n${HOW_TO_BUILD}`, { cause: err });
  }
}
