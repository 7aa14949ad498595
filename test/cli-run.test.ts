// `vanilla-rnn run` end to end, through the compiled CLI in dist/: every model fixture run whole and
// --batch-size at a time, the throughput line, the progress bar, usage and runtime errors.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeNpy, loadModel, readNpy, type Tensor } from '../lib/index';
import { progressBar } from '../lib/cli/progress';
import { expectClose, expectExact, FIXTURES_DIR, loadJson, mulberry32, randomFloat32, tensorOf, type JsonTensor } from './support/fixtures';
import { modelBytes, node, tensor, valueInfo } from './formats/helpers/onnx-builder';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli', 'main.js');
// Each CLI process loads the addon and ~120 modules (about 0.4 s of CPU); a fixture's four runs take
// seconds on a busy machine, more than vitest's 5 s default allows for.
vi.setConfig({ testTimeout: 60_000 });
const MODELS = path.join(FIXTURES_DIR, 'models');
const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-cli-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let directories = 0;
const freshDir = () => path.join(scratch, `d${directories++}`);

interface Result { status: number; stdout: string; stderr: string }

async function cli(args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lines = (text: string) => text.trim().split('\n');
const THROUGHPUT = /^throughput: (\d+) sequences in (\d+) runs?(?: of up to (\d+))?, [\d.]+ ms, [\d.]+ sequences\/s$/;

function writeInputs(inputs: Record<string, Tensor>): string[] {
  const dir = freshDir();
  mkdirSync(dir);
  return Object.entries(inputs).flatMap(([name, t]) => {
    const file = path.join(dir, `${name}.npy`);
    writeFileSync(file, encodeNpy(t));
    return ['--input', `${name}=${file}`];
  });
}

async function runModel(model: string, inputArgs: string[], extra: string[]): Promise<{ result: Result; outputs: Record<string, Tensor> }> {
  const outDir = freshDir();
  const result = await cli(['run', model, ...inputArgs, '--out-dir', outDir, ...extra]);
  expect(result.stderr).not.toContain('vanilla-rnn:');
  expect(result.status).toBe(0);
  const outputs = Object.fromEntries(readdirSync(outDir).map((f) => [f.replace(/\.npy$/, ''), readNpy(path.join(outDir, f))]));
  return { result, outputs };
}

interface FixtureCase {
  model: string;
  flags: string[];
  inputs: Record<string, Tensor>;
  expected: Record<string, Tensor>;
  /** The kernel promises a sequence the same bits in any batch only when lengths are given. */
  sameBitsInAnyBatch: boolean;
}

const tensors = (json: Record<string, JsonTensor>) => Object.fromEntries(Object.entries(json).map(([k, v]) => [k, tensorOf(v)]));
const modelFiles = (prefix: string, ext: string) => readdirSync(MODELS).filter((f) => f.startsWith(prefix) && f.endsWith(ext)).sort();

function fixtureCases(): Array<[string, FixtureCase]> {
  const torch = (file: string, ext: string): [string, FixtureCase] => {
    const json = loadJson(`models/${file.replace(ext, '.json')}`);
    const flags = ext === '.safetensors' ? ['--nonlinearity', json.config.nonlinearity, json.config.batchFirst ? '--batch-first' : '--no-batch-first'] : [];
    return [file, { model: path.join(MODELS, file), flags, inputs: tensors(json.inputs), expected: tensors(json.outputs), sameBitsInAnyBatch: false }];
  };
  const onnx = (file: string): [string, FixtureCase] => {
    const json = loadJson(`models/${file.replace('.onnx', '.json')}`);
    const inputs = tensors(json.inputs);
    return [file, { model: path.join(MODELS, file), flags: [], inputs, expected: tensors(json.outputs), sameBitsInAnyBatch: 'sequence_lens' in inputs }];
  };
  const tfjs = loadJson('models/tfjs_rnn_dense/expected.json');
  return [
    ...modelFiles('torch_', '.onnx').map((f) => torch(f, '.onnx')),
    ...modelFiles('torch_', '.safetensors').map((f) => torch(f, '.safetensors')),
    ...modelFiles('onnx_', '.onnx').map(onnx),
    ['tfjs_rnn_dense', { model: path.join(MODELS, 'tfjs_rnn_dense'), flags: [], inputs: { simple_rnn_SimpleRNN1_input: tensorOf(tfjs.input) }, expected: { dense_Dense1: tensorOf(tfjs.output) }, sameBitsInAnyBatch: false }],
  ];
}

/** The whole run's bits where the kernel promises them, else the fixtures' tolerance. */
function expectSameOutputs(got: Record<string, Tensor>, whole: Record<string, Tensor>, exact: boolean, what: string): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(whole).sort());
  for (const [name, t] of Object.entries(whole)) {
    expect(got[name].shape, `${what} ${name}`).toEqual(t.shape);
    (exact ? expectExact : expectClose)(got[name].data, t.data, `${what} ${name}`);
  }
}

