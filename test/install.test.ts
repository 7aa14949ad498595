// The package as a stranger installs it: `npm pack`, then `npm ci` of the tarball in a fresh project
// whose PATH has no compiler, pkg-config or apt-get. On linux-x64 the prebuilt binary serves, needing
// no libopenblas; where no prebuilt fits, the messages name the way to build and what to install,
// and nothing changes the system unless the install runs in this repository's own checkout.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, consumerProject, run, strippedPath } from './support/consumer-project';
import { FIXTURES_DIR, expectClose, loadJson } from './support/fixtures';

const ROOT = path.resolve(__dirname, '..');
const PREBUILT = path.join('prebuilds', 'linux-x64', 'vanilla-rnn.glibc.node');
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
// The tarball's tests install it with a clean environment, so they test the same thing whichever
// binary VANILLA_RNN_ADDON gives the rest of the suite: they run once, in the run without it.
const packagingRun = onLinuxX64 && !process.env.VANILLA_RNN_ADDON;
const isRootOnDebian = onLinuxX64 && process.getuid?.() === 0
  && /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(fs.readFileSync('/etc/os-release', 'utf8'));

// A user's script: a PyTorch fixture through require('vanilla-rnn'), reporting the results, the
// addon files mapped into the process and whether any libopenblas is.
const FORWARD_SCRIPT = `
const fs = require('node:fs');
const { RNN } = require('vanilla-rnn');
const fixture = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const tensor = (json) => json && { shape: json.shape, data: Float32Array.from(json.data) };
const rnn = new RNN(fixture.config);
rnn.loadStateDict(Object.fromEntries(Object.entries(fixture.weights).map(([name, t]) => [name, tensor(t)])));
const { output, hn } = rnn.forward(tensor(fixture.input), { h0: tensor(fixture.h0), lengths: fixture.lengths });
const mapped = fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').map((line) => line.split(/\\s+/)[5]).filter(Boolean);
process.stdout.write(JSON.stringify({
  output: Array.from(output.data), hn: Array.from(hn.data),
  addons: [...new Set(mapped.filter((file) => file.endsWith('.node')))],
  openblasMapped: mapped.some((file) => /libopenblas/.test(file)),
}));
`;

let work: string;
let tarball: string;

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return run('npm', args, cwd, env);
}

/** A fresh project with the tarball installed by `npm ci --offline` under the given PATH. */
function installed(name: string, bin: string, ciArgs: string[] = []): string {
  const project = consumerProject(path.join(work, name), tarball);
  const result = npm(['ci', '--offline', '--no-audit', '--no-fund', '--foreground-scripts', ...ciArgs], project, cleanEnv(bin));
  if (result.status !== 0) {
    throw new Error(`npm ci failed (its dependencies come from the npm cache: run npm ci in the repository first):\n`
      + `${result.stdout}\n${result.stderr}`);
  }
  return project;
}

