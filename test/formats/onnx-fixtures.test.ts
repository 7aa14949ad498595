// The ONNX fixture models: torch.onnx.export graphs of nn.RNN and hand-built single-RNN graphs,
// run by the interpreter and compared with PyTorch and onnxruntime.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadModel } from '../../lib/model';
import { RNN } from '../../lib/rnn';
import { expectClose, FIXTURES_DIR, loadJson, tensorOf } from '../support/fixtures';

const modelPath = (name: string) => path.join(FIXTURES_DIR, 'models', `${name}.onnx`);

function feedsOf(json: { inputs: Record<string, { shape: number[]; data: number[] }> }): Record<string, { shape: number[]; data: Float32Array }> {
  return Object.fromEntries(Object.entries(json.inputs).map(([name, t]) => [name, tensorOf(t)]));
}

/** The operators each fixture graph holds (what torch.onnx.export writes around nn.RNN). */
const OPERATORS: Record<string, Record<string, number>> = {
  torch_1layer_tanh: { Shape: 1, Constant: 5, Gather: 1, Unsqueeze: 1, Concat: 1, ConstantOfShape: 1, RNN: 1, Squeeze: 1 },
  torch_2layer_bidir_relu_batchfirst: {
    Shape: 1, Constant: 12, Gather: 1, Unsqueeze: 1, Concat: 2, ConstantOfShape: 1, Transpose: 4, Slice: 2, RNN: 2, Reshape: 2,
  },
  torch_3layer_nobias: { Shape: 1, Constant: 16, Gather: 1, Unsqueeze: 1, Concat: 2, ConstantOfShape: 1, Slice: 3, RNN: 3, Squeeze: 3 },
  onnx_defaults: { RNN: 1 },
  onnx_bidir_layout1_tanh_sigmoid: { RNN: 1 },
  onnx_clip_scaledtanh_nobias: { RNN: 1 },
  onnx_reverse_leakyrelu_lengths: { RNN: 1 },
  onnx_bidir_zero_lengths: { RNN: 1 },
};

describe('ONNX: torch.onnx.export graphs of nn.RNN', () => {
  for (const name of ['torch_1layer_tanh', 'torch_2layer_bidir_relu_batchfirst', 'torch_3layer_nobias']) {
    it(`${name}: y and hn match PyTorch (runSync and run)`, async () => {
      const json = loadJson(`models/${name}.json`);
      const model = await loadModel(modelPath(name));
      expect(model.format).toBe('onnx');
      expect(model.inputNames).toEqual(['x']);
      expect(model.outputNames).toEqual(['y', 'hn']);
      expect(model.config.operators).toEqual(OPERATORS[name]);
      for (const outputs of [model.runSync(feedsOf(json)), await model.run(feedsOf(json))]) {
        expect(outputs.y.shape).toEqual(json.outputs.y.shape);
        expect(outputs.hn.shape).toEqual(json.outputs.hn.shape);
        expectClose(outputs.y.data, tensorOf(json.outputs.y).data, `${name} y`);
        expectClose(outputs.hn.data, tensorOf(json.outputs.hn).data, `${name} hn`);
      }
    });
  }

  it('keeps the exporter\'s symbolic dimensions and runs other batch and sequence sizes', async () => {
    const onnx = await loadModel(modelPath('torch_1layer_tanh'));
    expect(onnx.inputShapes).toEqual({ x: ['seq', 'batch', 4] });
    expect(onnx.outputShapes).toEqual({ y: ['Squeezey_dim_0', 'Squeezey_dim_1', 8], hn: [1, 'batch', 8] });
    const state = await loadModel(path.join(FIXTURES_DIR, 'models', 'torch_1layer_tanh.safetensors'));
    const x = { data: Float32Array.from({ length: 2 * 5 * 4 }, (_, i) => Math.cos(i)), shape: [2, 5, 4] };
    const a = onnx.runSync({ x });
    const b = state.runSync({ x });
    expect(a.y.shape).toEqual([2, 5, 8]);
    expectClose(a.y.data, b.y.data, 'y');
    expectClose(a.hn.data, b.hn.data, 'hn');
  });

  it('describes its RNN nodes and counts the initializers as parameters', async () => {
    const model = await loadModel(modelPath('torch_2layer_bidir_relu_batchfirst'));
    expect(model.numParameters).toBe(396);
    expect(model.config).toMatchObject({ irVersion: 7, opsetVersion: 14, producer: 'pytorch 1.13.0' });
    expect(model.config.rnnNodes).toEqual([
      { name: '/RNN', direction: 'bidirectional', hiddenSize: 6, inputSize: 5, activations: [{ name: 'Relu' }, { name: 'Relu' }], clip: null, layout: 0, bias: true },
      { name: '/RNN_1', direction: 'bidirectional', hiddenSize: 6, inputSize: 12, activations: [{ name: 'Relu' }, { name: 'Relu' }], clip: null, layout: 0, bias: true },
    ]);
  });

  it('builds each RNN once, when the model loads, not per run', async () => {
    const json = loadJson('models/torch_3layer_nobias.json');
    const loads = vi.spyOn(RNN.prototype, 'loadStateDict');
    const model = await loadModel(modelPath('torch_3layer_nobias'));
    expect(loads).toHaveBeenCalledTimes(3);
    const first = model.runSync(feedsOf(json));
    await model.run(feedsOf(json));
    const again = model.runSync(feedsOf(json));
    expect(loads).toHaveBeenCalledTimes(3);
    expect(Array.from(again.y.data)).toEqual(Array.from(first.y.data));
    loads.mockRestore();
  });
});

