// Every operator around an RNN refuses what it cannot compute correctly, with the node named:
// attributes while the model loads (out of range, of the wrong type, from another opset), inputs
// when a call feeds them (types, shapes, values outside what the result type holds).
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../lib/model';
import { FLOAT, INT64, modelBytes, node, tensor, valueInfo } from './helpers/onnx-builder';

const BOOL = 9;
type Attrs = Record<string, unknown>;

/** One node named "n" over graph inputs a, b, c (of the given types), its output Y. */
function graph(op: string, attributes: Attrs = {}, { opset = 14, inputs = ['a'], types = [FLOAT, FLOAT, FLOAT], outputs = ['Y'] } = {}) {
  return modelBytes({
    opset,
    nodes: [node(op, inputs, outputs, attributes as never, 'n')],
    inputs: inputs.flatMap((name, i) => (name === '' ? [] : [valueInfo(name, null, types[i])])),
    outputs: outputs.map((o) => valueInfo(o, null)),
  });
}

const f = (shape: number[], fill = 1) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill), shape });
const i64 = (shape: number[], values: number[]) => ({ data: BigInt64Array.from(values, BigInt), shape });

async function refusedAtLoad(bytes: Uint8Array, op: string, message: RegExp): Promise<void> {
  await expect(loadModel(bytes)).rejects.toThrow(new RegExp(`node 0 "n" \\(${op}\\).*${message.source}`));
}

async function refusedAtRun(bytes: Uint8Array, op: string, feeds: Record<string, unknown>, message: RegExp, type: ErrorConstructor = Error): Promise<void> {
  const model = await loadModel(bytes);
  const pattern = new RegExp(`node 0 "n" \\(${op}\\).*${message.source}`);
  expect(() => model.runSync(feeds as never)).toThrow(pattern);
  expect(() => model.runSync(feeds as never)).toThrow(type);
  await expect(model.run(feeds as never)).rejects.toThrow(pattern);
}

