// `vanilla-rnn run` as a process streams: Ctrl-C or SIGTERM mid-run removes the unfinished files and
// says so, a SIGKILL leaves only a .partial file, `run --shard` joined by `concat` gives one run, and
// the usage errors of --shard and concat.
import { spawn, execFile } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { encodeNpy, readNpy } from '../lib/index';
import { progressBar } from '../lib/cli/progress';
import { npyHeaderBytes } from '../lib/formats/npy';
import { PARTIAL_FILE_PATTERN } from '../lib/formats/partial-file';
import { expectExact, FIXTURES_DIR, mulberry32, randomFloat32 } from './support/fixtures';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli', 'main.js');
vi.setConfig({ testTimeout: 60_000 });
const MODELS = path.join(FIXTURES_DIR, 'models');
const MODEL = path.join(MODELS, 'torch_1layer_tanh.onnx');
const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-cli-stream-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(scratch, `d${dirs++}`);
const lines = (text: string) => text.trim().split('\n');

interface Result { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

async function cli(args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    return { status: 0, signal: null, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { status: e.code, signal: null, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A time-major x of zeros, [T, B, 4], as a sparse file: long to run, nothing to generate. */
function zerosInput(T: number, B: number): string {
  const file = path.join(scratch, `zeros-${T}-${B}.npy`);
  if (existsSync(file)) return file;
  const header = npyHeaderBytes('<f4', [T, B, 4]);
  const fd = openSync(file, 'w');
  writeSync(fd, header);
  ftruncateSync(fd, header.length + T * B * 4 * 4);
  closeSync(fd);
  return file;
}

/** Starts a long run and resolves once its first temporary output file is there. */
async function startLongRun(outDir: string): Promise<{ child: ReturnType<typeof spawn>; done: Promise<Result> }> {
  const child = spawn(process.execPath, [CLI, 'run', MODEL, '--input', zerosInput(20, 400_000), '--out-dir', outDir, '--batch-size', '64'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => { stdout += chunk; });
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const done = new Promise<Result>((resolve) => child.on('exit', (status, signal) => resolve({ status, signal, stdout, stderr })));
  for (let waited = 0; ; waited += 20) {
    if (existsSync(outDir) && readdirSync(outDir).some((f) => PARTIAL_FILE_PATTERN.test(f))) break;
    if (child.exitCode !== null || waited > 30_000) throw new Error(`the run ended or took too long before writing: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, done };
}

describe('vanilla-rnn run: the progress bar', () => {
  it('shows an ETA on a terminal', async () => {
    const written: string[] = [];
    const stream = Object.assign(new Writable({ write: (chunk, _, done) => { written.push(String(chunk)); done(); } }), { isTTY: true, columns: 120 });
    const bar = progressBar(1000, stream);
    await new Promise((resolve) => setTimeout(resolve, 30));
    bar.update(250);
    bar.stop();
    expect(written.join('')).toMatch(/250\/1000 sequences \| ETA \d+s/);
  });
});

describe('vanilla-rnn run: interrupted mid-run', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s: the unfinished files are removed and named, exit %i, stdout empty', async (signal, code) => {
    const outDir = freshDir();
    const { child, done } = await startLongRun(outDir);
    child.kill(signal);
    const result = await done;
    expect(result.status).toBe(code);
    expect(result.stdout).toBe('');
    const said = lines(result.stderr);
    expect(said[0]).toBe(`vanilla-rnn: ${signal}: stopping after the part in progress (again to exit at once)`);
    expect(said[1]).toMatch(new RegExp(`^vanilla-rnn: the run did not finish: removed its unfinished ${outDir}/\\.y\\.npy\\.partial-${child.pid}-[0-9a-f]{6}, ${outDir}/\\.hn\\.npy\\.partial-${child.pid}-[0-9a-f]{6}; no output was written$`));
    expect(said.slice(2)).toEqual([`vanilla-rnn: interrupted by ${signal}`]);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('SIGKILL: no file under an output\'s name, only .partial files', async () => {
    const outDir = freshDir();
    const { child, done } = await startLongRun(outDir);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const left = readdirSync(outDir);
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((f) => PARTIAL_FILE_PATTERN.test(f) && f.includes(`.partial-${child.pid}-`))).toBe(true);
  });
});

describe('vanilla-rnn run --shard and concat', () => {
  const rng = mulberry32(4);
  const dir = freshDir();
  mkdirSync(dir);
  const model = path.join(MODELS, 'onnx_reverse_leakyrelu_lengths.onnx');
  const B = 29;
  const inputs = {
    X: { data: randomFloat32(rng, 6 * B * 3), shape: [6, B, 3] },
    sequence_lens: { data: Float32Array.from({ length: B }, (_, b) => 1 + (b % 6)), shape: [B] },
    initial_h: { data: randomFloat32(rng, B * 5, 0.5), shape: [1, B, 5] },
  };
  const inputArgs = Object.entries(inputs).flatMap(([name, t]) => {
    const file = path.join(dir, `${name}.npy`);
    writeFileSync(file, encodeNpy(t));
    return ['--input', `${name}=${file}`];
  });

  it('3 shards, each a process, joined by `concat <folder>`, give the bytes of one run', async () => {
    const whole = freshDir();
    expect((await cli(['run', model, ...inputArgs, '--out-dir', whole])).status).toBe(0);
    const shards = freshDir();
    const runs = await Promise.all([0, 1, 2].map((i) => cli(['run', model, ...inputArgs, '--out-dir', shards, '--shard', `${i}/3`, '--batch-size', '4'])));
    expect(runs.map((r) => r.status)).toEqual([0, 0, 0]);
    expect(lines(runs[1].stdout)).toEqual([`wrote ${shards}/Y.shard-9-19-axis2.npy [6, 1, 10, 5]`, `wrote ${shards}/Y_h.shard-9-19-axis1.npy [1, 10, 5]`]);
    const joined = await cli(['concat', shards]);
    expect(joined.status).toBe(0);
    expect(lines(joined.stdout).sort()).toEqual([`wrote ${shards}/Y.npy [6, 1, ${B}, 5]`, `wrote ${shards}/Y_h.npy [1, ${B}, 5]`]);
    for (const name of ['Y', 'Y_h']) {
      expect(readFileSync(path.join(shards, `${name}.npy`)).equals(readFileSync(path.join(whole, `${name}.npy`))), name).toBe(true);
    }
    const listed = await cli(['concat', ...['0-9', '19-29', '9-19'].map((r) => path.join(shards, `Y.shard-${r}-axis2.npy`))]);
    expect(listed.status).toBe(0);
    expectExact(readNpy(path.join(shards, 'Y.npy')).data, readNpy(path.join(whole, 'Y.npy')).data, 'listed in any order');
  });

  it('concat refuses a gap, an overlap, shards of two outputs, and files without shard names but no --axis: exit 1, one line', async () => {
    const shards = freshDir();
    await Promise.all([0, 1, 2, 3].map((i) => cli(['run', model, ...inputArgs, '--out-dir', shards, '--shard', `${i}/4`])));
    const shard = (name: string, range: string, axis: number) => path.join(shards, `${name}.shard-${range}-axis${axis}.npy`);
    const cases: Array<[string[], string]> = [
      [[shard('Y', '0-7', 2), shard('Y', '14-21', 2)], `vanilla-rnn: concatNpy: ${shard('Y', '0-7', 2)} ends at 7 but ${shard('Y', '14-21', 2)} starts at 14: sequences 7 .. 13 are missing`],
      [[shard('Y', '0-7', 2), shard('Y_h', '7-14', 1), '--out', path.join(shards, 'mixed.npy')], 'vanilla-rnn: concatNpy: the files are shards of different outputs (Y, Y_h)'],
      [[path.join(dir, 'X.npy'), path.join(dir, 'X.npy'), '--out', path.join(shards, 'xx.npy')], `vanilla-rnn: concatNpy: pass axis: the files are not named as shards, so their batch axis is not known (X.npy [6, ${B}, 3], X.npy [6, ${B}, 3])`],
      [[path.join(dir, 'X.npy'), path.join(dir, 'X.npy')], 'vanilla-rnn: concat: pass --out <file>: the files are not the shards of one output in one folder'],
    ];
    for (const [args, message] of cases) {
      const result = await cli(['concat', ...args]);
      expect(result.status, args.join(' ')).toBe(1);
      expect(lines(result.stderr)).toEqual([message]);
    }
    const overlapping = freshDir();
    mkdirSync(overlapping);
    writeFileSync(path.join(overlapping, 'Y_h.shard-0-10-axis1.npy'), encodeNpy({ data: new Float32Array(50), shape: [1, 10, 5] }));
    writeFileSync(path.join(overlapping, 'Y_h.shard-5-15-axis1.npy'), encodeNpy({ data: new Float32Array(50), shape: [1, 10, 5] }));
    const overlap = await cli(['concat', overlapping]);
    expect(lines(overlap.stderr)).toEqual([`vanilla-rnn: concatNpy: ${overlapping}/Y_h.shard-0-10-axis1.npy ends at 10 but ${overlapping}/Y_h.shard-5-15-axis1.npy starts at 5: the shards overlap`]);
    expect(readdirSync(overlapping).sort()).toEqual(['Y_h.shard-0-10-axis1.npy', 'Y_h.shard-5-15-axis1.npy']);
    const axisGiven = await cli(['concat', path.join(dir, 'X.npy'), path.join(dir, 'X.npy'), '--out', path.join(shards, 'xx.npy'), '--axis', '1']);
    expect(axisGiven.status).toBe(0);
    expect(readNpy(path.join(shards, 'xx.npy')).shape).toEqual([6, 2 * B, 3]);
  });

  it.each(['3/3', 'a/b', '1/0', '1', '-1/2'])('--shard %s is a usage error: exit 2, one line', async (spec) => {
    const result = await cli(['run', model, ...inputArgs, '--out-dir', freshDir(), '--shard', spec]);
    expect(result.status).toBe(2);
    expect(lines(result.stderr)).toEqual([`vanilla-rnn: option '--shard <I/N>' argument '${spec}' is invalid. expected I/N with 0 <= I < N (shards are numbered from 0), got '${spec}' (see --help)`]);
  });
});