describe.skipIf(!packagingRun)('installing the packed tarball as a dependency', { timeout: 120_000 }, () => {
  beforeAll(() => {
    // Builds the prebuilt binary when its sources changed; a no-op otherwise (CI builds it before the suite).
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'prebuild.js'), '--strict'], { cwd: ROOT, stdio: 'pipe' });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vanilla-rnn-install-'));
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    tarball = path.join(work, JSON.parse(packed)[0].filename);
  }, 600_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('ships what runs (compiled code, the prebuilt binary, the sources a build needs, licences) and nothing else', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean)
      .map((file) => file.replace(/^package\//, ''));
    for (const needed of ['LICENSE', 'THIRD-PARTY-NOTICES.md', 'README.md', 'package.json', PREBUILT, 'binding.gyp',
      'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'scripts/install.js', 'scripts/openblas-flags.js']) {
      expect(files).toContain(needed);
    }
    const gyp = JSON.parse(fs.readFileSync(path.join(ROOT, 'binding.gyp'), 'utf8'));
    for (const source of gyp.targets[0].sources) expect(files).toContain(source);
    const leftovers = files.filter((file) => /^(native\/tests\/|lib\/|test\/|CMakeLists\.txt$|build)/.test(file)
      || /^scripts\/(leak-check|test-asan|prebuild)\.js$/.test(file) || file.endsWith('.map'));
    expect(leftovers).toEqual([]);
  });

  it('installs with no compiler, pkg-config or apt-get on PATH, builds nothing, and runs a forward on the '
    + 'prebuilt binary, which needs no libopenblas', () => {
    const { bin, aptLog } = strippedPath(path.join(work, 'plain'));
    const project = installed('plain', bin);
    const packageDir = path.join(project, 'node_modules', 'vanilla-rnn');
    expect(fs.existsSync(path.join(packageDir, 'build'))).toBe(false);
    expect(fs.existsSync(aptLog)).toBe(false);

    fs.writeFileSync(path.join(project, 'forward.js'), FORWARD_SCRIPT);
    const fixtureFile = path.join(FIXTURES_DIR, 'torch', 'medium.json');
    const result = run('node', ['forward.js', fixtureFile], project, cleanEnv(bin));
    expect(result.stderr).toBe('');
    const got = JSON.parse(result.stdout);
    const fixture = loadJson('torch/medium.json');
    expectClose(got.output, fixture.output.data, 'medium output');
    expectClose(got.hn, fixture.hn.data, 'medium hn');

    expect(got.addons).toEqual([fs.realpathSync(path.join(packageDir, PREBUILT))]);
    expect(got.openblasMapped).toBe(false);
    const ldd = execFileSync('ldd', [got.addons[0]], { encoding: 'utf8' });
    expect(ldd).toMatch(/libc\.so\.6/);
    expect(ldd).not.toMatch(/openblas|gfortran/);

    const help = run(path.join(project, 'node_modules', '.bin', 'vanilla-rnn'), ['--help'], project, cleanEnv(bin));
    expect(help.stdout).toMatch(/Usage: vanilla-rnn/);
  });

  it('with the install script skipped and no prebuilt binary for the platform, require names '
    + 'npm rebuild and pnpm\'s onlyBuiltDependencies', () => {
    const { bin } = strippedPath(path.join(work, 'skipped'));
    const project = installed('skipped', bin, ['--ignore-scripts']);
    const load = () => run('node', ['-e', "require('vanilla-rnn')"], project, cleanEnv(bin));
    expect(load()).toMatchObject({ status: 0, stderr: '' }); // the prebuilt binary needs no install script
    fs.rmSync(path.join(project, 'node_modules', 'vanilla-rnn', 'prebuilds'), { recursive: true });
    const result = load();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`vanilla-rnn: no native addon for linux-x64: this copy of the package has no prebuilt`
      + ` binary, and none was built from source here (the package's install script was skipped, or failed).`);
    expect(result.stderr).toContain('npm rebuild vanilla-rnn');
    expect(result.stderr).toContain('add "vanilla-rnn" to "pnpm.onlyBuiltDependencies" in package.json');
  });

  it('npm rebuild with no prebuilt binary and no toolchain names the packages to install and exits non-zero, '
    + 'with no gyp traceback and no apt-get', () => {
    const { bin, aptLog } = strippedPath(path.join(work, 'rebuild'));
    const project = installed('rebuild', bin, ['--ignore-scripts']);
    fs.rmSync(path.join(project, 'node_modules', 'vanilla-rnn', 'prebuilds'), { recursive: true });
    const result = npm(['rebuild', 'vanilla-rnn'], project, cleanEnv(bin));
    const said = `${result.stdout}\n${result.stderr}`;
    expect(result.status).not.toBe(0);
    expect(said).toContain('vanilla-rnn: building the native addon from source: this package has no prebuilt binary for linux-x64');
    expect(said).toContain('vanilla-rnn: cannot build the native addon from source: a C++ compiler (g++), make, '
      + 'python3 (node-gyp runs gyp with it), pkg-config, OpenBLAS (pkg-config module "openblas") not found.');
    expect(said).toContain('Install them, then run `npm rebuild vanilla-rnn`:');
    expect(said).toContain('Debian/Ubuntu: sudo apt-get install g++ make python3 pkg-config libopenblas-dev');
    expect(said).toContain('Fedora/RHEL:   sudo dnf install gcc-c++ make python3 pkgconf-pkg-config openblas-devel');
    expect(said).not.toMatch(/Traceback|gyp ERR/);
    expect(fs.existsSync(aptLog)).toBe(false);
  });

  it('a build from source asked for where only the compiler is missing names only the compiler', () => {
    const { bin, aptLog } = strippedPath(path.join(work, 'nocompiler'), ['make', 'python3', 'pkg-config']);
    const project = installed('nocompiler', bin);
    const result = npm(['rebuild', 'vanilla-rnn'], project, cleanEnv(bin, { VANILLA_RNN_BUILD_FROM_SOURCE: '1' }));
    const said = `${result.stdout}\n${result.stderr}`;
    expect(result.status).not.toBe(0);
    expect(said).toContain('a build from source was asked for (VANILLA_RNN_BUILD_FROM_SOURCE or --build-from-source)');
    expect(said).toContain('vanilla-rnn: cannot build the native addon from source: a C++ compiler (g++) not found.');
    expect(said).toContain('Debian/Ubuntu: sudo apt-get install g++\n');
    expect(said).not.toMatch(/Traceback|gyp ERR/);
    expect(fs.existsSync(aptLog)).toBe(false);
    // The failed rebuild left the prebuilt binary in place.
    expect(run('node', ['-e', "require('vanilla-rnn')"], project, cleanEnv(bin)).status).toBe(0);
  });

  it('a prebuilt binary that does not load here makes the install build from source', () => {
    const { bin, aptLog } = strippedPath(path.join(work, 'noload'));
    const project = installed('noload', bin, ['--ignore-scripts']);
    const prebuilt = path.join(project, 'node_modules', 'vanilla-rnn', PREBUILT);
    fs.writeFileSync(prebuilt, 'not an ELF file');
    const result = npm(['rebuild', 'vanilla-rnn'], project, cleanEnv(bin));
    const said = `${result.stdout}\n${result.stderr}`;
    expect(result.status).not.toBe(0);
    expect(said).toContain(`vanilla-rnn: building the native addon from source: the prebuilt binary ${prebuilt} does not load here:`);
    expect(said).toContain('vanilla-rnn: cannot build the native addon from source: a C++ compiler (g++), make,');
    expect(fs.existsSync(aptLog)).toBe(false);
    const loaded = run('node', ['-e', "require('vanilla-rnn')"], project, cleanEnv(bin));
    expect(loaded.stderr).toContain(`vanilla-rnn: the native addon ${prebuilt} does not load here:`);
    expect(loaded.stderr).toContain('npm rebuild vanilla-rnn');
  });

  it.skipIf(!isRootOnDebian)('in the repository\'s own checkout, as root on Debian, the install runs apt-get '
    + 'and says so on stderr', () => {
    const checkout = path.join(work, 'checkout');
    fs.mkdirSync(checkout);
    execFileSync('tar', ['xzf', tarball, '-C', checkout]);
    const { bin, aptLog } = strippedPath(checkout);
    const result = run('node', ['scripts/install.js'], path.join(checkout, 'package'), cleanEnv(bin));
    expect(result.stderr).toContain('vanilla-rnn: installing g++ make python3 pkg-config libopenblas-dev with apt-get, '
      + 'because this is the repository\'s own checkout and the install runs as root on Debian/Ubuntu');
    expect(fs.readFileSync(aptLog, 'utf8').split('\n')).toEqual(['--version',
      'update -qq', 'install -y -qq --no-install-recommends g++ make python3 pkg-config libopenblas-dev', '']);
    // This apt-get installs nothing, so the check that follows still finds the pieces missing.
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('then run npm install again');
  });
});
