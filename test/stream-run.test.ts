// runModelOnFiles streams: a part at a time from the input files, each output written as it comes.
// It gives the bits of the same parts run in memory (time-major, batch-first, inputs on other batch
// axes, every dtype converted per part, a part size that does not divide the batch); shards joined
// give one run; a failure or an abort mid-run leaves no file under an output's name.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { concatShards, encodeNpy, loadModel, readNpy, runModelOnFiles, type Model, type Tensor } from '../lib/index';
import { PARTIAL_FILE_PATTERN } from '../lib/formats/partial-file';
import { expectClose, expectExact, FIXTURES_DIR, mulberry32, randomFloat32 } from './support/fixtures';
import { concatAlong, sliceAlong } from './support/slices';
import { npyBytes, npyDict } from './formats/helpers/files';
import { modelBytes, node, tensor, valueInfo } from './formats/helpers/onnx-builder';

vi.setConfig({ testTimeout: 60_000 });
const MODELS = path.join(FIXTURES_DIR, 'models');
const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-stream-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => {
  const dir = path.join(scratch, `d${dirs++}`);
  mkdirSync(dir);
  return dir;
};

type Feeds = Record<string, Tensor>;

function writeInputs(feeds: Feeds, encode: (t: Tensor) => Uint8Array = encodeNpy): Record<string, string> {
  const dir = freshDir();
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => {
    const file = path.join(dir, `${name}.npy`);
    writeFileSync(file, encode(t));
    return [name, file];
  }));
}

function readOutputs(dir: string): Feeds {
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.npy')).map((f) => [f.replace(/\.npy$/, ''), readNpy(path.join(dir, f))]));
}

/** The in-memory run in parts: the same parts, sliced and joined along the model's batch axes. */
async function runInMemory(model: Model, feeds: Feeds, batchSize: number): Promise<Feeds> {
  const axes = model.batchAxes!;
  const [main] = Object.keys(feeds);
  const sequences = feeds[main].shape[axes.inputs[main]];
  const parts: Feeds[] = [];
  for (let start = 0; start < sequences; start += batchSize) {
    const count = Math.min(batchSize, sequences - start);
    parts.push(await model.run(Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, sliceAlong(t, axes.inputs[name], start, count)]))));
  }
  return Object.fromEntries(Object.keys(parts[0]).map((name) => [name, concatAlong(parts.map((p) => p[name]), axes.outputs[name], name)]));
}

function expectSame(got: Feeds, want: Feeds, exact: boolean, what: string): void {
  expect(Object.keys(got).sort(), what).toEqual(Object.keys(want).sort());
  for (const [name, t] of Object.entries(want)) {
    expect(got[name].shape, `${what} ${name}`).toEqual(t.shape);
    (exact ? expectExact : expectClose)(got[name].data, t.data, `${what} ${name}`);
  }
}

const rng = mulberry32(21);
const random = (shape: number[], scale = 1): Tensor => ({ data: randomFloat32(rng, shape.reduce((a, b) => a * b, 1), scale), shape });
const lengths = (B: number, T: number): Tensor => ({ data: Float32Array.from({ length: B }, (_, b) => 1 + ((b * 7) % T)), shape: [B] });

interface Case {
  model: () => Promise<Model>;
  feeds: Feeds;
}

const CASES: Record<string, Case> = {
  'time-major x [9, 37, 4]': {
    model: () => loadModel(path.join(MODELS, 'torch_1layer_tanh.safetensors')),
    feeds: { x: random([9, 37, 4]) },
  },
  'time-major x with h0 [1, 37, 8] (batch on axis 1) and lengths [37] (axis 0)': {
    model: () => loadModel(path.join(MODELS, 'torch_1layer_tanh.safetensors')),
    feeds: { x: random([9, 37, 4]), h0: random([1, 37, 8], 0.5), lengths: lengths(37, 9) },
  },
  'batch-first x [37, 7, 5], two layers, bidirectional': {
    model: () => loadModel(path.join(MODELS, 'torch_2layer_bidir_relu_batchfirst.safetensors'), { batchFirst: true, nonlinearity: 'relu' }),
    feeds: { x: random([37, 7, 5]) },
  },
  'ONNX X [6, 37, 3], sequence_lens, initial_h [1, 37, 5]; Y [6, 1, 37, 5] cut on axis 2': {
    model: () => loadModel(path.join(MODELS, 'onnx_reverse_leakyrelu_lengths.onnx')),
    feeds: { X: random([6, 37, 3]), sequence_lens: lengths(37, 6), initial_h: random([1, 37, 5], 0.5) },
  },
};