describe('ONNX layer operators: attributes refused while loading', () => {
  it('Gemm, MatMul and elementwise arithmetic', async () => {
    await refusedAtLoad(graph('Gemm', { transA: 2 }, { inputs: ['a', 'b'] }), 'Gemm', /attribute 'transA' must be 0 or 1, got 2/);
    await refusedAtLoad(graph('Gemm', { broadcast: 1 }, { inputs: ['a', 'b'] }), 'Gemm', /unknown attribute broadcast; this operator takes alpha, beta, transA, transB/);
    await refusedAtLoad(graph('Gemm', { alpha: 2 }, { inputs: ['a', 'b'] }), 'Gemm', /attribute 'alpha' must be FLOAT, got INT/);
    await refusedAtLoad(graph('Add', { axis: 1, broadcast: 1 }, { inputs: ['a', 'b'] }), 'Add', /unknown attributes axis, broadcast; this operator takes none/);
    await refusedAtLoad(graph('MatMul', { transB: 1 }, { inputs: ['a', 'b'] }), 'MatMul', /unknown attribute transB/);
  });

  it('activations, Clip, Softmax', async () => {
    await refusedAtLoad(graph('LeakyRelu', { alpha: 1 }), 'LeakyRelu', /attribute 'alpha' must be FLOAT, got INT/);
    await refusedAtLoad(graph('Gelu', { approximate: 'fast' }, { opset: 20 }), 'Gelu', /attribute 'approximate' must be 'none' or 'tanh', got 'fast'/);
    await refusedAtLoad(graph('Selu', { beta: { float: 1 } }), 'Selu', /unknown attribute beta; this operator takes alpha, gamma/);
    await refusedAtLoad(graph('Clip', {}, { opset: 9, inputs: ['a', 'b'] }), 'Clip', /Clip takes min and max as attributes before opset 11, not as inputs/);
    await refusedAtLoad(graph('Clip', { min: { float: 0 } }, { opset: 13 }), 'Clip', /unknown attribute min; this operator takes none/);
    await refusedAtLoad(graph('Softmax', { dim: 1 }), 'Softmax', /unknown attribute dim; this operator takes axis/);
  });

  it('reductions: each form of axes only in the opsets that define it, flags 0 or 1', async () => {
    await refusedAtLoad(graph('ReduceSum', { axes: [1] }, { opset: 13 }), 'ReduceSum', /unknown attribute axes; this operator takes keepdims, noop_with_empty_axes/);
    await refusedAtLoad(graph('ReduceMean', {}, { opset: 17, inputs: ['a', 'b'], types: [FLOAT, INT64] }), 'ReduceMean', /ReduceMean takes its axes as an attribute before opset 18, not as an input/);
    await refusedAtLoad(graph('ReduceMax', { noop_with_empty_axes: 1 }, { opset: 11 }), 'ReduceMax', /unknown attribute noop_with_empty_axes/);
    await refusedAtLoad(graph('ReduceMean', { keepdims: 2 }), 'ReduceMean', /attribute 'keepdims' must be 0 or 1, got 2/);
    await refusedAtLoad(graph('ArgMax', { select_last_index: 3 }), 'ArgMax', /attribute 'select_last_index' must be 0 or 1, got 3/);
  });

  it('normalizations, Dropout, Flatten', async () => {
    await refusedAtLoad(graph('LayerNormalization', { stash_type: 11 }, { opset: 17, inputs: ['a', 'b'] }), 'LayerNormalization', /attribute 'stash_type' must be 1 \(float\), got 11/);
    await refusedAtLoad(graph('LayerNormalization', { epsilon: { float: -1 } }, { opset: 17, inputs: ['a', 'b'] }), 'LayerNormalization', /attribute 'epsilon' must be a non-negative number, got -1/);
    const five = ['a', 'b', 'c', 'd', 'e'];
    await refusedAtLoad(graph('BatchNormalization', { training_mode: 1 }, { inputs: five }), 'BatchNormalization', /training_mode is set; only inference \(training_mode 0\) is supported/);
    await refusedAtLoad(graph('BatchNormalization', { spatial: 0 }, { opset: 8, inputs: five }), 'BatchNormalization', /spatial 0 \(statistics per element, before opset 9\) is not supported/);
    await refusedAtLoad(graph('BatchNormalization', {}, { inputs: five, outputs: ['Y', 'm', 'v'] }), 'BatchNormalization', /expected 1 to 1 outputs, got 3/);
    await refusedAtLoad(graph('Dropout', { training_mode: 1 }, { opset: 13 }), 'Dropout', /unknown attribute training_mode; this operator takes ratio, seed/);
    await refusedAtLoad(graph('Flatten', { axes: [1] }), 'Flatten', /unknown attribute axes; this operator takes axis/);
  });

  it('Cast to float16 or bfloat16, which the float32 interpreter would not round', async () => {
    await refusedAtLoad(graph('Cast', { to: 10 }), 'Cast', /Cast to FLOAT16 is not supported: tensors are computed in float32, and the rounding to FLOAT16 would be lost/);
    await refusedAtLoad(graph('Cast', { to: 16 }), 'Cast', /Cast to BFLOAT16 is not supported/);
  });
});

