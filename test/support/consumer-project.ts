// A stranger's project that depends on the packed tarball: its own folder, a lockfile pinned to the
// versions this repository tested (so npm installs from the local cache, offline), and a PATH that
// has node, npm and sh but no compiler, pkg-config or apt-get, unless a test adds some back.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

// Tools come from the system's own folders: a version manager's shim on the user's PATH (pyenv's
// python3 is a bash script) would not run under the stripped PATH.
function commandPath(name: string): string {
  const found = execFileSync('sh', ['-c', `command -v ${name}`],
    { encoding: 'utf8', env: { PATH: '/usr/local/bin:/usr/bin:/bin' } }).trim();
  return fs.realpathSync(found);
}

function npmCli(): string {
  const fromNpm = process.env.npm_execpath;
  if (fromNpm && /npm-cli\.js$/.test(fromNpm)) return fromNpm;
  return fs.realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
}

/**
 * A folder for PATH with node, npm, sh, the named extra tools, and an apt-get that only records its
 * arguments in `aptLog`, so a test sees any attempt to change the system without one happening.
 */
export function strippedPath(dir: string, extraTools: string[] = []): { bin: string; aptLog: string } {
  const bin = path.join(dir, 'bin');
  const aptLog = path.join(dir, 'apt-get.log');
  fs.mkdirSync(bin, { recursive: true });
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync(npmCli(), path.join(bin, 'npm'));
  fs.symlinkSync(commandPath('sh'), path.join(bin, 'sh'));
  for (const tool of extraTools) fs.symlinkSync(commandPath(tool), path.join(bin, tool));
  fs.writeFileSync(path.join(bin, 'apt-get'), `#!/bin/sh\necho "$*" >> '${aptLog}'\n`, { mode: 0o755 });
  return { bin, aptLog };
}

/** The environment of a fresh shell: HOME (for npm's cache) and the given PATH, nothing of this test run's. */
export function cleanEnv(bin: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { HOME: process.env.HOME, PATH: bin, npm_config_update_notifier: 'false', ...extra };
}

export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): RunResult {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// The production part of this repository's lockfile: what `npm ci` of the tarball needs, at the
// versions the suite ran with, all of them already in the npm cache of a machine that ran `npm ci` here.
// Optional dependencies stay, and what they need (devOptional: needed by dev or by an optional
// dependency): npm ci refuses a lockfile that lacks a dependency's optional ones, as msgpackr's under
// bullmq. Those for other platforms are skipped without being fetched.
function productionLockEntries(): Record<string, unknown> {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  return Object.fromEntries(Object.entries(lock.packages as Record<string, Record<string, unknown>>)
    .filter(([where, entry]) => where.startsWith('node_modules/') && !entry.dev));
}

/** A project folder whose package.json and package-lock.json depend on a copy of `tarball`. */
export function consumerProject(dir: string, tarball: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(tarball, path.join(dir, path.basename(tarball)));
  const spec = `file:${path.basename(tarball)}`;
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const manifest = { name: 'consumer', version: '1.0.0', private: true, dependencies: { 'vanilla-rnn': spec } };
  const packages = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies },
    'node_modules/vanilla-rnn': { version: pkg.version, resolved: spec, hasInstallScript: true, license: pkg.license,
      dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
    ...productionLockEntries(),
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, 'package-lock.json'),
    JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2));
  return dir;
}
