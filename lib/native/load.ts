// Loads the compiled addon. node-gyp and cmake-js both write build*/Release/vanilla_rnn.node;
// VANILLA_RNN_ADDON picks a specific binary (CI runs the suite against each build).
import * as fs from 'node:fs';
import * as path from 'node:path';

const packageRoot = path.resolve(__dirname, '..', '..');
const candidates = [
  path.join(packageRoot, 'build', 'Release', 'vanilla_rnn.node'),
  path.join(packageRoot, 'build-cmake', 'Release', 'vanilla_rnn.node'),
];

function addonPath(): string {
  const chosen = process.env.VANILLA_RNN_ADDON;
  if (chosen) return path.resolve(chosen);
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new Error(`vanilla-rnn: the native addon is not built (looked for ${candidates.join(', ')}); run npm install`);
  }
  return found;
}

export function loadAddon(): unknown {
  return require(addonPath());
}
