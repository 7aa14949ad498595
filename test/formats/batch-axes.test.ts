// Model.batchAxes: where each format puts the batch, read from the file's own description (the torch
// config, the RNN node's layout), and null for ONNX graphs whose batch cannot be followed for sure.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../lib/model';
import { FIXTURES_DIR, loadJson, mulberry32, randomFloat32, tensorOf } from '../support/fixtures';
import { modelBytes, node, tensor, valueInfo } from './helpers/onnx-builder';

const MODELS = path.join(FIXTURES_DIR, 'models');
const fixtureNames = (prefix: string, ext: string) => readdirSync(MODELS).filter((f) => f.startsWith(prefix) && f.endsWith(ext));

describe('batchAxes of the fixture models', () => {
  it.each(fixtureNames('torch_', '.onnx'))('%s: x and y along the batch_first axis, hn along axis 1', async (file) => {
    const { config } = loadJson(`models/${file.replace('.onnx', '.json')}`);
    const sequences = config.batchFirst ? 0 : 1;
    expect((await loadModel(path.join(MODELS, file))).batchAxes).toEqual({ inputs: { x: sequences }, outputs: { y: sequences, hn: 1 } });
  });

  it.each(fixtureNames('torch_', '.safetensors'))('%s: x and y along the batch_first axis, h0 and hn along 1, lengths along 0', async (file) => {
    const { config } = loadJson(`models/${file.replace('.safetensors', '.json')}`);
    const model = await loadModel(path.join(MODELS, file), { batchFirst: config.batchFirst });
    const sequences = config.batchFirst ? 0 : 1;
    expect(model.batchAxes).toEqual({ inputs: { x: sequences, h0: 1, lengths: 0 }, outputs: { y: sequences, hn: 1 } });
  });

  it.each(fixtureNames('onnx_', '.onnx'))('%s: the RNN node\'s layout places X, sequence_lens, initial_h, Y and Y_h', async (file) => {
    const json = loadJson(`models/${file.replace('.onnx', '.json')}`);
    const batchFirst = json.attributes.layout === 1;
    const expected = { inputs: {} as Record<string, number>, outputs: { Y: batchFirst ? 0 : 2, Y_h: batchFirst ? 0 : 1 } };
    const inputAxes: Record<string, number> = { X: batchFirst ? 0 : 1, sequence_lens: 0, initial_h: batchFirst ? 0 : 1 };
    for (const name of Object.keys(json.inputs)) expected.inputs[name] = inputAxes[name];
    expect((await loadModel(path.join(MODELS, file))).batchAxes).toEqual(expected);
  });

  it('tfjs_rnn_dense: Keras puts the batch first', async () => {
    expect((await loadModel(path.join(MODELS, 'tfjs_rnn_dense'))).batchAxes).toEqual({ inputs: { simple_rnn_SimpleRNN1_input: 0 }, outputs: { dense_Dense1: 0 } });
  });
});

describe('a batch size a file fixes', () => {
  it('is not enforced on the batch axis (any number of sequences runs), the other fixed dimensions are', async () => {
    const json = loadJson('models/onnx_reverse_leakyrelu_lengths.json');
    const model = await loadModel(path.join(MODELS, 'onnx_reverse_leakyrelu_lengths.onnx'));
    const X = tensorOf(json.inputs.X);
    const [T, B, D] = X.shape;
    const H = json.attributes.hidden_size;
    const firstTwo = { data: new Float32Array(T * 2 * D), shape: [T, 2, D] };
    for (let t = 0; t < T; t++) firstTwo.data.set(X.data.subarray(t * B * D, (t * B + 2) * D), t * 2 * D);
    const initial = tensorOf(json.inputs.initial_h);
    const feeds = { X: firstTwo, sequence_lens: json.inputs.sequence_lens.data.slice(0, 2), initial_h: { data: initial.data.slice(0, 2 * H), shape: [1, 2, H] } };
    const { Y_h } = await model.run(feeds);
    expect(Array.from(Y_h.data)).toEqual(Array.from((await model.run({ X, sequence_lens: json.inputs.sequence_lens.data, initial_h: initial })).Y_h.data.subarray(0, 2 * H)));
    expect(() => model.runSync({ ...feeds, X: { data: new Float32Array((T + 1) * 2 * D), shape: [T + 1, 2, D] } })).toThrow(`input 'X': expected shape [${[T, B, D].join(', ')}], got [${[T + 1, 2, D].join(', ')}]`);
  });
});

// One RNN node (D = 2, H = 3, forward) between `before` and `after` nodes; W and R are initializers.
function rnnGraph(options: { before?: object[]; after?: object[]; x?: string; y?: string; inputs?: object[]; outputs?: object[]; initializers?: object[]; rnnInputs?: string[] }) {
  const rng = mulberry32(7);
  return modelBytes({
    nodes: [...(options.before ?? []), node('RNN', options.rnnInputs ?? [options.x ?? 'X', 'W', 'R'], ['Y', 'Y_h'], { hidden_size: 3 }), ...(options.after ?? [])],
    initializers: [tensor('W', [1, 3, 2], [...randomFloat32(rng, 6)]), tensor('R', [1, 3, 3], [...randomFloat32(rng, 9)]), ...(options.initializers ?? [])],
    inputs: options.inputs ?? [valueInfo('X', ['seq', 'n', 2])],
    outputs: options.outputs ?? [valueInfo(options.y ?? 'Y', null), valueInfo('Y_h', null)],
  });
}