describe('runModelOnFiles streams: the bits of the same parts run in memory', () => {
  it.each(Object.entries(CASES))('%s, parts of 5 (37 sequences: the last part holds 2)', async (_, c) => {
    const model = await c.model();
    const outDir = freshDir();
    const progress: number[] = [];
    const result = await runModelOnFiles(model, { inputs: writeInputs(c.feeds), outDir, batchSize: 5, onProgress: (done, total) => progress.push(done, total) });
    expect([result.sequences, result.runs, result.batchSize]).toEqual([37, 8, 5]);
    expect(progress).toEqual([0, 37, 5, 37, 10, 37, 15, 37, 20, 37, 25, 37, 30, 37, 35, 37, 37, 37]);
    expect(result.written.map((w) => path.basename(w.path))).toEqual(model.outputNames.map((n) => `${n}.npy`));
    expectSame(readOutputs(outDir), await runInMemory(model, c.feeds, 5), true, 'streamed');
    expect(readdirSync(outDir).filter((f) => PARTIAL_FILE_PATTERN.test(f))).toEqual([]);
  });

  it('one part (no batchSize, a small input) is the whole run', async () => {
    const c = CASES['batch-first x [37, 7, 5], two layers, bidirectional'];
    const model = await c.model();
    const outDir = freshDir();
    const result = await runModelOnFiles(model, { inputs: writeInputs(c.feeds), outDir });
    expect([result.runs, result.batchSize, result.batchSizeChosen]).toEqual([1, undefined, undefined]);
    expectSame(readOutputs(outDir), await model.run(c.feeds), true, 'one part');
  });

  it('an empty batch writes empty outputs', async () => {
    const model = await CASES['time-major x [9, 37, 4]'].model();
    const outDir = freshDir();
    const result = await runModelOnFiles(model, { inputs: writeInputs({ x: random([9, 0, 4]) }), outDir, batchSize: 4 });
    expect([result.sequences, result.runs]).toEqual([0, 1]);
    expect(Object.fromEntries(Object.entries(readOutputs(outDir)).map(([n, t]) => [n, t.shape]))).toEqual({ y: [9, 0, 8], hn: [1, 0, 8] });
  });
});

describe('runModelOnFiles converts every input dtype a part at a time', () => {
  // Halves, small integers: values every dtype holds, so readNpy's conversion of the file is exact.
  const T = 5;
  const B = 23;
  const values = Float32Array.from({ length: T * B * 4 }, (_, i) => ((i * 7) % 13) / 4 - 1.5);
  const x = { data: values, shape: [T, B, 4] };
  const bytesOf = (descr: string, data: Float32Array) => {
    const size = Number(descr.slice(2));
    const out = new Uint8Array(data.length * size);
    const view = new DataView(out.buffer);
    data.forEach((v, i) => {
      if (descr.endsWith('f8')) view.setFloat64(i * 8, v, descr[0] === '<');
      else view.setFloat32(i * 4, v, descr[0] === '<');
    });
    return out;
  };

  it.each(['<f8', '>f8', '>f4'])('x as %s, lengths as <i8: the outputs of the float32 files readNpy gives', async (descr) => {
    const model = await loadModel(path.join(MODELS, 'torch_1layer_tanh.safetensors'));
    const lens = lengths(B, T);
    const i8 = new Uint8Array(B * 8);
    lens.data.forEach((v, i) => new DataView(i8.buffer).setBigInt64(i * 8, BigInt(v), true));
    const dir = freshDir();
    const inputs = { x: path.join(dir, 'x.npy'), lengths: path.join(dir, 'lengths.npy') };
    writeFileSync(inputs.x, npyBytes(npyDict(descr, `(${T}, ${B}, 4)`), bytesOf(descr, values)));
    writeFileSync(inputs.lengths, npyBytes(npyDict('<i8', `(${B},)`), i8));
    expectExact(readNpy(inputs.x).data, values, 'the conversion is exact');
    const outDir = freshDir();
    await runModelOnFiles(model, { inputs, outDir, batchSize: 4 });
    expectSame(readOutputs(outDir), await runInMemory(model, { x, lengths: lens }, 4), true, descr);
  });
});