describe('ONNX: single RNN nodes with non-default attributes (onnxruntime outputs)', () => {
  for (const name of ['onnx_defaults', 'onnx_bidir_layout1_tanh_sigmoid', 'onnx_clip_scaledtanh_nobias', 'onnx_reverse_leakyrelu_lengths', 'onnx_bidir_zero_lengths']) {
    it(`${name}: Y and Y_h match`, async () => {
      const json = loadJson(`models/${name}.json`);
      const model = await loadModel(modelPath(name));
      expect(model.inputNames).toEqual(Object.keys(json.inputs));
      expect(model.outputNames).toEqual(['Y', 'Y_h']);
      expect(model.config.operators).toEqual(OPERATORS[name]);
      const node = (model.config.rnnNodes as Array<Record<string, unknown>>)[0];
      expect(node.direction).toBe(json.attributes.direction);
      expect(node.hiddenSize).toBe(json.attributes.hidden_size);
      expect(node.layout).toBe(json.attributes.layout ?? 0);
      for (const outputs of [model.runSync(feedsOf(json)), await model.run(feedsOf(json))]) {
        for (const output of ['Y', 'Y_h']) {
          expect(outputs[output].shape).toEqual(json.outputs[output].shape);
          expectClose(outputs[output].data, tensorOf(json.outputs[output]).data, `${name} ${output}`);
        }
      }
    });
  }

  it('reads activation_alpha/beta and clip into the node description', async () => {
    const model = await loadModel(modelPath('onnx_clip_scaledtanh_nobias'));
    expect(model.config.rnnNodes).toEqual([{
      name: null, direction: 'forward', hiddenSize: 4, inputSize: 2, layout: 0, clip: 0.5, bias: false,
      activations: [{ name: 'ScaledTanh', alpha: Math.fround(1.7), beta: Math.fround(0.6) }],
    }]);
  });

  it('sequence_lens accepts integer typed arrays and plain numbers, and refuses fractions', async () => {
    const json = loadJson('models/onnx_reverse_leakyrelu_lengths.json');
    const model = await loadModel(modelPath('onnx_reverse_leakyrelu_lengths'));
    const want = tensorOf(json.outputs.Y_h).data;
    for (const lens of [{ data: Int32Array.of(6, 4, 4, 3), shape: [4] }, { data: BigInt64Array.of(6n, 4n, 4n, 3n), shape: [4] }, [6, 4, 4, 3]]) {
      expectClose(model.runSync({ ...feedsOf(json), sequence_lens: lens as never }).Y_h.data, want, 'Y_h');
    }
    expect(() => model.runSync({ ...feedsOf(json), sequence_lens: [6, 4.5, 4, 3] })).toThrow(/input 'sequence_lens': INT32 input needs integers, element 1 is 4.5/);
    expect(() => model.runSync({ ...feedsOf(json), sequence_lens: [6, 7, 4, 3] })).toThrow(/node 0 \(RNN\): sequence_lens\[1\]: expected an integer in \[0, 6\] \(the sequence length\), got 7/);
    await expect(model.run({ ...feedsOf(json), sequence_lens: [6, -1, 4, 3] })).rejects.toThrow(/sequence_lens\[1\]: expected an integer in \[0, 6\]/);
  });

  it('feeds are checked against the graph\'s inputs and declared shapes', async () => {
    const model = await loadModel(modelPath('onnx_bidir_layout1_tanh_sigmoid'));
    const X = { data: new Float32Array(40), shape: [2, 5, 4] };
    const initial_h = { data: new Float32Array(12), shape: [2, 2, 3] };
    expect(() => model.runSync({ X })).toThrow(/feeds: missing input 'initial_h'; this model's inputs are X, initial_h/);
    expect(() => model.runSync({ X, initial_h, h0: initial_h })).toThrow(/feeds: unknown input 'h0'; this model's inputs are X, initial_h/);
    expect(() => model.runSync({ X: { data: new Float32Array(48), shape: [2, 6, 4] }, initial_h })).toThrow(/input 'X': expected shape \[2, 5, 4\], got \[2, 6, 4\]/);
    expect(model.runSync({ X, initial_h }).Y.shape).toEqual([2, 5, 2, 3]);
  });
});
