// The batch rules of the operators around an RNN, on hand-built graphs: an RNN over X [T, B, 2] whose
// output S [T, B, 3] feeds the layer under test. Where the rule finds the batch axes, the model run on
// two parts of the batch must give the whole run's outputs; where it cannot be sure, batchAxes is null.
import { describe, expect, it } from 'vitest';
import { concatAlong, sliceAlong } from '../support/slices';
import { loadModel } from '../../lib/model';
import { expectClose, mulberry32, randomFloat32 } from '../support/fixtures';
import { FLOAT, INT64, modelBytes, node, tensor, valueInfo } from './helpers/onnx-builder';

const [T, B] = [4, 3];
const rng = mulberry32(21);
const floats = (name: string, dims: number[]) => tensor(name, dims, [...randomFloat32(rng, dims.reduce((a, b) => a * b, 1))]);
const ints = (name: string, values: number[]) => tensor(name, [values.length], values, INT64);
const scalar = (name: string, value: number) => tensor(name, [], [value], INT64);

interface Spec { nodes: object[]; initializers?: object[]; inputs?: object[]; feeds?: Record<string, { data: Float32Array; shape: number[] }>; opset?: number }

function graph({ nodes, initializers = [], inputs = [], opset = 14 }: Spec): Uint8Array {
  return modelBytes({
    opset,
    nodes: [node('RNN', ['X', 'W', 'R'], ['Y'], { hidden_size: 3 }), node('Squeeze', ['Y', 'one'], ['S']), ...nodes],
    initializers: [floats('W', [1, 3, 2]), floats('R', [1, 3, 3]), ints('one', [1]), ...initializers],
    inputs: [valueInfo('X', ['seq', 'n', 2]), ...inputs],
    outputs: [valueInfo('out', null)],
  });
}

const X = { data: randomFloat32(rng, T * B * 2, 1.5), shape: [T, B, 2] };

async function expectAxes(spec: Spec, out: number | null, inputs: Record<string, number> = { X: 1 }): Promise<void> {
  const model = await loadModel(graph(spec));
  if (out === null) {
    expect(model.batchAxes).toBeNull();
    return;
  }
  expect(model.batchAxes).toEqual({ inputs, outputs: { out } });
  const feeds = { X, ...spec.feeds };
  const whole = model.runSync(feeds).out;
  const part = (start: number, count: number) => Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, sliceAlong(t, inputs[name], start, count)]));
  const parts = [model.runSync(part(0, 1)).out, model.runSync(part(1, B - 1)).out];
  const joined = concatAlong(parts, out, 'out');
  expect(joined.shape).toEqual(whole.shape);
  expectClose(joined.data, whole.data, 'parts');
}

