// Wrong calls to the native tensor ops: every array of every op swapped for a wrong type, a wrong
// length and a detached buffer gives a TypeError or RangeError naming it; outputs that overlap an
// input, strides that reach past their operand, out-of-range indices and unknown names are refused;
// a valid call modifies nothing but its output.
import { describe, expect, it } from 'vitest';
import { addon } from '../lib/native/binding';
import * as ops from '../lib/native/ops';

type Call = Record<string, unknown>;

type Typed = ArrayBufferView & { length: number; constructor: new (n: number) => Typed };

/** An array like `like` whose buffer has been transferred away. */
function detachedLike(like: Typed): Typed {
  const data = new like.constructor(like.length);
  structuredClone(data.buffer, { transfer: [data.buffer as ArrayBuffer] });
  return data;
}

const floats = (n: number) => Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);

interface Case {
  op: string;
  run: (call: Call) => unknown;
  call: () => Call;
  /** Arrays whose length is free (the others' follow from it), so a shorter one is a valid call. */
  anyLength?: string[];
}

const CASES: Case[] = [
  { op: 'unary', run: (c) => ops.unary(c as never), call: () => ({ op: 'Tanh', x: floats(6), output: new Float32Array(6) }),
    anyLength: ['x'] },
  { op: 'binary', run: (c) => ops.binary(c as never),
    call: () => ({ op: 'Add', a: floats(6), aShape: [2, 3], b: floats(3), bShape: [3], output: new Float32Array(6) }) },
  { op: 'compare', run: (c) => ops.compare(c as never),
    call: () => ({ op: 'Less', a: floats(6), aShape: [2, 3], b: floats(2), bShape: [2, 1], output: new Float32Array(6) }) },
  { op: 'where', run: (c) => ops.where(c as never),
    call: () => ({ condition: floats(3), conditionShape: [3], x: floats(6), xShape: [2, 3], y: floats(1), yShape: [1],
      output: new Float32Array(6) }) },
  { op: 'gemm', run: (c) => ops.gemm(c as never),
    call: () => ({ a: floats(6), aShape: [2, 3], b: floats(12), bShape: [3, 4], c: floats(4), cShape: [4],
      output: new Float32Array(8) }) },
  { op: 'matMul', run: (c) => ops.matMul(c as never),
    call: () => ({ a: floats(12), aShape: [2, 2, 3], b: floats(6), bShape: [3, 2], output: new Float32Array(8) }) },
  { op: 'reduce', run: (c) => ops.reduce(c as never),
    call: () => ({ op: 'Max', x: floats(24), outer: 2, axisSize: 3, inner: 4, output: new Float32Array(8) }) },
  { op: 'maskedReduce', run: (c) => ops.maskedReduce(c as never),
    call: () => ({ op: 'Mean', x: floats(24), mask: Uint8Array.from([1, 0, 1, 1, 1, 0]), outer: 2, axisSize: 3, inner: 4,
      output: new Float32Array(8) }) },
  { op: 'argReduce', run: (c) => ops.argReduce(c as never),
    call: () => ({ op: 'ArgMax', x: floats(24), outer: 2, axisSize: 3, inner: 4, output: new Int32Array(8) }) },
  { op: 'softmax', run: (c) => ops.softmax(c as never),
    call: () => ({ x: floats(24), outer: 2, axisSize: 3, inner: 4, output: new Float32Array(24) }) },
  { op: 'layerNorm', run: (c) => ops.layerNorm(c as never),
    call: () => ({ x: floats(12), rows: 3, cols: 4, scale: floats(4), bias: floats(4), epsilon: 1e-5,
      output: new Float32Array(12) }) },
  { op: 'batchNorm', run: (c) => ops.batchNorm(c as never),
    call: () => ({ x: floats(24), outer: 2, channels: 3, inner: 4, scale: floats(3), bias: floats(3), mean: floats(3),
      variance: Float32Array.from([1, 2, 3]), epsilon: 1e-5, output: new Float32Array(24) }) },
  { op: 'gatherRows', run: (c) => ops.gatherRows(c as never),
    call: () => ({ table: floats(12), rows: 4, cols: 3, indices: Int32Array.from([3, 0, 3]), output: new Float32Array(9) }),
    anyLength: ['indices'] },
];

const arrayFields = (call: Call) => Object.keys(call).filter((key) => ArrayBuffer.isView(call[key]));

/** The same kind of typed array, one element shorter (empty ones get one more). */
function resized(array: Typed): Typed {
  return new array.constructor(array.length > 0 ? array.length - 1 : 1);
}

