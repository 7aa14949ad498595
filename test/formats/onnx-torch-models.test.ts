// Models as PyTorch users build them around nn.RNN (test/fixtures/torch-onnx), exported by
// torch.onnx.export at opsets 9, 11, 14 and 17: one loadModel call runs each, giving PyTorch's
// outputs within the fixtures' tolerance, synchronously and not, for the whole batch and for part of it.
import { describe, expect, it } from 'vitest';
import { sliceAlong } from '../support/slices';
import { loadModel, type Tensor } from '../../lib/index';
import { expectClose } from '../support/fixtures';
import { expectedOf, inputsOf, TORCH_ONNX_CASES, TORCH_ONNX_MODELS } from '../support/torch-onnx';

/** Where the exporter's dynamic 'batch' axis is in each declared shape. */
function declaredBatchAxes(shapes: Record<string, Array<number | string> | null>): Record<string, number> {
  return Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, shape!.indexOf('batch')]));
}

function expectOutputs(got: Record<string, Tensor>, want: Record<string, Tensor>, what: string): void {
  expect(Object.keys(got)).toEqual(Object.keys(want));
  for (const [name, tensor] of Object.entries(want)) {
    expect(got[name].shape, `${what} ${name}`).toEqual(tensor.shape);
    expectClose(got[name].data, tensor.data, `${what} ${name}`);
  }
}

describe('torch.onnx.export models around nn.RNN, through loadModel', () => {
  it('covers the four models of the issue, mean pooling, a LayerNorm head, a residual Add and h0/hn at opsets 11, 14 and 17', () => {
    const names = TORCH_ONNX_MODELS.map((m) => m.name);
    for (const name of ['char_rnn', 'sentiment', 'tagger', 'rnn_sigmoid', 'mean_pool', 'layernorm_head', 'residual', 'stateful_tagger']) {
      expect(names).toContain(name);
      for (const opset of [11, 14, 17]) expect(TORCH_ONNX_CASES.some((c) => c.model.name === name && c.opset === opset)).toBe(true);
    }
    const layerNorm = TORCH_ONNX_MODELS.find((m) => m.name === 'layernorm_head')!;
    expect(layerNorm.operators['layernorm_head.opset17.onnx']).toContain('LayerNormalization');
    expect(layerNorm.operators['layernorm_head.opset14.onnx']).toEqual(expect.arrayContaining(['ReduceMean', 'Pow', 'Sqrt', 'Div']));
  });

  it.each(TORCH_ONNX_CASES.map((c) => [c.file, c] as const))('%s gives PyTorch\'s outputs (runSync and run)', async (_, c) => {
    const model = await loadModel(c.path);
    expect(model.format).toBe('onnx');
    expect(model.inputNames).toEqual(Object.keys(c.model.inputs));
    expect(model.outputNames).toEqual(Object.keys(c.model.outputs));
    expect(model.config.opsetVersion).toBe(c.opset);
    expect(Object.keys(model.config.operators as object).sort()).toEqual(c.model.operators[c.file]);
    const feeds = inputsOf(c.model);
    const want = expectedOf(c.model);
    expectOutputs(model.runSync(feeds), want, c.file);
    expectOutputs(await model.run(feeds), want, `${c.file} (run)`);
  });

  it.each(TORCH_ONNX_CASES.map((c) => [c.file, c] as const))('%s: the batch axes are the exporter\'s dynamic batch, and two of the sequences give their part of the outputs', async (_, c) => {
    const model = await loadModel(c.path);
    if (c.file === 'activations.opset9.onnx') {
      // The opset 9 export declares its output [batch, time] while the graph computes [batch, time, 6]:
      // a file that misstates a shape is never cut into parts.
      expect(model.outputShapes.y).toEqual(['batch', 'time']);
      expect(model.batchAxes).toBeNull();
      return;
    }
    expect(model.batchAxes).toEqual({ inputs: declaredBatchAxes(model.inputShapes), outputs: declaredBatchAxes(model.outputShapes) });
    const axes = model.batchAxes!;
    const part = Object.fromEntries(Object.entries(inputsOf(c.model)).map(([name, t]) => [name, sliceAlong(t, axes.inputs[name], 1, 2)]));
    const want = Object.fromEntries(Object.entries(expectedOf(c.model)).map(([name, t]) => [name, sliceAlong(t, axes.outputs[name], 1, 2)]));
    expectOutputs(await model.run(part), want, `${c.file} sequences 1..2`);
  });

  it('token ids may be any integer typed array or plain numbers; fractions and ids outside the vocabulary are refused', async () => {
    const c = TORCH_ONNX_CASES.find((x) => x.file === 'char_rnn.opset14.onnx')!;
    const model = await loadModel(c.path);
    const { ids } = inputsOf(c.model);
    const want = expectedOf(c.model);
    for (const data of [BigInt64Array.from(ids.data, (v) => BigInt(v)), Int32Array.from(ids.data), Uint8Array.from(ids.data)]) {
      expectOutputs(model.runSync({ ids: { data, shape: ids.shape } as never }), want, data.constructor.name);
    }
    expect(model.inputShapes.ids).toEqual(['batch', 'time']);
    const fraction = Float32Array.from(ids.data, (v, i) => (i === 3 ? v + 0.5 : v));
    expect(() => model.runSync({ ids: { data: fraction, shape: ids.shape } })).toThrow(/input 'ids': INT64 input needs integers, element 3 is/);
    const outside = Float32Array.from(ids.data, (v, i) => (i === 5 ? 20 : v));
    expect(() => model.runSync({ ids: { data: outside, shape: ids.shape } })).toThrow(/node 0 "\/embed\/Gather" \(Gather\): index 20 is out of range for axis 0 of size 20/);
  });

  it('runs other sequence lengths than the export\'s (dynamic time axis)', async () => {
    const c = TORCH_ONNX_CASES.find((x) => x.file === 'sentiment.opset17.onnx')!;
    const model = await loadModel(c.path);
    const { ids } = inputsOf(c.model);
    const [B, T] = ids.shape;
    // The first 3 steps of each sequence, as a batch of its own, against the same file at opset 11.
    const shorter = { data: Float32Array.from({ length: B * 3 }, (_, i) => ids.data[Math.floor(i / 3) * T + (i % 3)]), shape: [B, 3] };
    const other = await loadModel(TORCH_ONNX_CASES.find((x) => x.file === 'sentiment.opset11.onnx')!.path);
    const [a, b] = [model.runSync({ ids: shorter }), other.runSync({ ids: shorter })];
    expect(a.p.shape).toEqual([B, 1]);
    expectClose(a.p.data, b.p.data, 'opset 17 against opset 11');
  });
});