describe('runModelOnFiles: shards', () => {
  const model = () => loadModel(path.join(MODELS, 'onnx_reverse_leakyrelu_lengths.onnx'));
  const feeds = { X: random([6, 50, 3]), sequence_lens: lengths(50, 6), initial_h: random([1, 50, 5], 0.5) };

  it.each([1, 3, 7])('--shard i/%i for every i, joined with concatShards, gives one run (with lengths: its bits)', async (count) => {
    const m = await model();
    const inputs = writeInputs(feeds);
    const outDir = freshDir();
    const ranges = [];
    for (let index = 0; index < count; index++) {
      const result = await runModelOnFiles(m, { inputs, outDir, shard: { index, count }, batchSize: 4 });
      ranges.push([result.range!.start, result.range!.end]);
      expect(result.written.map((w) => path.basename(w.path))).toEqual([`Y.shard-${result.range!.start}-${result.range!.end}-axis2.npy`, `Y_h.shard-${result.range!.start}-${result.range!.end}-axis1.npy`]);
    }
    expect(ranges[0][0]).toBe(0);
    expect(ranges[count - 1][1]).toBe(50);
    for (let i = 1; i < count; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
    const sizes = ranges.map(([s, e]) => e - s);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const written = await concatShards(outDir);
    expect(written.map((w) => [w.name, w.shape])).toEqual(expect.arrayContaining([['Y', [6, 1, 50, 5]], ['Y_h', [1, 50, 5]]]));
    const joined = { Y: readNpy(path.join(outDir, 'Y.npy')), Y_h: readNpy(path.join(outDir, 'Y_h.npy')) };
    expectSame(joined, await m.run(feeds), true, `${count} shards`);
  });

  it('without lengths, shards agree with one run to float rounding', async () => {
    const m = await loadModel(path.join(MODELS, 'torch_1layer_tanh.safetensors'));
    const x = random([8, 40, 4]);
    const inputs = writeInputs({ x });
    const outDir = freshDir();
    for (let index = 0; index < 3; index++) await runModelOnFiles(m, { inputs, outDir, shard: { index, count: 3 } });
    await concatShards(outDir);
    expectSame({ y: readNpy(path.join(outDir, 'y.npy')), hn: readNpy(path.join(outDir, 'hn.npy')) }, await m.run({ x }), false, 'shards');
  });

  it('a range of the batch', async () => {
    const m = await model();
    const outDir = freshDir();
    const result = await runModelOnFiles(m, { inputs: writeInputs(feeds), outDir, range: { start: 10, end: 23 }, batchSize: 5 });
    expect([result.sequences, result.runs, result.range]).toEqual([13, 3, { start: 10, end: 23 }]);
    const want = await m.run(Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, sliceAlong(t, m.batchAxes!.inputs[n], 10, 13)])));
    expectSame({ Y: readNpy(path.join(outDir, 'Y.shard-10-23-axis2.npy')), Y_h: readNpy(path.join(outDir, 'Y_h.shard-10-23-axis1.npy')) }, want, true, 'range');
  });

  it('refuses ranges outside the batch, bad shards, both at once, and ranges of a model without batch axis', async () => {
    const m = await model();
    const inputs = writeInputs(feeds);
    const outDir = freshDir();
    await expect(runModelOnFiles(m, { inputs, outDir, range: { start: 10, end: 51 } })).rejects.toThrow("runModelOnFiles: range: expected sequences [start, end) with 0 <= start <= end <= 50 (the input's batch), got [10, 51)");
    await expect(runModelOnFiles(m, { inputs, outDir, range: { start: 5, end: 4 } })).rejects.toThrow(RangeError);
    await expect(runModelOnFiles(m, { inputs, outDir, shard: { index: 3, count: 3 } })).rejects.toThrow('shard: expected an index from 0 to 2 (shards are numbered from 0), got 3');
    await expect(runModelOnFiles(m, { inputs, outDir, shard: { index: 0, count: 0 } })).rejects.toThrow('shard: expected a shard count of at least 1, got 0');
    await expect(runModelOnFiles(m, { inputs, outDir, range: { start: 0, end: 1 }, shard: { index: 0, count: 1 } })).rejects.toThrow('runModelOnFiles: give range or shard, not both');
    await expect(runModelOnFiles(m, { inputs, outDir, range: { start: 0, end: 1, step: 2 } as never })).rejects.toThrow("runModelOnFiles: range: unknown option 'step'; expected start, end");
    await expect(runModelOnFiles(m, { inputs, outDir, batch: 4 } as never)).rejects.toThrow("runModelOnFiles options: unknown option 'batch'");
    const unbatched = await loadModel(path.join(MODELS, 'torch_1layer_tanh.safetensors'));
    await expect(runModelOnFiles(unbatched, { inputs: writeInputs({ x: random([5, 4]) }), outDir, shard: { index: 0, count: 2 } }))
      .rejects.toThrow("cannot run a range or shard of the batch: input 'x' [5, 4] has no batch axis");
    expect(readdirSync(outDir)).toEqual([]);
  });
});

