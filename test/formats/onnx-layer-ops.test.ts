// The operators around an RNN against onnxruntime-node, an independent implementation: one-node
// graphs over seeded random inputs, at the opsets whose forms differ (attributes that became inputs,
// Softmax's axis, ReduceSum's axes), each output compared within the fixtures' tolerance (exactly
// for integers and booleans).
import { describe, expect, it } from 'vitest';
import type * as OnnxRuntime from 'onnxruntime-node';
import { loadModel } from '../../lib/model';
import { expectClose, expectExact, mulberry32 } from '../support/fixtures';
import { FLOAT, INT32, INT64, modelBytes, node, valueInfo } from './helpers/onnx-builder';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort = require('onnxruntime-node') as typeof OnnxRuntime;
const BOOL = 9;

type Data = Float32Array | BigInt64Array | Int32Array | Uint8Array;
interface Input { dtype: number; shape: number[]; data: Data }

const ORT_TYPES: Record<number, OnnxRuntime.Tensor.Type> = { [FLOAT]: 'float32', [INT64]: 'int64', [INT32]: 'int32', [BOOL]: 'bool' };
let seed = 1;

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
function floats(shape: number[], scale = 2, offset = 0): Input {
  const rng = mulberry32(seed++);
  return { dtype: FLOAT, shape, data: Float32Array.from({ length: count(shape) }, () => offset + (rng() * 2 - 1) * scale) };
}
function ints(shape: number[], lo: number, hi: number, dtype = INT64): Input {
  const rng = mulberry32(seed++);
  const values = Array.from({ length: count(shape) }, () => lo + Math.floor(rng() * (hi - lo + 1)));
  return { dtype, shape, data: dtype === INT64 ? BigInt64Array.from(values, BigInt) : Int32Array.from(values) };
}
function bools(shape: number[]): Input {
  const rng = mulberry32(seed++);
  return { dtype: BOOL, shape, data: Uint8Array.from({ length: count(shape) }, () => (rng() < 0.5 ? 1 : 0)) };
}
/** Small integers as floats: ties for ArgMax, equal pairs for the comparisons. */
function grid(shape: number[]): Input {
  const rng = mulberry32(seed++);
  return { dtype: FLOAT, shape, data: Float32Array.from({ length: count(shape) }, () => Math.floor(rng() * 3) - 1) };
}

interface Case {
  opset: number;
  op: string;
  inputs: Record<string, Input | null>;
  attributes?: Record<string, never>;
  outputs?: string[];
  /** The outputs' element types: the first input's, unless given. */
  types?: number[];
}

async function compare({ opset, op, inputs, attributes = {}, outputs = ['out'], types }: Case): Promise<void> {
  const given = Object.entries(inputs).filter((entry): entry is [string, Input] => entry[1] !== null);
  const bytes = modelBytes({
    opset,
    nodes: [node(op, Object.entries(inputs).map(([name, v]) => (v ? name : '')), outputs, attributes)],
    inputs: given.map(([name, v]) => valueInfo(name, v.shape, v.dtype)),
    outputs: outputs.flatMap((o, i) => (o === '' ? [] : [valueInfo(o, null, types?.[i] ?? given[0][1].dtype)])),
  });
  const what = `${op} (opset ${opset}, ${JSON.stringify(attributes)}, ${given.map(([n, v]) => `${n} [${v.shape}]`).join(' ')})`;
  const session = await ort.InferenceSession.create(bytes);
  const theirs = await session.run(Object.fromEntries(given.map(([name, v]) => [name, new ort.Tensor(ORT_TYPES[v.dtype], v.data, v.shape)])));
  await session.release();
  const model = await loadModel(bytes);
  const ours = model.runSync(Object.fromEntries(given.map(([name, v]) => [name, { data: v.data, shape: v.shape }])) as never);
  for (const name of outputs.filter((o) => o !== '')) {
    const want = theirs[name];
    expect(ours[name].shape, `${what} ${name}`).toEqual(Array.from(want.dims));
    const values = Float32Array.from(want.data as ArrayLike<number | bigint>, Number);
    (want.type === 'float32' ? expectClose : expectExact)(ours[name].data, values, `${what} ${name}`);
  }
}

const X = () => floats([2, 3, 4]);

