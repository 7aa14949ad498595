// What onnxruntime and TF.js users reach for first, on every model format: inputMetadata and
// outputMetadata with dtypes, onnxruntime's { type, data, dims } feeds (its own Tensor class too),
// and dispose(), on loaded models and on the RNN itself.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBatcher, DisposedError, loadModel, RNN, type Model } from '../../lib/index';
import { expectClose, FIXTURES_DIR, loadJson, tensorOf } from '../support/fixtures';

const MODELS = path.join(FIXTURES_DIR, 'models');
const at = (name: string) => path.join(MODELS, name);
afterEach(() => vi.restoreAllMocks());

const loaders: Array<[string, () => Promise<Model>, () => Record<string, unknown>]> = [
  ['onnx', () => loadModel(at('torch_1layer_tanh.onnx')), () => ({ x: tensorOf(loadJson('models/torch_1layer_tanh.json').inputs.x) })],
  ['safetensors', () => loadModel(at('torch_1layer_tanh.safetensors'), { nonlinearity: 'tanh', batchFirst: false }),
    () => ({ x: tensorOf(loadJson('models/torch_1layer_tanh.json').inputs.x) })],
  ['pytorch', () => loadModel(path.join(FIXTURES_DIR, 'torch-models', 'bare_tanh.pt'), { nonlinearity: 'tanh', batchFirst: false }),
    () => ({ x: { data: new Float32Array(2 * 3 * 4).fill(0.5), shape: [2, 3, 4] } })],
  ['tfjs', () => loadModel(at('tfjs_rnn_dense')), () => ({ simple_rnn_SimpleRNN1_input: tensorOf(loadJson('models/tfjs_rnn_dense/expected.json').input) })],
];

describe('inputMetadata and outputMetadata', () => {
  it('an ONNX model: names, dtypes and shapes from the graph, integer inputs by their type', async () => {
    const lengths = await loadModel(at('onnx_reverse_leakyrelu_lengths.onnx'));
    expect(lengths.inputMetadata.map(({ name, dtype }) => [name, dtype])).toEqual([['X', 'float32'], ['sequence_lens', 'int32'], ['initial_h', 'float32']]);
    expect(lengths.inputMetadata[0].shape).toEqual(lengths.inputShapes.X);
    expect(lengths.outputMetadata.map((m) => m.name)).toEqual(lengths.outputNames);
    expect(lengths.outputMetadata.every((m) => m.dtype === 'float32')).toBe(true);
  });

  it('a state_dict: x and h0 float32, lengths int64 (PyTorch\'s)', async () => {
    const model = await loadModel(at('torch_1layer_tanh.safetensors'), { nonlinearity: 'tanh', batchFirst: false });
    const { inputSize, hiddenSize } = loadJson('models/torch_1layer_tanh.json').config;
    expect(model.inputMetadata).toEqual([
      { name: 'x', dtype: 'float32', shape: ['seq', 'batch', inputSize] },
      { name: 'h0', dtype: 'float32', shape: [1, 'batch', hiddenSize] },
      { name: 'lengths', dtype: 'int64', shape: ['batch'] },
    ]);
    expect(model.outputMetadata).toEqual([
      { name: 'y', dtype: 'float32', shape: ['seq', 'batch', hiddenSize] },
      { name: 'hn', dtype: 'float32', shape: [1, 'batch', hiddenSize] },
    ]);
  });

  it('a TF.js model, and the metadata is a copy', async () => {
    const model = await loadModel(at('tfjs_rnn_dense'));
    expect(model.inputMetadata).toEqual([{ name: 'simple_rnn_SimpleRNN1_input', dtype: 'float32', shape: ['batch', 10, 3] }]);
    model.inputMetadata[0].shape!.push(99);
    expect(model.inputShapes.simple_rnn_SimpleRNN1_input).not.toContain(99);
  });
});