describe('runModelOnFiles: a failure or an abort mid-run leaves no file under an output\'s name', () => {
  const x = random([6, 40, 4]);

  /** A model that runs the real one, and calls `hook` before its `n`-th part. */
  async function failingOn(n: number, hook: () => void): Promise<Model> {
    const real = await loadModel(path.join(MODELS, 'torch_1layer_tanh.safetensors'));
    let calls = 0;
    return Object.assign(Object.create(real) as Model, {
      run: async (feeds: Parameters<Model['run']>[0]) => {
        if (++calls === n) hook();
        return real.run(feeds);
      },
    });
  }

  async function expectNothingWritten(run: Promise<unknown>, outDir: string, error: string | RegExp, before: Record<string, string> = {}): Promise<void> {
    await expect(run).rejects.toThrow(error);
    expect(readdirSync(outDir).sort()).toEqual(Object.keys(before).sort());
    for (const [file, text] of Object.entries(before)) expect(readFileSync(path.join(outDir, file), 'utf8')).toBe(text);
  }

  it('the model fails on the third part: the temporary files are removed and named, an earlier run\'s y.npy stays as it was', async () => {
    const model = await failingOn(3, () => { throw new RangeError('the third part failed'); });
    const outDir = freshDir();
    writeFileSync(path.join(outDir, 'y.npy'), 'an earlier run');
    const cleaned: string[][] = [];
    await expectNothingWritten(runModelOnFiles(model, { inputs: writeInputs({ x }), outDir, batchSize: 8, onCleanup: (removed) => cleaned.push(removed) }), outDir, 'the third part failed', { 'y.npy': 'an earlier run' });
    expect(cleaned).toHaveLength(1);
    expect(cleaned[0].map((f) => path.basename(f).replace(/-[0-9a-f]{6}$/, ''))).toEqual([`.y.npy.partial-${process.pid}`, `.hn.npy.partial-${process.pid}`]);
    expect(cleaned[0].every((f) => path.dirname(f) === outDir && !existsSync(f))).toBe(true);
  });

  it('the input shrinks mid-run: the read fails naming the file, nothing is written', async () => {
    const inputs = writeInputs({ x });
    const model = await failingOn(2, () => truncateSync(inputs.x, 200));
    const outDir = freshDir();
    await expectNothingWritten(runModelOnFiles(model, { inputs, outDir, batchSize: 4 }), outDir, `${inputs.x}: the file changed while it was read`);
  });

  it('an abort between parts: rejects with the signal\'s reason, nothing is written', async () => {
    const controller = new AbortController();
    const model = await loadModel(path.join(MODELS, 'torch_1layer_tanh.safetensors'));
    const outDir = freshDir();
    const onProgress = (done: number) => { if (done >= 8) controller.abort(new Error('stop here')); };
    await expectNothingWritten(runModelOnFiles(model, { inputs: writeInputs({ x }), outDir, batchSize: 4, onProgress, signal: controller.signal }), outDir, 'stop here');
  });

  it('an output whose name is taken by a folder: refused before any data is written, nothing is left', async () => {
    const model = await loadModel(path.join(MODELS, 'torch_1layer_tanh.safetensors'));
    const outDir = freshDir();
    mkdirSync(path.join(outDir, 'hn.npy'));
    await expect(runModelOnFiles(model, { inputs: writeInputs({ x }), outDir, batchSize: 4 })).rejects.toThrow(`${path.join(outDir, 'hn.npy')}: cannot write an output there: it is a folder`);
    expect(readdirSync(outDir)).toEqual(['hn.npy']);
  });
});

describe('runModelOnFiles: output names', () => {
  it('an ONNX output name with path separators is written inside the output folder, separators as _', async () => {
    const r = mulberry32(9);
    const file = path.join(scratch, 'slash.onnx');
    writeFileSync(file, modelBytes({
      nodes: [node('RNN', ['X', 'W', 'R'], ['../Y/seq', 'Y_h'], { hidden_size: 3 })],
      initializers: [tensor('W', [1, 3, 2], [...randomFloat32(r, 6)]), tensor('R', [1, 3, 3], [...randomFloat32(r, 9)])],
      inputs: [valueInfo('X', ['seq', 'n', 2])],
      outputs: [valueInfo('../Y/seq', null), valueInfo('Y_h', null)],
    }));
    const model = await loadModel(file);
    const outDir = freshDir();
    const result = await runModelOnFiles(model, { inputs: { X: writeInputs({ X: random([4, 5, 2]) }).X }, outDir, batchSize: 2 });
    expect(result.written.map((w) => [w.name, path.relative(outDir, w.path)])).toEqual([['../Y/seq', '.._Y_seq.npy'], ['Y_h', 'Y_h.npy']]);
    expect(readdirSync(outDir).sort()).toEqual(['.._Y_seq.npy', 'Y_h.npy']);
  });
});