describe('ONNX layer operators against onnxruntime-node', () => {
  it('MatMul: matrices, batches broadcast against weights, 1-D operands', async () => {
    for (const [a, b] of [[[3, 4], [4, 5]], [[2, 3, 4], [4, 5]], [[4], [4, 5]], [[2, 3, 4], [4]], [[2, 1, 3, 4], [3, 4, 2]], [[5, 4], [2, 4, 3]]]) {
      await compare({ opset: 14, op: 'MatMul', inputs: { A: floats(a), B: floats(b) } });
    }
  });

  it('Gemm: transposes, alpha and beta, every C shape, no C', async () => {
    for (const c of [[], [5], [1, 5], [3, 1], [3, 5]]) {
      await compare({ opset: 14, op: 'Gemm', inputs: { A: floats([3, 4]), B: floats([5, 4]), C: floats(c) }, attributes: { transB: 1, alpha: { float: 0.5 }, beta: { float: 2 } } as never });
    }
    await compare({ opset: 11, op: 'Gemm', inputs: { A: floats([4, 3]), B: floats([4, 5]) }, attributes: { transA: 1 } as never });
    await compare({ opset: 9, op: 'Gemm', inputs: { A: floats([4, 3]), B: floats([5, 4]), C: floats([5]) }, attributes: { transA: 1, transB: 1 } as never });
  });

  it('Add, Sub, Mul, Div, Pow, Max, Min and PRelu broadcast as numpy does', async () => {
    const pairs = [[[2, 3, 4], [4]], [[2, 3, 4], [3, 1]], [[1, 3, 1], [2, 1, 4]], [[2, 3, 4], []], [[], [2, 3]]];
    for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min']) {
      for (const [a, b] of pairs) await compare({ opset: 14, op, inputs: { A: floats(a), B: floats(b, 2, op === 'Div' ? 3 : 0) } });
    }
    await compare({ opset: 13, op: 'Max', inputs: { a: floats([2, 3]), b: floats([3]), c: floats([2, 1]) } });
    for (const [a, b] of pairs.slice(0, 3)) await compare({ opset: 14, op: 'Pow', inputs: { X: floats(a, 1, 2), Y: floats(b, 1.5) } });
    await compare({ opset: 15, op: 'Pow', inputs: { X: floats([2, 3], 1, 2), Y: ints([], 2, 2) } });
    await compare({ opset: 16, op: 'PRelu', inputs: { X: X(), slope: floats([4], 0.3) } });
    await compare({ opset: 9, op: 'PRelu', inputs: { X: X(), slope: floats([3, 1], 0.3) } });
  });

  it('integer arithmetic is exact, division truncating toward zero as C does', async () => {
    for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min']) {
      await compare({ opset: 14, op, inputs: { A: ints([2, 3], -9, 9), B: ints([3], 1, 4) } });
      await compare({ opset: 13, op, inputs: { A: ints([4], -9, 9, INT32), B: ints([4], -4, -1, INT32) } });
    }
  });

  it('activations with their attributes and defaults', async () => {
    const plain = ['Relu', 'Tanh', 'Sigmoid', 'Softsign', 'Softplus', 'Exp', 'Erf', 'Abs', 'Neg', 'Reciprocal'];
    for (const op of plain) await compare({ opset: 14, op, inputs: { X: X() } });
    for (const op of ['Log', 'Sqrt']) await compare({ opset: 13, op, inputs: { X: floats([2, 3, 4], 1, 1.5) } });
    const withAttributes: Array<[string, number, Record<string, unknown>]> = [
      ['LeakyRelu', 16, {}], ['LeakyRelu', 9, { alpha: { float: 0.3 } }], ['Elu', 9, {}], ['Elu', 9, { alpha: { float: 0.5 } }],
      ['Selu', 9, {}], ['Selu', 9, { alpha: { float: 1.2 }, gamma: { float: 0.8 } }], ['HardSigmoid', 9, {}],
      ['HardSigmoid', 9, { alpha: { float: 1 / 6 }, beta: { float: 0.4 } }], ['ThresholdedRelu', 10, {}], ['ThresholdedRelu', 10, { alpha: { float: 0.5 } }],
      ['HardSwish', 14, {}], ['Mish', 18, {}], ['Gelu', 20, {}], ['Gelu', 20, { approximate: 'tanh' }], ['Gelu', 20, { approximate: 'none' }],
    ];
    for (const [op, opset, attributes] of withAttributes) await compare({ opset, op, inputs: { X: X() }, attributes: attributes as never });
    await compare({ opset: 13, op: 'Abs', inputs: { X: ints([5], -3, 3) } });
    await compare({ opset: 13, op: 'Neg', inputs: { X: ints([5], -3, 3) } });
  });

  it('Clip: attributes before opset 11, optional scalar inputs since, a minimum above the maximum', async () => {
    await compare({ opset: 9, op: 'Clip', inputs: { X: X() }, attributes: { min: { float: -0.5 }, max: { float: 0.7 } } as never });
    await compare({ opset: 9, op: 'Clip', inputs: { X: X() }, attributes: { max: { float: 0.2 } } as never });
    await compare({ opset: 13, op: 'Clip', inputs: { X: X(), min: floats([], 0.5), max: null } });
    await compare({ opset: 13, op: 'Clip', inputs: { X: X(), min: null, max: floats([], 0.5) } });
    await compare({ opset: 11, op: 'Clip', inputs: { X: X(), min: { dtype: FLOAT, shape: [], data: Float32Array.of(0.6) }, max: { dtype: FLOAT, shape: [], data: Float32Array.of(-0.2) } } });
    await compare({ opset: 13, op: 'Clip', inputs: { X: ints([6], -5, 5), min: ints([], -2, -2), max: ints([], 3, 3) } });
  });

  it('Softmax and LogSoftmax: coerced to 2-D before opset 13, along one axis since', async () => {
    for (const op of ['Softmax', 'LogSoftmax']) {
      for (const axis of [undefined, 0, 1, 2, -1]) {
        const attributes = (axis === undefined ? {} : { axis }) as never;
        await compare({ opset: 11, op, inputs: { input: floats([2, 3, 4], 3) }, attributes });
        await compare({ opset: 13, op, inputs: { input: floats([2, 3, 4], 3) }, attributes });
      }
    }
  });

  it('ReduceMean, ReduceSum, ReduceMax, ReduceMin: axes as attributes, then as inputs (ReduceSum 13, the others 18)', async () => {
    for (const op of ['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin']) {
      for (const attributes of [{}, { axes: [1] }, { axes: [0, 2] }, { axes: [-1], keepdims: 0 }, { axes: [2, 0], keepdims: 0 }]) {
        await compare({ opset: 11, op, inputs: { data: X() }, attributes: attributes as never });
      }
      const axesInput = op === 'ReduceSum' ? 13 : 18;
      await compare({ opset: axesInput, op, inputs: { data: X(), axes: { dtype: INT64, shape: [2], data: BigInt64Array.of(0n, -1n) } }, attributes: { keepdims: 0 } as never });
      await compare({ opset: axesInput, op, inputs: { data: X(), axes: null } });
      await compare({ opset: axesInput, op, inputs: { data: X(), axes: { dtype: INT64, shape: [0], data: new BigInt64Array(0) } }, attributes: { noop_with_empty_axes: 1 } as never });
    }
    await compare({ opset: 13, op: 'ReduceSum', inputs: { data: ints([2, 3], -5, 5), axes: { dtype: INT64, shape: [1], data: BigInt64Array.of(1n) } } });
  });

  it('ArgMax and ArgMin: ties to the first or (select_last_index) the last, keepdims', async () => {
    for (const op of ['ArgMax', 'ArgMin']) {
      for (const attributes of [{}, { axis: 1 }, { axis: -1, keepdims: 0 }, { axis: 2, select_last_index: 1 }, { axis: 0, keepdims: 0, select_last_index: 1 }]) {
        await compare({ opset: 13, op, inputs: { data: grid([3, 4, 5]) }, attributes: attributes as never, types: [INT64] });
      }
    }
  });

  it('LayerNormalization: axis, with and without B, scale broadcast, Mean and InvStdDev', async () => {
    await compare({ opset: 17, op: 'LayerNormalization', inputs: { X: X(), Scale: floats([4]), B: floats([4]) } });
    await compare({ opset: 17, op: 'LayerNormalization', inputs: { X: X(), Scale: floats([3, 4]) }, attributes: { axis: 1, epsilon: { float: 0.01 } } as never });
    await compare({ opset: 17, op: 'LayerNormalization', inputs: { X: X(), Scale: floats([1, 4]), B: floats([4]) }, outputs: ['out', 'Mean', 'InvStdDev'] });
    await compare({ opset: 17, op: 'LayerNormalization', inputs: { X: X(), Scale: floats([4]) }, attributes: { axis: -2 } as never, outputs: ['out', '', 'InvStdDev'] });
  });

  it('BatchNormalization in inference form, [N, C] and [N, C, L], opsets 9 and 15', async () => {
    for (const [opset, shape] of [[9, [4, 3]], [15, [2, 3, 5]], [14, [2, 3, 2, 2]]] as const) {
      const channels = () => floats([3], 1);
      await compare({ opset, op: 'BatchNormalization', inputs: { X: floats([...shape]), scale: channels(), B: channels(), mean: channels(), var: floats([3], 0.5, 1) }, attributes: { epsilon: { float: 0.001 } } as never });
    }
  });

  it('Flatten at every axis', async () => {
    for (const axis of [0, 1, 2, 3, -1, -3]) await compare({ opset: 13, op: 'Flatten', inputs: { input: X() }, attributes: { axis } as never });
    await compare({ opset: 11, op: 'Flatten', inputs: { input: X() } });
  });

  it('comparisons of floats and integers, Not, And, Or, Xor, Where of floats and integers', async () => {
    for (const op of ['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual']) {
      await compare({ opset: 16, op, inputs: { A: grid([2, 3, 4]), B: grid([3, 1]) }, types: [BOOL] });
      await compare({ opset: 16, op, inputs: { A: ints([2, 3], -2, 2), B: ints([3], -2, 2) }, types: [BOOL] });
    }
    await compare({ opset: 11, op: 'Equal', inputs: { A: bools([2, 3]), B: bools([3]) } });
    await compare({ opset: 9, op: 'Not', inputs: { X: bools([2, 3]) } });
    for (const op of ['And', 'Or', 'Xor']) await compare({ opset: 9, op, inputs: { A: bools([2, 3]), B: bools([2, 1]) } });
    await compare({ opset: 16, op: 'Where', inputs: { C: bools([3, 1]), X: floats([2, 3, 4]), Y: floats([4]) }, types: [FLOAT] });
    await compare({ opset: 9, op: 'Where', inputs: { C: bools([2, 3]), X: ints([3], -5, 5), Y: ints([2, 1], -5, 5) }, types: [INT64] });
  });

  it('Gather on floats: rows of an embedding by int64 and int32 ids, one step of a sequence (out[:, -1])', async () => {
    await compare({ opset: 13, op: 'Gather', inputs: { data: floats([7, 4]), indices: ints([2, 3], -7, 6) } });
    await compare({ opset: 11, op: 'Gather', inputs: { data: floats([7, 4]), indices: ints([5], 0, 6, INT32) } });
    await compare({ opset: 13, op: 'Gather', inputs: { data: X(), indices: { dtype: INT64, shape: [], data: BigInt64Array.of(-1n) } }, attributes: { axis: 1 } as never });
    await compare({ opset: 13, op: 'Gather', inputs: { data: X(), indices: ints([2, 2], 0, 3) }, attributes: { axis: 2 } as never });
  });

  it('Cast between floats, integers and booleans', async () => {
    await compare({ opset: 13, op: 'Cast', inputs: { X: floats([2, 5], 9) }, attributes: { to: INT64 } as never, types: [INT64] });
    await compare({ opset: 13, op: 'Cast', inputs: { X: floats([2, 5], 9) }, attributes: { to: INT32 } as never, types: [INT32] });
    await compare({ opset: 13, op: 'Cast', inputs: { X: grid([2, 5]) }, attributes: { to: BOOL } as never, types: [BOOL] });
    await compare({ opset: 13, op: 'Cast', inputs: { X: ints([2, 5], -9, 9) }, attributes: { to: FLOAT } as never, types: [FLOAT] });
    await compare({ opset: 13, op: 'Cast', inputs: { X: bools([2, 5]) }, attributes: { to: FLOAT } as never, types: [FLOAT] });
    await compare({ opset: 13, op: 'Cast', inputs: { X: ints([2, 5], -9, 9) }, attributes: { to: INT32 } as never, types: [INT32] });
    await compare({ opset: 9, op: 'Cast', inputs: { X: floats([3]) }, attributes: { to: 11 } as never, types: [11] });
  });

  it('Dropout at inference: the input, and a mask of ones', async () => {
    await compare({ opset: 13, op: 'Dropout', inputs: { data: X() }, outputs: ['out', 'mask'], types: [FLOAT, BOOL] });
    await compare({ opset: 12, op: 'Dropout', inputs: { data: X(), ratio: floats([], 0.1, 0.5) } });
    await compare({ opset: 13, op: 'Dropout', inputs: { data: X(), ratio: floats([], 0.1, 0.5), training_mode: { dtype: BOOL, shape: [], data: Uint8Array.of(0) } }, outputs: ['out', 'mask'], types: [FLOAT, BOOL] });
    await compare({ opset: 9, op: 'Dropout', inputs: { data: X() }, attributes: { ratio: { float: 0.3 } } as never });
  });
});