describe.each(CASES)('$op', ({ run, call, anyLength }) => {
  it('modifies nothing but its output', () => {
    const given = call();
    const copies = Object.fromEntries(arrayFields(given).filter((key) => key !== 'output')
      .map((key) => [key, Array.from(given[key] as ArrayLike<number>)]));
    run(given);
    for (const [key, copy] of Object.entries(copies)) expect(Array.from(given[key] as ArrayLike<number>), key).toEqual(copy);
  });

  it.each(arrayFields(call()))('%s of the wrong type is a TypeError naming it', (field) => {
    const given = call();
    const wrong = new Int16Array((given[field] as Typed).length); // no op takes one
    expect(() => run({ ...given, [field]: wrong })).toThrow(TypeError);
    expect(() => run({ ...given, [field]: wrong })).toThrow(new RegExp(`^${field}: expected an? `));
  });

  it.each(arrayFields(call()))('%s detached is a TypeError naming it', (field) => {
    const given = call();
    expect(() => run({ ...given, [field]: detachedLike(given[field] as Typed) }))
      .toThrow(new TypeError(`${field}: the ArrayBuffer is detached (transferred)`));
  });

  it.each(arrayFields(call()).filter((field) => !anyLength?.includes(field)))('%s of the wrong length is a RangeError', (field) => {
    const given = call();
    expect(() => run({ ...given, [field]: resized(given[field] as Typed) })).toThrow(RangeError);
  });

  it('an output overlapping an input is a RangeError, not a wrong result', () => {
    const given = call();
    const output = given.output as Float32Array;
    for (const field of arrayFields(given).filter((key) => key !== 'output')) {
      const input = given[field] as Typed & Float32Array;
      const Input = input.constructor as unknown as Float32ArrayConstructor;
      const Output = output.constructor as Float32ArrayConstructor;
      // The output at the buffer's start, the input one element in: they overlap without being the same array.
      const shared = new ArrayBuffer(output.byteLength + input.byteLength + 8);
      const inputView = new Input(shared, Input.BYTES_PER_ELEMENT, input.length);
      inputView.set(input);
      const outputView = new Output(shared, 0, output.length);
      expect(() => run({ ...given, [field]: inputView, output: outputView }), field)
        .toThrow(new RangeError(`output: overlaps ${field}; use separate buffers`));
    }
  });
});

describe('indices, names and parameters', () => {
  const table = floats(12);

  it('an index outside the table is a RangeError naming its position, its value and the table size', () => {
    expect(() => ops.gatherRows({ table, rows: 4, cols: 3, indices: Int32Array.from([0, 4]) }))
      .toThrow(new RangeError('indices[1]: 4 is out of range for a table of 4 rows'));
    expect(() => ops.gatherRows({ table, rows: 4, cols: 3, indices: Int32Array.from([-1]) }))
      .toThrow(new RangeError('indices[0]: -1 is out of range for a table of 4 rows'));
    const output = new Float32Array(6).fill(7);
    expect(() => ops.gatherRows({ table, rows: 4, cols: 3, indices: Int32Array.from([1, 2 ** 31 - 1]), output })).toThrow(RangeError);
    expect(Array.from(output)).toEqual([7, 7, 7, 7, 7, 7]); // checked before anything is written
  });

  it('unknown op names are TypeErrors naming the name', () => {
    expect(() => ops.unary({ op: 'Cosh' as never, x: floats(2) })).toThrow(new TypeError("op: unknown unary op 'Cosh'"));
    expect(() => ops.binary({ op: 'Mod' as never, a: floats(2), aShape: [2], b: floats(2), bShape: [2] }))
      .toThrow(new TypeError("op: unknown binary op 'Mod'"));
    expect(() => ops.compare({ op: 'NotEqual' as never, a: floats(2), aShape: [2], b: floats(2), bShape: [2] }))
      .toThrow(new TypeError("op: unknown comparison 'NotEqual'"));
    expect(() => ops.reduce({ op: 'Prod' as never, x: floats(2), outer: 1, axisSize: 2, inner: 1 }))
      .toThrow(new TypeError("op: unknown reduction 'Prod'"));
    expect(() => ops.argReduce({ op: 'Max' as never, x: floats(2), outer: 1, axisSize: 2, inner: 1 }))
      .toThrow(new TypeError("op: unknown op 'Max'"));
  });

  it('an activation without its parameters is a TypeError rather than another function', () => {
    expect(() => ops.unary({ op: 'LeakyRelu', x: floats(2) })).toThrow(new TypeError('alpha: LeakyRelu takes alpha; pass it'));
    expect(() => ops.unary({ op: 'HardSigmoid', x: floats(2), alpha: 0.2 })).toThrow(new TypeError('beta: HardSigmoid takes beta; pass it'));
  });

  it('a bad size is a RangeError naming it, however the output would have been allocated', () => {
    const x = floats(6);
    expect(() => ops.reduce({ op: 'Sum', x, outer: -1, axisSize: 6, inner: 1 }))
      .toThrow(new RangeError('outer: expected an integer in [0, 9007199254740991]'));
    expect(() => ops.softmax({ x, outer: 1, axisSize: 6.5, inner: 1 })).toThrow(/^axisSize: expected an integer/);
    expect(() => ops.layerNorm({ x, rows: 2, cols: Number.NaN, epsilon: 1e-5 })).toThrow(/^cols: expected an integer/);
    expect(() => ops.reduce({ op: 'Sum', x, outer: 2 ** 40, axisSize: 2 ** 20, inner: 2 ** 10 })).toThrow(RangeError);
  });

  it('argmax over an empty axis has no answer', () => {
    expect(() => ops.argReduce({ op: 'ArgMax', x: new Float32Array(0), outer: 2, axisSize: 0, inner: 1 }))
      .toThrow(new RangeError('axisSize: expected at least 1 (an empty axis has no index of its extreme)'));
  });

  it('shapes that are not shapes are refused by name', () => {
    expect(() => ops.binary({ op: 'Add', a: floats(2), aShape: [2, -1], b: floats(2), bShape: [2] }))
      .toThrow(new RangeError('Add: shape [2, -1] has -1 at axis 1; expected a non-negative integer'));
    expect(() => ops.matMul({ a: floats(2), aShape: 'x' as never, b: floats(2), bShape: [2] }))
      .toThrow(new TypeError('MatMul a: expected a shape (an array of dimensions), got string'));
  });
});