describe('batchAxes of hand-built ONNX graphs', () => {
  it('follows the batch through Transpose, Squeeze with axes and Reshape copying the leading dimensions', async () => {
    const model = await loadModel(rnnGraph({
      inputs: [valueInfo('XT', ['n', 'seq', 2])],
      before: [node('Transpose', ['XT'], ['X'], { perm: [1, 0, 2] })],
      after: [
        node('Squeeze', ['Y', 'one'], ['S']),                      // [T, B, H]
        node('Transpose', ['S'], ['ST'], { perm: [1, 2, 0] }),      // [B, H, T]
        node('Reshape', ['ST', 'keep'], ['out']),                   // [B, H*T]
      ],
      initializers: [tensor('one', [1], [1], 7), tensor('keep', [2], [0, -1], 7)],
      outputs: [valueInfo('out', null), valueInfo('Y_h', null)],
    }));
    expect(model.batchAxes).toEqual({ inputs: { XT: 0 }, outputs: { out: 0, Y_h: 1 } });
  });

  it('follows the zero initial state torch.onnx.export builds from Shape(x)', async () => {
    const model = await loadModel(rnnGraph({
      before: [
        node('Shape', ['X'], ['shape']), node('Gather', ['shape', 'i1'], ['batch'], { axis: 0 }),
        node('Unsqueeze', ['batch', 'zero'], ['batch1']), node('Concat', ['one', 'batch1', 'three'], ['dims'], { axis: 0 }),
        node('ConstantOfShape', ['dims'], ['H0']),
      ],
      rnnInputs: ['X', 'W', 'R', '', '', 'H0'],
      initializers: [tensor('i1', [], [1], 7), tensor('zero', [1], [0], 7), tensor('one', [1], [1], 7), tensor('three', [1], [3], 7)],
    }));
    expect(model.batchAxes).toEqual({ inputs: { X: 1 }, outputs: { Y: 2, Y_h: 1 } });
  });

  it.each([
    ['a Squeeze without axes (it would drop the batch of a one-sequence slice)', { after: [node('Squeeze', ['Y'], ['S'])], y: 'S' }],
    ['a Reshape that writes the batch size as a number', {
      after: [node('Squeeze', ['Y', 'one'], ['S']), node('Reshape', ['S', 'shape'], ['out'])], y: 'out',
      initializers: [tensor('one', [1], [1], 7), tensor('shape', [3], [0, 4, -1], 7)],
    }],
    ['a Slice along the batch', { after: [node('Slice', ['Y', 'start', 'end', 'axis'], ['S'])], y: 'S', initializers: [tensor('start', [1], [0], 7), tensor('end', [1], [1], 7), tensor('axis', [1], [2], 7)] }],
    ['an initial_h initializer (its batch is fixed)', { rnnInputs: ['X', 'W', 'R', '', '', 'H0'], initializers: [tensor('H0', [1, 4, 3], Array(12).fill(0))] }],
    ['an input no node places (any axis would do)', { inputs: [valueInfo('X', ['seq', 'n', 2]), valueInfo('Z', [2, 2])], outputs: [valueInfo('Y', null), valueInfo('Y_h', null), valueInfo('Z', null)] }],
    ['an Expand to a fixed size along the batch', { after: [node('Expand', ['Y', 'shape'], ['S'])], y: 'S', initializers: [tensor('shape', [4], [1, 1, 4, 1], 7)] }],
  ])('is null with %s', async (_, spec) => {
    expect((await loadModel(rnnGraph(spec))).batchAxes).toBeNull();
  });

  it('is null, at once, for more placements than it tries (12 inputs: 3 * 4^11 of them)', async () => {
    const extra = Array.from({ length: 11 }, (_, i) => `E${i}`);
    const model = await loadModel(rnnGraph({
      inputs: [valueInfo('X', ['seq', 'n', 2]), ...extra.map((name) => valueInfo(name, [1, 1, 1, 1]))],
      outputs: [valueInfo('Y', null), ...extra.map((name) => valueInfo(name, null))],
    }));
    expect(model.batchAxes).toBeNull();
  });

  it('leaves a malformed attribute the node reads when it runs to the run, not to loadModel', async () => {
    const model = await loadModel(rnnGraph({ after: [node('Squeeze', ['Y'], ['S'], { axes: 1 })], y: 'S' }));
    expect(model.batchAxes).toBeNull();
    expect(() => model.runSync({ X: { data: new Float32Array(12), shape: [3, 2, 2] } })).toThrow(/attribute 'axes' must be INTS, got INT/);
  });
});
