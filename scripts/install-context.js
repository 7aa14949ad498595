// Whether the install runs in this repository's own checkout (the quick start) or as a dependency of
// another project. Only the own checkout may change the system (apt-get as root); a dependency's
// install is someone else's `npm ci`, where it reports what is missing and stops.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const packageRoot = path.resolve(__dirname, '..');

function realpath(dir) {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

function isInside(dir, root) {
  const relative = path.relative(root, dir);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * True when the package is not inside a node_modules folder and npm (which sets INIT_CWD to the
 * folder it was started in) was started inside the package itself, or the script was run directly.
 */
function isOwnCheckout(root = packageRoot, initCwd = process.env.INIT_CWD) {
  const real = realpath(root);
  if (real.split(path.sep).includes('node_modules')) return false;
  return !initCwd || isInside(realpath(initCwd), real);
}

module.exports = { packageRoot, isOwnCheckout };