describe('the binding checks strides itself', () => {
  const call = (changes: Call) => () => addon.binary({
    op: 'Add', shape: [2, 3], a: floats(6), aStrides: [3, 1], b: floats(3), bStrides: [0, 1], output: new Float32Array(6),
    ...changes,
  } as never);

  it('accepts the strides of a broadcast read', () => {
    expect(call({})).not.toThrow();
  });

  it('refuses strides that reach past the operand, or that leave some of it unread', () => {
    expect(call({ aStrides: [4, 1] })).toThrow(new RangeError('a: expected 7 elements, got 6'));
    expect(call({ bStrides: [1, 1] })).toThrow(new RangeError('b: expected 4 elements, got 3'));
    expect(call({ aStrides: [2 ** 52, 2 ** 52] })).toThrow(RangeError);
  });

  it('refuses negative strides, a stride per axis missing, and ranks above 8', () => {
    expect(call({ aStrides: [-3, 1] })).toThrow(new RangeError('aStrides[0]: expected an integer in [0, 9007199254740991]'));
    expect(call({ bStrides: [1] })).toThrow(new RangeError('bStrides: expected 2 strides (one per axis of the shape), got 1'));
    expect(call({ shape: new Array(9).fill(1), aStrides: new Array(9).fill(0), bStrides: new Array(9).fill(0) }))
      .toThrow(new RangeError('shape: expected at most 8 entries, got 9'));
    expect(call({ shape: 'x' })).toThrow(new TypeError('shape: expected an array of integers'));
  });

  it('refuses a matMul batch stride past the operand, and a gemm c stride', () => {
    const matMul = (changes: Call) => () => addon.matMul({
      a: floats(12), aBatchStrides: [6], b: floats(6), bBatchStrides: [0], m: 2, n: 2, k: 3, batchShape: [2],
      output: new Float32Array(8), ...changes,
    } as never);
    expect(matMul({})).not.toThrow();
    expect(matMul({ aBatchStrides: [7] })).toThrow(new RangeError('a: expected 13 elements, got 12'));
    expect(matMul({ m: 2 ** 31 })).toThrow(RangeError);
    const gemm = (changes: Call) => () => addon.gemm({
      a: floats(6), transA: false, b: floats(12), transB: false, m: 2, n: 4, k: 3, alpha: 1, beta: 1, c: floats(4),
      cStrides: [0, 1], output: new Float32Array(8), ...changes,
    } as never);
    expect(gemm({})).not.toThrow();
    expect(gemm({ cStrides: [4, 1] })).toThrow(new RangeError('c: expected 8 elements, got 4'));
  });
});