describe('batch rules of the layers around an RNN', () => {
  it('elementwise: fixed operands that do not vary along the batch', async () => {
    await expectAxes({ nodes: [node('Add', ['S', 'bias'], ['out'])], initializers: [floats('bias', [3])] }, 1);
    await expectAxes({ nodes: [node('Mul', ['S', 'k'], ['out'])], initializers: [floats('k', [T, 1, 3])] }, 1);
    await expectAxes({ nodes: [node('Add', ['S', 'S'], ['out'])] }, 1);
    await expectAxes({ nodes: [node('Sigmoid', ['S'], ['sig']), node('Where', ['mask', 'sig', 'S'], ['out'])], initializers: [{ ...tensor('mask', [3], [1, 0, 1], INT64), dataType: 9, rawData: Uint8Array.of(1, 0, 1) }] }, 1);
    await expectAxes({ nodes: [node('Clip', ['S', 'lo', 'hi'], ['out'])], initializers: [tensor('lo', [], [-0.1]), tensor('hi', [], [0.2])] }, 1);
  });

  it('elementwise: a fixed operand with the batch size along the batch axis is no rule to split by', async () => {
    await expectAxes({ nodes: [node('Add', ['S', 'perSequence'], ['out'])], initializers: [floats('perSequence', [B, 3])] }, null);
  });

  it('MatMul and Gemm against fixed weights; weights fed per call have no batch axis', async () => {
    await expectAxes({ nodes: [node('MatMul', ['S', 'w'], ['out'])], initializers: [floats('w', [3, 5])] }, 1);
    await expectAxes({ nodes: [node('Gather', ['S', 'last'], ['h'], { axis: 0 }), node('Gemm', ['h', 'w', 'c'], ['out'], { transB: 1 })], initializers: [scalar('last', -1), floats('w', [5, 3]), floats('c', [5])] }, 0);
    await expectAxes({ nodes: [node('Gather', ['S', 'last'], ['h'], { axis: 0 }), node('Gemm', ['h', 'w', 'c'], ['out'])], initializers: [scalar('last', -1), floats('w', [3, 5]), floats('c', [B, 5])] }, null);
    await expectAxes({ nodes: [node('MatMul', ['S', 'w'], ['out'])], inputs: [valueInfo('w', [3, 5])] }, null);
    await expectAxes({ nodes: [node('MatMul', ['w', 'S'], ['out'])], initializers: [floats('w', [2, T])] }, null); // S's rows are [B, 3]: the batch is the product's K
  });

  it('reductions, softmax and normalizations off the batch axis', async () => {
    await expectAxes({ nodes: [node('ReduceMean', ['S'], ['out'], { axes: [0], keepdims: 0 })] }, 0);
    await expectAxes({ nodes: [node('ReduceMax', ['S'], ['out'], { axes: [2] })] }, 1);
    await expectAxes({ nodes: [node('ReduceSum', ['S', 'axes'], ['out'], { keepdims: 0 })], initializers: [ints('axes', [0, 2])], opset: 13 }, 0);
    await expectAxes({ nodes: [node('ArgMax', ['S'], ['out'], { axis: 0, keepdims: 0 })] }, 0);
    await expectAxes({ nodes: [node('Softmax', ['S'], ['out'], { axis: -1 })], opset: 13 }, 1);
    await expectAxes({ nodes: [node('Softmax', ['S'], ['out'], { axis: 2 })], opset: 11 }, 1);
    await expectAxes({ nodes: [node('LayerNormalization', ['S', 'scale', 'bias'], ['out'])], initializers: [floats('scale', [3]), floats('bias', [3])], opset: 17 }, 1);
    await expectAxes({ nodes: [node('Transpose', ['S'], ['NCT'], { perm: [1, 2, 0] }), node('BatchNormalization', ['NCT', 'g', 'b', 'm', 'v'], ['out'])], initializers: ['g', 'b', 'm', 'v'].map((n) => floats(n, [3])) }, 0);
  });

  it('reductions, softmax and normalizations across the batch are no rule to split by', async () => {
    await expectAxes({ nodes: [node('ReduceMean', ['S'], ['out'], { axes: [1] })] }, null);
    await expectAxes({ nodes: [node('ReduceMean', ['S'], ['out'])] }, null); // every axis
    await expectAxes({ nodes: [node('ArgMax', ['S'], ['out'], { axis: 1 })] }, null);
    await expectAxes({ nodes: [node('Softmax', ['S'], ['out'], { axis: 1 })], opset: 13 }, null);
    await expectAxes({ nodes: [node('Softmax', ['S'], ['out'], { axis: 1 })], opset: 11 }, null); // coerced: axes 1 and 2
    await expectAxes({ nodes: [node('LayerNormalization', ['S', 'scale'], ['out'], { axis: 1 })], initializers: [floats('scale', [B, 3])], opset: 17 }, null);
    await expectAxes({ nodes: [node('BatchNormalization', ['S', 'g', 'b', 'm', 'v'], ['out'])], initializers: ['g', 'b', 'm', 'v'].map((n) => floats(n, [B])) }, null);
  });

  it('Flatten at axis 1 and Gather of embedding rows by batched ids, of one step, of a learned state', async () => {
    await expectAxes({ nodes: [node('Transpose', ['S'], ['BTH'], { perm: [1, 0, 2] }), node('Flatten', ['BTH'], ['out'])] }, 0);
    await expectAxes({ nodes: [node('Transpose', ['S'], ['BTH'], { perm: [1, 0, 2] }), node('Flatten', ['BTH'], ['out'], { axis: 2 })] }, null);
    await expectAxes({ nodes: [node('Gather', ['S', 'step'], ['out'], { axis: 0 })], initializers: [scalar('step', 1)] }, 0);
    await expectAxes({ nodes: [node('Gather', ['S', 'b'], ['out'], { axis: 1 })], initializers: [scalar('b', 1)] }, null);
    const ids = { data: Float32Array.from({ length: B * 5 }, (_, i) => i % 7), shape: [B, 5] };
    await expectAxes({
      nodes: [node('Gather', ['table', 'ids'], ['rows']), node('ReduceSum', ['rows'], ['pooled'], { axes: [1], keepdims: 0 }), node('Add', ['pooled', 'S'], ['out'])],
      initializers: [floats('table', [7, 3])], inputs: [valueInfo('ids', ['n', 5], INT64)], feeds: { ids }, opset: 11,
    }, 1, { X: 1, ids: 0 });
  });

  it('Expand of a learned state to the batch (h0.expand(-1, B, -1)) and Reshape to x.view(B, -1)', async () => {
    await expectAxes({
      nodes: [
        node('Shape', ['X'], ['shape']), node('Gather', ['shape', 'i1'], ['b'], { axis: 0 }), node('Unsqueeze', ['b', 'zero'], ['b1']),
        node('Concat', ['one', 'b1', 'three'], ['dims'], { axis: 0 }), node('Expand', ['h0', 'dims'], ['H0']), node('Add', ['H0', 'S'], ['out']),
      ],
      initializers: [scalar('i1', 1), ints('zero', [0]), ints('three', [3]), floats('h0', [1, 1, 3])],
    }, 1);
    await expectAxes({
      nodes: [
        node('Transpose', ['S'], ['BTH'], { perm: [1, 0, 2] }), node('Shape', ['BTH'], ['shape']), node('Gather', ['shape', 'i0'], ['b'], { axis: 0 }),
        node('Unsqueeze', ['b', 'zero'], ['b1']), node('Concat', ['b1', 'minus1'], ['dims'], { axis: 0 }), node('Reshape', ['BTH', 'dims'], ['out']),
      ],
      initializers: [scalar('i0', 0), ints('zero', [0]), ints('minus1', [-1])],
    }, 0);
    await expectAxes({ nodes: [node('Expand', ['S', 'dims'], ['out'])], initializers: [ints('dims', [2, 1, 1, 1])] }, 2);
  });
});