describe('ONNX layer operators: inputs refused when a call feeds them', () => {
  it('MatMul and Gemm: floats only, shapes that multiply, C that broadcasts', async () => {
    await refusedAtRun(graph('MatMul', {}, { inputs: ['a', 'b'], types: [INT64, INT64] }), 'MatMul', { a: i64([2], [1, 2]), b: i64([2], [1, 2]) }, /input 'A' must be a float tensor, got INT64/, TypeError);
    await refusedAtRun(graph('MatMul', {}, { inputs: ['a', 'b'] }), 'MatMul', { a: f([2, 3]), b: f([4, 5]) }, /shapes \[2, 3\] and \[4, 5\] do not multiply \(3 columns against 4 rows\)/, RangeError);
    await refusedAtRun(graph('MatMul', {}, { inputs: ['a', 'b'] }), 'MatMul', { a: f([2, 2, 3]), b: f([3, 3, 4]) }, /shapes \[2\] and \[3\] do not broadcast/, RangeError);
    const gemm = graph('Gemm', {}, { inputs: ['a', 'b', 'c'] });
    await refusedAtRun(gemm, 'Gemm', { a: f([2, 2, 3]), b: f([3, 4]), c: f([4]) }, /A and B must be matrices, got \[2, 2, 3\] and \[3, 4\]/, RangeError);
    await refusedAtRun(gemm, 'Gemm', { a: f([2, 3]), b: f([3, 4]), c: f([2, 7]) }, /Gemm c: shapes \[2, 7\] and \[2, 4\] do not broadcast/, RangeError);
    await refusedAtRun(gemm, 'Gemm', { a: f([2, 3]), b: f([2, 4]), c: f([4]) }, /do not multiply/, RangeError);
  });

  it('arithmetic: one type, shapes that broadcast, integer results that the type holds', async () => {
    const add = graph('Add', {}, { inputs: ['a', 'b'] });
    await refusedAtRun(add, 'Add', { a: f([2, 3]), b: f([4]) }, /shapes \[2, 3\] and \[4\] do not broadcast/, RangeError);
    await refusedAtRun(graph('Add', {}, { inputs: ['a', 'b'], types: [FLOAT, INT64] }), 'Add', { a: f([2]), b: i64([2], [1, 2]) }, /the inputs must have one type, got FLOAT and INT64/, TypeError);
    await refusedAtRun(graph('Add', {}, { inputs: ['a', 'b'], types: [BOOL, BOOL] }), 'Add', { a: [1, 0], b: [0, 1] }, /arithmetic on BOOL tensors is not defined/, TypeError);
    const big = 2 ** 40;
    await refusedAtRun(graph('Mul', {}, { inputs: ['a', 'b'], types: [INT64, INT64] }), 'Mul', { a: i64([1], [big]), b: i64([1], [big]) }, /the result 1\.2\d*e\+24 \(from 1099511627776, 1099511627776\) is outside what INT64 holds here \(-9007199254740991\.\.9007199254740991\)/, RangeError);
    await refusedAtRun(graph('Div', {}, { inputs: ['a', 'b'], types: [INT64, INT64] }), 'Div', { a: i64([2], [4, 5]), b: i64([2], [2, 0]) }, /\(from 5, 0\) has no INT64 result \(division by zero/, RangeError);
    await refusedAtRun(graph('PRelu', {}, { inputs: ['a', 'b'] }), 'PRelu', { a: f([3]), b: f([2, 3]) }, /slope of shape \[2, 3\] must broadcast to X's shape \[3\]/, RangeError);
    await refusedAtRun(graph('Pow', {}, { inputs: ['a', 'b'], types: [FLOAT, BOOL] }), 'Pow', { a: f([2]), b: [1, 0] }, /Pow is not defined on BOOL tensors/, TypeError);
  });

  it('Cast of a value the integer type cannot hold', async () => {
    await refusedAtRun(graph('Cast', { to: 6 }), 'Cast', { a: { data: Float32Array.of(1, 3e9), shape: [2] } }, /3000000000 cannot be cast to INT32 \(-2147483648\.\.2147483647 here\)/, RangeError);
    await refusedAtRun(graph('Cast', { to: 2 }, { types: [INT64] }), 'Cast', { a: i64([2], [1, -1]) }, /-1 cannot be cast to UINT8 \(0\.\.255 here\)/, RangeError);
    await refusedAtRun(graph('Cast', { to: 7 }), 'Cast', { a: { data: Float32Array.of(NaN), shape: [1] } }, /NaN cannot be cast to INT64/, RangeError);
  });

  it('activations and Clip', async () => {
    await refusedAtRun(graph('Tanh', {}, { types: [INT64] }), 'Tanh', { a: i64([2], [1, 2]) }, /input 'X' must be a float tensor, got INT64/, TypeError);
    await refusedAtRun(graph('Relu', {}, { types: [BOOL] }), 'Relu', { a: [1, 0] }, /input 'X' must be a float tensor, got BOOL/, TypeError);
    const clip = graph('Clip', {}, { opset: 13, inputs: ['a', 'b'] });
    await refusedAtRun(clip, 'Clip', { a: f([3]), b: f([2]) }, /input 'min' must be a scalar, got shape \[2\]/, RangeError);
    await refusedAtRun(graph('Clip', {}, { opset: 13, inputs: ['a', 'b'], types: [FLOAT, INT64] }), 'Clip', { a: f([3]), b: i64([], [1]) }, /input 'min' is INT64 but input is FLOAT/, TypeError);
  });

  it('Softmax, reductions, ArgMax: axes in range, not repeated, not empty', async () => {
    await refusedAtRun(graph('Softmax', { axis: 3 }), 'Softmax', { a: f([2, 3, 4]) }, /axis 3 is out of range for rank 3/, RangeError);
    await refusedAtRun(graph('LogSoftmax', {}, { types: [INT64] }), 'LogSoftmax', { a: i64([2], [1, 2]) }, /input 'input' must be a float tensor, got INT64/, TypeError);
    await refusedAtRun(graph('ReduceMean', { axes: [5] }), 'ReduceMean', { a: f([2, 3]) }, /axis 5 is out of range for rank 2/, RangeError);
    await refusedAtRun(graph('ReduceSum', { axes: [1, -1] }, { opset: 11 }), 'ReduceSum', { a: f([2, 3]) }, /repeated axis in \[1, -1\]/, RangeError);
    const sum13 = graph('ReduceSum', {}, { opset: 13, inputs: ['a', 'b'], types: [FLOAT, FLOAT] });
    await refusedAtRun(sum13, 'ReduceSum', { a: f([2, 3]), b: f([1]) }, /input 'axes': expected an integer tensor, got FLOAT/, TypeError);
    await refusedAtRun(graph('ReduceMax', {}, { opset: 13, types: [BOOL] }), 'ReduceMax', { a: [1, 0] }, /ReduceMax is not defined on BOOL tensors/, TypeError);
    await refusedAtRun(graph('ReduceMax', { axes: [0] }, { types: [INT64] }), 'ReduceMax', { a: { data: new BigInt64Array(0), shape: [0, 2] } }, /ReduceMax of an empty or too large integer set has no INT64 result/, RangeError);
    await refusedAtRun(graph('ArgMax', { axis: 1 }), 'ArgMax', { a: f([2, 0, 3]) }, /cannot take ArgMax along axis 1 of shape \[2, 0, 3\]: it is empty/, RangeError);
    await refusedAtRun(graph('ArgMin', {}, { types: [INT64] }), 'ArgMin', { a: i64([2], [1, 2]) }, /input 'data' must be a float tensor, got INT64/, TypeError);
  });

  it('normalizations: parameters of the normalized shape, channels of X', async () => {
    const layer = graph('LayerNormalization', {}, { opset: 17, inputs: ['a', 'b', 'c'] });
    await refusedAtRun(layer, 'LayerNormalization', { a: f([2, 4]), b: f([5]), c: f([4]) }, /shapes \[2, 4\] and \[5\] do not broadcast/, RangeError);
    await refusedAtRun(layer, 'LayerNormalization', { a: f([2, 4]), b: f([4]), c: f([3, 2, 4]) }, /input 'B' of shape \[3, 2, 4\] must broadcast to X's shape \[2, 4\]/, RangeError);
    const batch = graph('BatchNormalization', {}, { inputs: ['a', 'b', 'c', 'd', 'e'] });
    const stats = { b: f([3]), c: f([3]), d: f([3]), e: f([3]) };
    await refusedAtRun(batch, 'BatchNormalization', { ...stats, a: f([2, 4]) }, /input 'scale' must have shape \[4\], got \[3\]/, RangeError);
    await refusedAtRun(batch, 'BatchNormalization', { ...stats, a: f([3]) }, /input 'X' must be \[N, C, \.\.\.\], got \[3\]/, RangeError);
  });

  it('masks: booleans where booleans are due, one type for Where\'s branches', async () => {
    await refusedAtRun(graph('Not'), 'Not', { a: f([2]) }, /expected BOOL inputs, got FLOAT/, TypeError);
    await refusedAtRun(graph('And', {}, { inputs: ['a', 'b'], types: [BOOL, INT64] }), 'And', { a: [1, 0], b: i64([2], [1, 0]) }, /expected BOOL inputs, got INT64/, TypeError);
    const where = graph('Where', {}, { inputs: ['a', 'b', 'c'], types: [FLOAT, FLOAT, FLOAT] });
    await refusedAtRun(where, 'Where', { a: f([2]), b: f([2]), c: f([2]) }, /expected BOOL inputs, got FLOAT/, TypeError);
    const mixed = graph('Where', {}, { inputs: ['a', 'b', 'c'], types: [BOOL, FLOAT, INT64] });
    await refusedAtRun(mixed, 'Where', { a: [1, 0], b: f([2]), c: i64([2], [1, 2]) }, /X and Y must have one type, got FLOAT and INT64/, TypeError);
    await refusedAtRun(graph('Equal', {}, { inputs: ['a', 'b'], types: [FLOAT, INT64] }), 'Equal', { a: f([2]), b: i64([2], [1, 2]) }, /the inputs must have one type, got FLOAT and INT64/, TypeError);
    const whereShapes = graph('Where', {}, { inputs: ['a', 'b', 'c'], types: [BOOL, FLOAT, FLOAT] });
    await refusedAtRun(whereShapes, 'Where', { a: [1, 0, 1], b: f([2]), c: f([2]) }, /shapes \[3\] and \[2\] and \[2\] do not broadcast/, RangeError);
  });

  it('integer and boolean feeds hold only what their type holds', async () => {
    const model = await loadModel(graph('Not', {}, { types: [BOOL] }));
    expect(() => model.runSync({ a: [1, 2] })).toThrow(/input 'a': element 1 is 2, outside what BOOL holds \(0\.\.1 here\)/);
    const int32 = await loadModel(graph('Neg', {}, { types: [6] }));
    expect(() => int32.runSync({ a: { data: BigInt64Array.of(2n ** 31n), shape: [1] } } as never)).toThrow(/input 'a': element 0 is 2147483648, outside what INT32 holds/);
    expect(() => int32.runSync({ a: { data: BigInt64Array.of(2n ** 60n), shape: [1] } } as never)).toThrow(RangeError);
  });

  it('Concat of two types', async () => {
    const concat = graph('Concat', { axis: 0 }, { inputs: ['a', 'b'], types: [INT64, 6] });
    await refusedAtRun(concat, 'Concat', { a: i64([1], [1]), b: { data: Int32Array.of(2), shape: [1] } }, /cannot concatenate INT32 \[1\] with INT64 \[1\] on axis 0/, RangeError);
  });

  it('Gather, Flatten, Dropout', async () => {
    await refusedAtRun(graph('Gather', {}, { inputs: ['a', 'b'] }), 'Gather', { a: f([4, 2]), b: f([1]) }, /indices must be integers, got FLOAT/, TypeError);
    await refusedAtRun(graph('Gather', {}, { inputs: ['a', 'b'], types: [FLOAT, INT64] }), 'Gather', { a: f([4, 2]), b: i64([2], [1, -5]) }, /index -5 is out of range for axis 0 of size 4/, RangeError);
    await refusedAtRun(graph('Flatten', { axis: 4 }), 'Flatten', { a: f([2, 3, 4]) }, /axis 4 is out of range for rank 3/, RangeError);
    const training = graph('Dropout', {}, { opset: 13, inputs: ['a', '', 'c'], types: [FLOAT, FLOAT, BOOL] });
    await refusedAtRun(training, 'Dropout', { a: f([2]), c: [1] }, /training_mode is true with ratio 0.5: random dropout \(training\) is not supported, only inference/);
    const withRatio = graph('Dropout', {}, { opset: 13, inputs: ['a', 'b', 'c'], types: [FLOAT, FLOAT, BOOL] });
    await refusedAtRun(withRatio, 'Dropout', { a: f([2]), b: f([], 0.2), c: [1] }, /training_mode is true with ratio 0.2/);
    await refusedAtRun(withRatio, 'Dropout', { a: f([2]), b: f([2]), c: [0] }, /input 'ratio' must be a float scalar, got FLOAT of 2 elements/, TypeError);
    expect((await loadModel(withRatio)).runSync({ a: f([2], 3), b: f([], 0), c: [1] } as never).Y.data).toEqual(Float32Array.of(3, 3)); // ratio 0: the identity
    await refusedAtRun(training, 'Dropout', { a: f([2]), c: [1, 0] }, /input 'training_mode' must be a BOOL scalar, got BOOL of 2 elements/, TypeError);
  });

  it('refusals carry the codes of lib/errors: a file that breaks the specification, a feature not run', async () => {
    const code = (bytes: Uint8Array) => loadModel(bytes).then(() => 'loaded', (e: { code?: string }) => e.code);
    await expect(code(graph('LSTM', {}, { inputs: ['a', 'b', 'c'] }))).resolves.toBe('ERR_UNSUPPORTED');
    await expect(code(graph('Cast', { to: 10 }))).resolves.toBe('ERR_UNSUPPORTED');
    await expect(code(graph('BatchNormalization', { training_mode: 1 }, { inputs: ['a', 'b', 'c', 'd', 'e'] }))).resolves.toBe('ERR_UNSUPPORTED');
    await expect(code(graph('Gemm', { transA: 2 }, { inputs: ['a', 'b'] }))).resolves.toBe('ERR_MALFORMED_FILE');
    await expect(code(graph('Softmax', { dim: 1 }))).resolves.toBe('ERR_MALFORMED_FILE');
    await expect(code(graph('LeakyRelu', { alpha: 1 }))).resolves.toBe('ERR_MALFORMED_FILE');
    await expect(code(graph('ReduceMean', {}, { opset: 17, inputs: ['a', 'b'], types: [FLOAT, INT64] }))).resolves.toBe('ERR_MALFORMED_FILE');
    await expect(code(graph('Add', {}, { inputs: ['a'] }))).resolves.toBe('ERR_MALFORMED_FILE'); // one input of two
    const training = await loadModel(graph('Dropout', {}, { opset: 13, inputs: ['a', '', 'c'], types: [FLOAT, FLOAT, BOOL] }));
    expect(() => training.runSync({ a: f([2]), c: [1] } as never)).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED' }));
  });

  it('an operator outside the set is refused while loading, naming the node and listing the set', async () => {
    await expect(loadModel(graph('LSTM', {}, { inputs: ['a', 'b', 'c'] }))).rejects.toThrow(/unsupported operator LSTM \(node 0 "n"\); supported: Abs, Add, And, ArgMax, ArgMin, BatchNormalization, Cast/);
    const initializer = modelBytes({
      nodes: [node('Conv', ['X', 'W'], ['Y'], {}, 'conv')], initializers: [tensor('W', [1], [1])],
      inputs: [valueInfo('X', [1])], outputs: [valueInfo('Y', null)],
    });
    await expect(loadModel(initializer)).rejects.toThrow(/unsupported operator Conv \(node 0 "conv"\)/);
  });
});