describe('onnxruntime-style feeds', () => {
  it('{ type: "float32", data, dims } and onnxruntime\'s own Tensor give the same outputs as { data, shape }', async () => {
    const json = loadJson('models/onnx_reverse_leakyrelu_lengths.json');
    const model = await loadModel(at('onnx_reverse_leakyrelu_lengths.onnx'));
    const plain = Object.fromEntries(Object.entries(json.inputs as Record<string, { shape: number[]; data: number[] }>).map(([k, v]) => [k, tensorOf(v)]));
    const lengths = Int32Array.from(json.inputs.sequence_lens.data);
    const ortStyle = {
      X: { type: 'float32', data: plain.X.data, dims: plain.X.shape },
      sequence_lens: { type: 'int32', data: lengths, dims: [lengths.length] },
      initial_h: new ort.Tensor('float32', plain.initial_h.data, plain.initial_h.shape),
    };
    const want = model.runSync({ ...plain, sequence_lens: { data: lengths, shape: [lengths.length] } } as never);
    for (const got of [model.runSync(ortStyle as never), await model.run(ortStyle as never)]) {
      for (const name of model.outputNames) {
        expect(got[name].shape).toEqual(want[name].shape);
        expectClose(got[name].data, want[name].data, name);
      }
    }
    expectClose(want.Y.data, tensorOf(json.outputs.Y).data, 'Y');
  });

  it('int64 lengths for a state_dict, as onnxruntime and PyTorch hold them', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const model = await loadModel(at('torch_1layer_tanh.safetensors'));
    const x = tensorOf(loadJson('models/torch_1layer_tanh.json').inputs.x);
    const batch = x.shape[1];
    const steps = x.shape[0];
    const lengths = Array.from({ length: batch }, (_, b) => 1 + (b % steps));
    const want = model.runSync({ x, lengths });
    const big = BigInt64Array.from(lengths, BigInt);
    for (const given of [{ type: 'int64', data: big, dims: [batch] }, new ort.Tensor('int64', big, [batch]), big]) {
      const got = model.runSync({ x, lengths: given as never });
      expect(Array.from(got.y.data)).toEqual(Array.from(want.y.data));
    }
  });

  it('a wrong type, or data without a shape, is refused naming what to pass', async () => {
    const model = await loadModel(at('onnx_reverse_leakyrelu_lengths.onnx'));
    const json = loadJson('models/onnx_reverse_leakyrelu_lengths.json');
    const X = tensorOf(json.inputs.X);
    const feeds = { X: { type: 'int64', data: X.data, dims: X.shape }, sequence_lens: json.inputs.sequence_lens.data, initial_h: tensorOf(json.inputs.initial_h) };
    expect(() => model.runSync(feeds as never)).toThrow(new TypeError("X: an onnxruntime-style tensor of type 'int64'; this input takes float32"));
    const lens = { ...feeds, X, sequence_lens: { type: 'float32', data: new Float32Array(4), dims: [4] } };
    expect(() => model.runSync(lens as never)).toThrow(new TypeError("input 'sequence_lens': an onnxruntime-style tensor of type 'float32'; this input is int32"));
    const rnn = new RNN({ inputSize: 2, hiddenSize: 2, seed: 1 });
    expect(() => rnn.forward({ data: new Float32Array(4) } as never)).toThrow("input: a tensor needs its shape: pass { data: Float32Array, shape: [...] } (onnxruntime's { type: 'float32', data, dims } works too)");
  });

  it('the RNN and the batcher take them too', async () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, seed: 4 });
    const data = Float32Array.from({ length: 10 }, (_, i) => Math.sin(i));
    const want = rnn.forward({ data, shape: [5, 1, 2] });
    expect(rnn.forward({ type: 'float32', data, dims: [5, 1, 2] }).output).toEqual(want.output);
    expect(rnn.forward(new ort.Tensor('float32', data, [5, 1, 2]) as never).output).toEqual(want.output);
    const batcher = createBatcher(rnn, { maxBatchSize: 2, maxDelayMs: 1 });
    try {
      const got = await batcher.run({ data, dims: [5, 2] });
      expect(Array.from(got.output.data)).toEqual(Array.from(want.output.data));
    } finally {
      await batcher.close();
    }
  });
});

describe('dispose', () => {
  for (const [format, load, feeds] of loaders) {
    it(`a ${format} model: idempotent, and every later run is refused with a DisposedError`, async () => {
      vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const model = await load();
      const started = model.run(feeds() as never);
      expect(model.disposed).toBe(false);
      model.dispose();
      model.dispose();
      expect(model.disposed).toBe(true);
      await expect(started).resolves.toBeDefined(); // a run already started finishes
      const message = `this ${format} model was disposed; load it again to run it`;
      expect(() => model.runSync(feeds() as never)).toThrow(`runSync: ${message}`);
      await expect(model.run(feeds() as never)).rejects.toThrow(`run: ${message}`);
      await expect(model.run(feeds() as never)).rejects.toBeInstanceOf(DisposedError);
      expect(model.inputMetadata.length).toBeGreaterThan(0); // the description stays
    });
  }

  it('an RNN: forward, forwardAsync, streams, state_dicts and batchers are refused after it', async () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, seed: 4 });
    const x = { data: new Float32Array(6), shape: [3, 1, 2] };
    const stream = rnn.createStream({ batchSize: 1 });
    const batcher = createBatcher(rnn, { maxBatchSize: 2, maxDelayMs: 1 });
    const weights = rnn.stateDict();
    const started = rnn.forwardAsync(x);
    rnn.dispose();
    rnn.dispose();
    expect(rnn.disposed).toBe(true);
    await expect(started).resolves.toBeDefined();
    const message = 'RNN: this RNN was disposed; create another to run';
    expect(() => rnn.forward(x)).toThrow(message);
    expect(() => rnn.forward(42 as never)).toThrow(message);
    await expect(rnn.forwardAsync(x)).rejects.toThrow(message);
    expect(() => rnn.loadStateDict(weights)).toThrow(message);
    expect(() => rnn.stateDict()).toThrow(message);
    expect(() => rnn.createStream({ batchSize: 1 })).toThrow(message);
    expect(() => stream.push({ data: new Float32Array(2), shape: [1, 1, 2] })).toThrow(DisposedError);
    expect(() => createBatcher(rnn)).toThrow(message);
    await expect(batcher.run({ data: new Float32Array(4), shape: [2, 2] })).rejects.toThrow(message);
    await batcher.close();
  });
});