describe('vanilla-rnn run --batch-size on every model fixture', () => {
  it.each(fixtureCases())('%s: batch sizes 1, 2 and more than the batch give the whole run\'s outputs', async (_, c) => {
    const model = await loadModel(c.model, c.model.endsWith('.safetensors') ? { batchFirst: c.flags.includes('--batch-first') } : undefined);
    const [main] = model.inputNames;
    const sequences = c.inputs[main].shape[model.batchAxes!.inputs[main]];
    const inputArgs = writeInputs(c.inputs);
    const [whole, ...parts] = await Promise.all([undefined, 1, 2, sequences + 1].map((n) => runModel(c.model, inputArgs, [...c.flags, ...(n ? ['--batch-size', String(n)] : [])])));
    for (const [name, want] of Object.entries(c.expected)) {
      expect(whole.outputs[name].shape).toEqual(want.shape);
      expectClose(whole.outputs[name].data, want.data, `whole run ${name}`);
    }
    expect(lines(whole.result.stderr)).toEqual([expect.stringMatching(THROUGHPUT)]);
    expect(THROUGHPUT.exec(whole.result.stderr.trim())!.slice(1, 4)).toEqual([String(sequences), '1', undefined]);
    [1, 2, sequences + 1].forEach((n, i) => {
      expectSameOutputs(parts[i].outputs, whole.outputs, c.sameBitsInAnyBatch, `--batch-size ${n}`);
      const [, counted, runs] = THROUGHPUT.exec(parts[i].result.stderr.trim())!;
      expect([Number(counted), Number(runs)]).toEqual([sequences, Math.ceil(sequences / n)]);
    });
  });
});

describe('vanilla-rnn run: bits and the batch', () => {
  const model = path.join(MODELS, 'torch_1layer_tanh.safetensors');
  const built = ['--nonlinearity', 'tanh', '--no-batch-first']; // the file does not say
  const [T, B, D] = [40, 37, 4];
  const x = { data: randomFloat32(mulberry32(11), T * B * D), shape: [T, B, D] };
  const lengths = { data: Float32Array.from({ length: B }, (_, b) => 1 + ((b * 13) % T)), shape: [B] };

  it('with lengths, any --batch-size gives the whole run\'s bits (each sequence is projected on its own)', async () => {
    const inputArgs = writeInputs({ x, lengths });
    const [whole, ...parts] = await Promise.all([[], ['--batch-size', '1'], ['--batch-size', '5']].map((flags) => runModel(model, inputArgs, [...built, ...flags])));
    for (const part of parts) expectSameOutputs(part.outputs, whole.outputs, true, 'with lengths');
  });

  it('without lengths, the parts agree with the whole run to float rounding (GEMM blocking follows the row count)', async () => {
    const inputArgs = writeInputs({ x });
    const [whole, part] = await Promise.all([[], ['--batch-size', '5']].map((flags) => runModel(model, inputArgs, [...built, ...flags])));
    expectSameOutputs(part.outputs, whole.outputs, false, 'without lengths');
  });
});

describe('vanilla-rnn run: what it prints', () => {
  const model = path.join(MODELS, 'torch_1layer_tanh.onnx');
  const input = path.join(MODELS, 'torch_1layer_tanh.input.npy');

  it('stdout lists only the files written; stderr, not a terminal here, gets the throughput line and no bar', async () => {
    const outDir = freshDir();
    const { status, stdout, stderr } = await cli(['run', model, '--input', input, '--out-dir', outDir, '--batch-size', '2']);
    expect(status).toBe(0);
    expect(lines(stdout).every((line) => /^wrote .*\.npy \[[\d, ]+\]$/.test(line))).toBe(true);
    expect(lines(stdout).map((line) => line.replace(/ \[.*$/, '')).sort()).toEqual(readdirSync(outDir).map((f) => `wrote ${path.join(outDir, f)}`).sort());
    const sequences = readNpy(input).shape[1];
    expect(lines(stderr)).toEqual([expect.stringMatching(THROUGHPUT)]);
    expect(THROUGHPUT.exec(stderr.trim())!.slice(1, 4)).toEqual([String(sequences), String(Math.ceil(sequences / 2)), '2']);
    expect(stderr).not.toContain('\u001b');
  });

  it('the progress bar draws on a terminal and counts sequences; on a pipe it writes nothing', () => {
    const capture = (isTTY: boolean) => {
      const written: string[] = [];
      const stream = Object.assign(new Writable({ write: (chunk, _, done) => { written.push(String(chunk)); done(); } }), { isTTY, columns: 120 });
      const bar = progressBar(10, stream);
      bar.update(4);
      bar.stop();
      return written.join('');
    };
    expect(capture(true)).toMatch(/running \[.*\] 40% \| 4\/10 sequences/);
    expect(capture(false)).toBe('');
  });
});

describe('vanilla-rnn run: inputs it cannot cut', () => {
  it('runs a model whose batch axis is unknown whole, says so on stderr, and gives the same outputs', async () => {
    // An Expand to a fixed size along the batch (3 sequences), so the graph's batch axis is not certain.
    const rng = mulberry32(3);
    const file = path.join(scratch, 'expand.onnx');
    writeFileSync(file, modelBytes({
      nodes: [node('RNN', ['X', 'W', 'R'], ['Y', 'Y_h'], { hidden_size: 3 }), node('Expand', ['Y', 'shape'], ['E'])],
      initializers: [tensor('W', [1, 3, 2], [...randomFloat32(rng, 6)]), tensor('R', [1, 3, 3], [...randomFloat32(rng, 9)]), tensor('shape', [4], [1, 1, 3, 1], 7)],
      inputs: [valueInfo('X', ['seq', 'n', 2])],
      outputs: [valueInfo('E', null), valueInfo('Y_h', null)],
    }));
    const inputArgs = writeInputs({ X: { data: randomFloat32(rng, 5 * 3 * 2), shape: [5, 3, 2] } });
    const [whole, asked] = await Promise.all([[], ['--batch-size', '1']].map((flags) => cli(['run', file, ...inputArgs, '--out-dir', freshDir(), ...flags])));
    expect([whole.status, asked.status]).toEqual([0, 0]);
    expect(lines(asked.stderr)).toEqual([
      'vanilla-rnn: expand.onnx: the model does not make its batch axis certain; running the whole input at once',
      expect.stringMatching(/^throughput: the whole input in 1 run, [\d.]+ ms \(sequences not counted: the batch axis is unknown\)$/),
    ]);
    expect(lines(whole.stderr)).toHaveLength(1);
  });

  it('runs an unbatched [T, D] x whole, naming it', async () => {
    const x = tensorOf(loadJson('models/torch_1layer_tanh.json').inputs.x);
    const [T, B, D] = x.shape;
    const first = new Float32Array(T * D);
    for (let t = 0; t < T; t++) first.set(x.data.subarray(t * B * D, t * B * D + D), t * D);
    const inputArgs = writeInputs({ x: { data: first, shape: [T, D] } });
    const { status, stderr } = await cli(['run', path.join(MODELS, 'torch_1layer_tanh.safetensors'), ...inputArgs, '--out-dir', freshDir(), '--batch-size', '1',
      '--nonlinearity', 'tanh', '--no-batch-first']);
    expect(status).toBe(0);
    expect(lines(stderr)[0]).toBe(`vanilla-rnn: torch_1layer_tanh.safetensors: input 'x' [${T}, ${D}] has no batch axis; running the whole input at once`);
  });

  it('refuses inputs that hold different numbers of sequences: exit 1, one line', async () => {
    const json = loadJson('models/onnx_reverse_leakyrelu_lengths.json');
    const inputs = tensors(json.inputs);
    const lens = inputs.sequence_lens;
    const inputArgs = writeInputs({ ...inputs, sequence_lens: { data: lens.data.slice(1), shape: [lens.shape[0] - 1] } });
    const { status, stderr } = await cli(['run', path.join(MODELS, 'onnx_reverse_leakyrelu_lengths.onnx'), ...inputArgs, '--out-dir', freshDir(), '--batch-size', '2']);
    expect(status).toBe(1);
    expect(lines(stderr)).toEqual([`vanilla-rnn: the inputs hold different numbers of sequences along their batch axes: 'X' ${inputs.X.shape[1]} (axis 1), 'sequence_lens' ${lens.shape[0] - 1} (axis 0), 'initial_h' ${inputs.initial_h.shape[1]} (axis 1)`]);
  });
});

describe('vanilla-rnn run: errors', () => {
  const model = path.join(MODELS, 'torch_1layer_tanh.onnx');
  const input = path.join(MODELS, 'torch_1layer_tanh.input.npy');

  it.each(['0', 'abc', '-3', '2.5'])('--batch-size %s is a usage error: exit 2, one line, nothing written', async (size) => {
    const outDir = freshDir();
    const { status, stdout, stderr } = await cli(['run', model, '--input', input, '--out-dir', outDir, '--batch-size', size]);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(lines(stderr)).toEqual([`vanilla-rnn: option '--batch-size <n>' argument '${size}' is invalid. expected a positive integer, got '${size}' (see --help)`]);
    expect(() => readdirSync(outDir)).toThrow(/ENOENT/);
  });

  it('a missing input file: exit 1, one line naming it, no stack; --verbose adds the stack', async () => {
    const missing = path.join(scratch, 'no-such-input.npy');
    const plain = await cli(['run', model, '--input', missing, '--out-dir', freshDir()]);
    expect(plain.status).toBe(1);
    expect(lines(plain.stderr)).toEqual([`vanilla-rnn: ENOENT: no such file or directory, open '${missing}'`]);
    const verbose = await cli(['run', model, '--input', missing, '--out-dir', freshDir(), '--verbose']);
    expect(verbose.status).toBe(1);
    expect(lines(verbose.stderr)[0]).toContain(missing);
    expect(lines(verbose.stderr).slice(1).some((line) => /^\s+at .*(readNpy|openNpy)/.test(line))).toBe(true);
  });

  it('an --input name the model does not have: exit 1, one line listing its inputs, before any batching', async () => {
    const { status, stderr } = await cli(['run', model, '--input', `h=${input}`, '--out-dir', freshDir(), '--batch-size', '1']);
    expect(status).toBe(1);
    expect(lines(stderr)).toEqual(["vanilla-rnn: feeds: unknown input 'h'; this model's inputs are x"]);
  });

  it('a file that is not .npy: exit 1, one line naming it', async () => {
    const notNpy = path.join(MODELS, 'torch_1layer_tanh.json');
    const { status, stderr } = await cli(['run', model, '--input', notNpy, '--out-dir', freshDir()]);
    expect(status).toBe(1);
    expect(lines(stderr)).toEqual([expect.stringMatching(new RegExp(`^vanilla-rnn: ${notNpy}: not a \\.npy file`))]);
  });
});

describe('vanilla-rnn --help', () => {
  it.each([[[], 'Usage: vanilla-rnn [options] [command]'], [['run'], 'Usage: vanilla-rnn run [options] <model>'], [['info'], 'Usage: vanilla-rnn info [options] <model>'],
    [['demo'], 'Usage: vanilla-rnn demo [options]']])('%j --help exits 0 with its usage', async (command, usage) => {
    const { status, stdout } = await cli([...command, '--help']);
    expect(status).toBe(0);
    expect(lines(stdout)[0]).toBe(usage);
    if (command[0] === 'run') expect(stdout).toContain('--batch-size <n>');
  });
});
