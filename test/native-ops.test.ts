// The native tensor ops (lib/native/ops.ts) against the plain references of support/ops-reference:
// randomized shapes, broadcast patterns, axes and parameters within the fixtures' tolerance, and
// exact checks where the result is exact (comparisons, where, gather, argmax, NaN and infinities).
import { describe, expect, it } from 'vitest';
import * as ops from '../lib/native/ops';
import type { BinaryOp, CompareOp, ReduceOp, UnaryOp } from '../lib/native/ops';
import { expectClose, expectExact } from './support/fixtures';
import { between, pick, type Rng } from './support/fuzz-values';
import {
  refArgReduce, refBatchNorm, refBinary, refBroadcastShape, refGatherRows, refGemm, refLayerNorm, refMaskedReduce,
  refMatMul, refReduce, refSoftmax, refUnary, refWhere, type Shape,
} from './support/ops-reference';
import { mulberry32, randomFloat32 } from './support/random';

const size = (shape: Shape) => shape.reduce((n, d) => n * d, 1);
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-30, 3e38, -3e38, 20, -20];
const f32 = (values: ArrayLike<number>) => Float32Array.from(values);

/** A random shape of rank `rank` with dimensions in [lo, hi]. */
const randomShape = (rng: Rng, rank: number, lo = 1, hi = 4) => Array.from({ length: rank }, () => between(rng, lo, hi));

/** An operand shape that broadcasts to `out`: leading axes dropped at random, others kept or made 1. */
function broadcastableTo(rng: Rng, out: Shape): number[] {
  const dropped = between(rng, 0, out.length);
  return out.slice(dropped).map((dim) => (rng() < 0.35 ? 1 : dim));
}

/** Values with a few specials sprinkled in. */
function withSpecials(rng: Rng, values: Float32Array, share = 0.1): Float32Array {
  for (let i = 0; i < values.length; i++) if (rng() < share) values[i] = pick(rng, SPECIAL);
  return values;
}

describe('unary', () => {
  const PARAMETERS: Partial<Record<UnaryOp, { alpha: number; beta: number }>> = {
    LeakyRelu: { alpha: 0.1, beta: 0 }, ThresholdedRelu: { alpha: 0.5, beta: 0 }, Elu: { alpha: 0.7, beta: 0 },
    Affine: { alpha: 1.5, beta: -0.25 }, ScaledTanh: { alpha: 1.2, beta: 0.6 }, HardSigmoid: { alpha: 0.2, beta: 0.5 },
    Selu: { alpha: 1.6732632423543772, beta: 1.0507009873554805 },
  };
  const OPS: UnaryOp[] = ['Tanh', 'Relu', 'Sigmoid', 'Affine', 'LeakyRelu', 'ThresholdedRelu', 'ScaledTanh', 'HardSigmoid',
    'Elu', 'Softsign', 'Softplus', 'Selu', 'Exp', 'Log', 'Neg', 'Abs', 'Sqrt', 'Reciprocal', 'Erf', 'Gelu', 'GeluTanh', 'Silu',
    'HardSwish', 'Mish', 'Clip', 'Identity'];

  it.each(OPS)('%s matches the reference on random values', (op) => {
    const rng = mulberry32(op.length * 7919 + op.charCodeAt(0));
    for (let round = 0; round < 5; round++) {
      const x = randomFloat32(rng, between(rng, 0, 300), pick(rng, [1, 4, 12]));
      const params = { ...PARAMETERS[op], ...(op === 'Clip' ? { min: -0.5 - rng(), max: rng() } : {}) };
      expectClose(ops.unary({ op, x, ...params }), refUnary(op, x, params), `${op} round ${round}`);
    }
  });

  // ThresholdedRelu maps NaN to 0, as onnxruntime's x > alpha ? x : 0 (and the RNN kernel) do.
  it.each(OPS.filter((op) => op !== 'ThresholdedRelu'))('%s maps NaN, ±Inf and extremes as its formula does', (op) => {
    const x = f32(SPECIAL);
    const params = { ...PARAMETERS[op], ...(op === 'Clip' ? { min: -2, max: 3 } : {}) };
    const got = ops.unary({ op, x, ...params });
    expectClose(got, refUnary(op, x, params), op);
    expect(Number.isNaN(got[0])).toBe(true);
  });

  it('writes in place when output is x, and leaves x alone otherwise', () => {
    const x = f32([-2, -0.5, 0, 0.5, 2]);
    const copy = x.slice();
    const out = ops.unary({ op: 'Exp', x });
    expectExact(x, copy, 'x after a call with its own output');
    expect(ops.unary({ op: 'Exp', x, output: x })).toBe(x);
    expectExact(x, out, 'x exponentiated in place');
    ops.unary({ op: 'LeakyRelu', alpha: 0.1, x: copy, output: copy });
    expectClose(copy, refUnary('LeakyRelu', [-2, -0.5, 0, 0.5, 2], { alpha: 0.1 }), 'LeakyRelu in place');
  });

  it('Clip defaults to no bound on a side not given', () => {
    const x = f32([-5, 0, 5, NaN]);
    expectExact(ops.unary({ op: 'Clip', x, max: 1 }), [-5, 0, 1, NaN], 'max only');
    expectExact(ops.unary({ op: 'Clip', x, min: -1 }), [-1, 0, 5, NaN], 'min only');
  });
});

describe('binary with numpy broadcasting', () => {
  const OPS: BinaryOp[] = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'PRelu'];
  for (let seed = 1; seed <= 80; seed++) {
    it(`case ${seed}`, () => {
      const rng = mulberry32(5000 + seed);
      const op = OPS[seed % OPS.length];
      const out = randomShape(rng, between(rng, 0, 6), seed % 10 === 0 ? 0 : 1);
      const [aShape, bShape] = rng() < 0.5 ? [out, broadcastableTo(rng, out)] : [broadcastableTo(rng, out), out];
      const a = withSpecials(rng, randomFloat32(rng, size(aShape), 3), 0.05);
      const b = withSpecials(rng, randomFloat32(rng, size(bShape), 3), 0.05);
      const got = ops.binary({ op, a, aShape, b, bShape });
      expect(got.shape).toEqual(refBroadcastShape(aShape, bShape));
      expectClose(got.data, f32(refBinary(op, a, aShape, b, bShape)), `${op} ${JSON.stringify([aShape, bShape])}`);
    });
  }

  it('broadcasts both operands at once ([3, 1] with [4]) and keeps NaN in Max and Min', () => {
    const a = f32([1, NaN, 3]);
    const b = f32([0, 2, 4, NaN]);
    for (const op of ['Max', 'Min'] as const) {
      const got = ops.binary({ op, a, aShape: [3, 1], b, bShape: [4] });
      expect(got.shape).toEqual([3, 4]);
      expectExact(got.data, refBinary(op, a, [3, 1], b, [4]), op);
    }
  });

  it('writes in place into the operand that has the output shape', () => {
    const a = f32([1, 2, 3, 4, 5, 6]);
    const b = f32([10, 20, 30]);
    expect(ops.binary({ op: 'Add', a, aShape: [2, 3], b, bShape: [3], output: a }).data).toBe(a);
    expectExact(a, [11, 22, 33, 14, 25, 36], 'a + b in place');
  });

  it('refuses shapes that do not broadcast, naming the op and both shapes', () => {
    expect(() => ops.binary({ op: 'Mul', a: new Float32Array(6), aShape: [2, 3], b: new Float32Array(4), bShape: [4] }))
      .toThrow(new RangeError('Mul: shapes [2, 3] and [4] do not broadcast (axis -1 has 3 against 4)'));
  });
});

describe('compare', () => {
  const OPS: CompareOp[] = ['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual'];
  for (let seed = 1; seed <= 30; seed++) {
    it(`case ${seed}: exact 0/1 into every mask type`, () => {
      const rng = mulberry32(6000 + seed);
      const op = OPS[seed % OPS.length];
      const out = randomShape(rng, between(rng, 0, 5));
      const aShape = broadcastableTo(rng, out);
      const bShape = out;
      // Few distinct values, so that equality happens.
      const values = (n: number) => withSpecials(rng, Float32Array.from({ length: n }, () => between(rng, -2, 2)), 0.1);
      const a = values(size(aShape));
      const b = values(size(bShape));
      const want = refBinary(op, a, aShape, b, bShape);
      const mask = ops.compare({ op, a, aShape, b, bShape });
      expect(mask.data).toBeInstanceOf(Uint8Array);
      expectExact(mask.data, want, `${op} into Uint8Array`);
      for (const Type of [Float32Array, Float64Array, Int32Array]) {
        const output = new Type(want.length);
        expect(ops.compare({ op, a, aShape, b, bShape, output }).data).toBe(output);
        expectExact(output, want, `${op} into ${Type.name}`);
      }
    });
  }

  it('is false with NaN, and Equal holds for equal infinities and for 0 against -0', () => {
    const a = f32([NaN, NaN, Infinity, -Infinity, 0, 1]);
    const b = f32([NaN, 1, Infinity, -Infinity, -0, NaN]);
    expectExact(ops.compare({ op: 'Equal', a, aShape: [6], b, bShape: [6] }).data, [0, 0, 1, 1, 1, 0], 'Equal');
    expectExact(ops.compare({ op: 'LessOrEqual', a, aShape: [6], b, bShape: [6] }).data, [0, 0, 1, 1, 1, 0], 'LessOrEqual');
    expectExact(ops.compare({ op: 'Greater', a, aShape: [6], b, bShape: [6] }).data, [0, 0, 0, 0, 0, 0], 'Greater');
  });
});

describe('where', () => {
  for (let seed = 1; seed <= 30; seed++) {
    it(`case ${seed}: picks exactly, the three broadcast together`, () => {
      const rng = mulberry32(7000 + seed);
      const out = randomShape(rng, between(rng, 0, 5));
      const shapes = [out, broadcastableTo(rng, out), broadcastableTo(rng, out)];
      for (let i = shapes.length - 1; i > 0; i--) {
        const j = between(rng, 0, i);
        [shapes[i], shapes[j]] = [shapes[j], shapes[i]];
      }
      const [conditionShape, xShape, yShape] = shapes;
      const Type = pick(rng, [Uint8Array, Int32Array, Float32Array, Float64Array]);
      const condition = new Type(size(conditionShape)).map(() => (rng() < 0.5 ? 0 : between(rng, 1, 3)));
      const x = withSpecials(rng, randomFloat32(rng, size(xShape)));
      const y = withSpecials(rng, randomFloat32(rng, size(yShape)));
      const got = ops.where({ condition, conditionShape, x, xShape, y, yShape });
      expect(got.shape).toEqual(refBroadcastShape(conditionShape, xShape, yShape));
      expectExact(got.data, refWhere(condition, conditionShape, x, xShape, y, yShape), JSON.stringify(shapes));
    });
  }

  it('takes a NaN condition as true, as numpy takes bool(nan)', () => {
    const got = ops.where({ condition: f32([NaN, 0]), conditionShape: [2], x: f32([1, 1]), xShape: [2], y: f32([2]), yShape: [] });
    expectExact(got.data, [1, 2], 'where(NaN)');
  });
});

describe('gemm', () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`case ${seed}`, () => {
      const rng = mulberry32(8000 + seed);
      const [m, n, k] = [between(rng, seed % 13 === 0 ? 0 : 1, 9), between(rng, 1, 9), between(rng, seed % 11 === 0 ? 0 : 1, 9)];
      const transA = rng() < 0.5;
      const transB = rng() < 0.5;
      const aShape = transA ? [k, m] : [m, k];
      const bShape = transB ? [n, k] : [k, n];
      const cShape = pick(rng, [null, [], [1], [n], [1, n], [m, 1], [m, n], [1, 1]]);
      const alpha = pick(rng, [1, 0.5, -2]);
      const beta = pick(rng, [1, 0, 0.25]);
      const a = randomFloat32(rng, m * k);
      const b = randomFloat32(rng, k * n);
      const c = cShape ? randomFloat32(rng, size(cShape)) : undefined;
      const got = ops.gemm({ a, aShape, b, bShape, transA, transB, alpha, beta, c, cShape: cShape ?? undefined });
      expect(got.shape).toEqual([m, n]);
      const want = refGemm({ a, aShape, b, bShape, transA, transB, alpha, beta, c, cShape: cShape ?? undefined });
      expectClose(got.data, want, JSON.stringify({ m, n, k, transA, transB, cShape, alpha, beta }));
    });
  }

  it('refuses a c that does not broadcast to [M, N] and mismatched inner sizes', () => {
    const a = new Float32Array(6);
    expect(() => ops.gemm({ a, aShape: [2, 3], b: a, bShape: [3, 2], c: new Float32Array(2), cShape: [2, 2, 1] }))
      .toThrow(new RangeError('Gemm: c of shape [2, 2, 1] does not broadcast to the output\'s [2, 2]'));
    expect(() => ops.gemm({ a, aShape: [2, 3], b: a, bShape: [2, 3] }))
      .toThrow(new RangeError('Gemm: a [2, 3] and b [2, 3] do not multiply (3 columns against 2 rows)'));
    expect(() => ops.gemm({ a, aShape: [2, 3], b: a, bShape: [3, 2], c: new Float32Array(2) }))
      .toThrow(new TypeError('cShape: required with c'));
  });
});

describe('matMul (numpy broadcasting, 1-D operands)', () => {
  for (let seed = 1; seed <= 50; seed++) {
    it(`case ${seed}`, () => {
      const rng = mulberry32(9000 + seed);
      const [m, n, k] = [between(rng, 1, 6), between(rng, 1, 6), between(rng, seed % 17 === 0 ? 0 : 1, 6)];
      const batch = randomShape(rng, between(rng, 0, 3), 1, 3);
      const aBatch = broadcastableTo(rng, batch);
      const bBatch = broadcastableTo(rng, batch);
      const aShape = seed % 7 === 0 ? [k] : [...aBatch, m, k];
      const bShape = seed % 5 === 0 ? [k] : [...bBatch, k, n];
      const a = randomFloat32(rng, size(aShape));
      const b = randomFloat32(rng, size(bShape));
      const got = ops.matMul({ a, aShape, b, bShape });
      const want = refMatMul(a, aShape, b, bShape);
      expect(got.shape).toEqual(want.shape);
      expectClose(got.data, want.data, JSON.stringify([aShape, bShape]));
    });
  }

  it('a batch of sequences against one weight matrix ([B, T, K] x [K, N]), the single-sgemm case', () => {
    const rng = mulberry32(31);
    const a = randomFloat32(rng, 4 * 7 * 5);
    const b = randomFloat32(rng, 5 * 3);
    const got = ops.matMul({ a, aShape: [4, 7, 5], b, bShape: [5, 3] });
    expect(got.shape).toEqual([4, 7, 3]);
    expectClose(got.data, refMatMul(a, [4, 7, 5], b, [5, 3]).data, '[4, 7, 5] x [5, 3]');
  });

  it('one matrix against a batch ([M, K] x [B, K, N]) and a broadcast of both batch shapes', () => {
    const rng = mulberry32(32);
    const a = randomFloat32(rng, 2 * 1 * 3 * 4);
    const b = randomFloat32(rng, 1 * 5 * 4 * 2);
    const got = ops.matMul({ a, aShape: [2, 1, 3, 4], b, bShape: [5, 4, 2] });
    expect(got.shape).toEqual([2, 5, 3, 2]);
    expectClose(got.data, refMatMul(a, [2, 1, 3, 4], b, [5, 4, 2]).data, 'broadcast batches');
    const single = ops.matMul({ a: a.subarray(0, 12), aShape: [3, 4], b, bShape: [5, 4, 2] });
    expectClose(single.data, refMatMul(a.subarray(0, 12), [3, 4], b, [5, 4, 2]).data, 'one matrix, batched b');
  });

  it('refuses operands that do not multiply, and scalars', () => {
    expect(() => ops.matMul({ a: new Float32Array(6), aShape: [2, 3], b: new Float32Array(4), bShape: [2, 2] }))
      .toThrow(new RangeError('MatMul: shapes [2, 3] and [2, 2] do not multiply (3 columns against 2 rows)'));
    expect(() => ops.matMul({ a: new Float32Array(1), aShape: [], b: new Float32Array(1), bShape: [1] }))
      .toThrow(RangeError);
  });
});

/** A random [outer, axisSize, inner] split, with an empty axis now and then. */
function randomAxis(rng: Rng, seed: number) {
  return { outer: between(rng, 1, 5), axisSize: between(rng, seed % 9 === 0 ? 0 : 1, 40), inner: pick(rng, [1, 1, 3, 7, 300]) };
}

describe('reduce and maskedReduce', () => {
  const OPS: ReduceOp[] = ['Sum', 'Mean', 'Max', 'Min'];
  for (let seed = 1; seed <= 40; seed++) {
    it(`case ${seed}`, () => {
      const rng = mulberry32(10000 + seed);
      const op = OPS[seed % OPS.length];
      const v = randomAxis(rng, seed);
      const x = withSpecials(rng, randomFloat32(rng, v.outer * v.axisSize * v.inner, 5), 0.002);
      expectClose(ops.reduce({ op, x, ...v }), refReduce(op, x, v), `${op} ${JSON.stringify(v)}`);
      const mask = Uint8Array.from({ length: v.outer * v.axisSize }, () => (rng() < 0.6 ? 1 : 0));
      if (v.axisSize > 0) mask.fill(0, 0, v.axisSize); // the first row fully masked
      const emptyValue = pick(rng, [0, NaN]);
      expectClose(ops.maskedReduce({ op, x, mask, ...v, emptyValue }), refMaskedReduce(op, x, mask, v, emptyValue),
        `masked ${op} ${JSON.stringify(v)}`);
    });
  }

  it('gives ONNX\'s identities over an empty axis', () => {
    const x = new Float32Array(0);
    const v = { outer: 2, axisSize: 0, inner: 1 };
    expectExact(ops.reduce({ op: 'Sum', x, ...v }), [0, 0], 'Sum');
    expectExact(ops.reduce({ op: 'Mean', x, ...v }), [NaN, NaN], 'Mean');
    expectExact(ops.reduce({ op: 'Max', x, ...v }), [-Infinity, -Infinity], 'Max');
    expectExact(ops.reduce({ op: 'Min', x, ...v }), [Infinity, Infinity], 'Min');
  });

  it('propagates NaN in Max and Min wherever it stands, and never reads masked steps', () => {
    const x = f32([NaN, 1, 2, 3, 4, NaN]); // [1, 3, 2]: lanes (0, 2, 4) and (1, 3, NaN)
    const v = { outer: 1, axisSize: 3, inner: 2 };
    expectExact(ops.reduce({ op: 'Max', x, ...v }), [NaN, NaN], 'Max');
    expectExact(ops.reduce({ op: 'Min', x, ...v }), [NaN, NaN], 'Min');
    const mask = Uint8Array.from([0, 1, 0]);
    expectExact(ops.maskedReduce({ op: 'Mean', x, mask, ...v }), [2, 3], 'masked Mean skips the NaN steps');
    expectExact(ops.maskedReduce({ op: 'Max', x, mask: new Uint8Array(3), ...v }), [NaN, NaN], 'fully masked: NaN by default');
    expectExact(ops.maskedReduce({ op: 'Mean', x, mask: new Uint8Array(3), ...v, emptyValue: 0 }), [0, 0], 'emptyValue 0');
    expectExact(ops.maskedReduce({ op: 'Sum', x, mask: new Uint8Array(3), ...v }), [0, 0], 'fully masked Sum is 0');
  });
});

describe('argReduce', () => {
  for (let seed = 1; seed <= 30; seed++) {
    it(`case ${seed}: exact indices, ties and NaN as numpy`, () => {
      const rng = mulberry32(11000 + seed);
      const op = seed % 2 === 0 ? 'ArgMax' : 'ArgMin';
      const v = { outer: between(rng, 1, 4), axisSize: between(rng, 1, 30), inner: pick(rng, [1, 2, 5, 300]) };
      // Few distinct values make ties common.
      const x = withSpecials(rng, Float32Array.from({ length: v.outer * v.axisSize * v.inner }, () => between(rng, -3, 3)), 0.01);
      const selectLastIndex = rng() < 0.5;
      const want = refArgReduce(op, x, v, selectLastIndex);
      expectExact(ops.argReduce({ op, x, ...v, selectLastIndex }), want, `${op} ${JSON.stringify(v)}`);
      const wide = ops.argReduce({ op, x, ...v, selectLastIndex, output: new Float64Array(v.outer * v.inner) });
      expect(wide).toBeInstanceOf(Float64Array);
      expectExact(wide, want, `${op} into Float64Array`);
    });
  }

  it('takes the first NaN (the last with selectLastIndex), and infinities as values', () => {
    const x = f32([1, NaN, Infinity, NaN, -Infinity]);
    const v = { outer: 1, axisSize: 5, inner: 1 };
    expectExact(ops.argReduce({ op: 'ArgMax', x, ...v }), [1], 'ArgMax');
    expectExact(ops.argReduce({ op: 'ArgMin', x, ...v, selectLastIndex: true }), [3], 'ArgMin, last');
    const finite = f32([1, Infinity, -Infinity, Infinity]);
    expectExact(ops.argReduce({ op: 'ArgMax', x: finite, ...{ ...v, axisSize: 4 }, selectLastIndex: true }), [3], 'last +Inf');
    expectExact(ops.argReduce({ op: 'ArgMin', x: finite, ...{ ...v, axisSize: 4 } }), [2], '-Inf');
  });
});

describe('softmax and logSoftmax', () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`case ${seed}`, () => {
      const rng = mulberry32(12000 + seed);
      const v = randomAxis(rng, seed);
      const x = randomFloat32(rng, v.outer * v.axisSize * v.inner, pick(rng, [1, 10, 80]));
      expectClose(ops.softmax({ x, ...v }), refSoftmax(x, v, false), `softmax ${JSON.stringify(v)}`);
      expectClose(ops.logSoftmax({ x, ...v }), refSoftmax(x, v, true), `logSoftmax ${JSON.stringify(v)}`);
    });
  }

  it('does not overflow for large logits, and a NaN or +Inf makes its own slice NaN only', () => {
    const x = f32([1000, 1001, 1002, 1, NaN, 3, 1, Infinity, 3, -Infinity, 0, -Infinity]);
    const v = { outer: 4, axisSize: 3, inner: 1 };
    for (const log of [false, true]) {
      const got = log ? ops.logSoftmax({ x, ...v }) : ops.softmax({ x, ...v });
      expectClose(got, refSoftmax(x, v, log), log ? 'logSoftmax' : 'softmax');
      expect(Array.from(got.subarray(0, 3)).every(Number.isFinite)).toBe(true);
      expect(Array.from(got.subarray(3, 6)).every(Number.isNaN)).toBe(true);
    }
    expectExact(ops.softmax({ x, ...v }).subarray(9), [0, 1, 0], 'softmax with -Inf');
  });

  it('writes in place, along a middle axis too', () => {
    const rng = mulberry32(33);
    const v = { outer: 2, axisSize: 5, inner: 70 };
    const x = randomFloat32(rng, 700, 4);
    const want = refSoftmax(x, v, false);
    expect(ops.softmax({ x, ...v, output: x })).toBe(x);
    expectClose(x, want, 'in place');
  });
});

describe('layerNorm and batchNorm', () => {
  for (let seed = 1; seed <= 30; seed++) {
    it(`case ${seed}`, () => {
      const rng = mulberry32(13000 + seed);
      const rows = between(rng, 0, 6);
      const cols = pick(rng, [1, 2, 7, 64, 300]);
      // An offset mean checks that the variance is computed around it.
      const x = randomFloat32(rng, rows * cols, 3).map((value) => value + (seed % 3 === 0 ? 500 : 0));
      const scale = rng() < 0.7 ? randomFloat32(rng, cols, 2) : null;
      const bias = rng() < 0.7 ? randomFloat32(rng, cols, 2) : null;
      const epsilon = pick(rng, [1e-5, 1e-3]);
      expectClose(ops.layerNorm({ x, rows, cols, scale, bias, epsilon }), refLayerNorm(x, rows, cols, scale, bias, epsilon),
        `layerNorm ${JSON.stringify({ rows, cols, epsilon })}`);

      const [outer, channels, inner] = [between(rng, 1, 4), between(rng, 1, 6), pick(rng, [1, 5, 40])];
      const p = {
        outer, channels, inner, epsilon,
        scale: rng() < 0.7 ? randomFloat32(rng, channels, 2) : null,
        bias: rng() < 0.7 ? randomFloat32(rng, channels, 2) : null,
        mean: randomFloat32(rng, channels, 2),
        variance: Float32Array.from(randomFloat32(rng, channels, 2), Math.abs),
      };
      const y = randomFloat32(rng, outer * channels * inner, 3);
      expectClose(ops.batchNorm({ x: y, ...p }), refBatchNorm(y, p), `batchNorm ${JSON.stringify({ outer, channels, inner })}`);
    });
  }

  it('normalizes in place, and a row of one value gives 0 (plus bias)', () => {
    const x = f32([5, 5, 5, 1, 2, 3]);
    const want = refLayerNorm(x, 2, 3, null, f32([1, 2, 3]), 1e-5);
    expect(ops.layerNorm({ x, rows: 2, cols: 3, bias: f32([1, 2, 3]), epsilon: 1e-5, output: x })).toBe(x);
    expectClose(x, want, 'in place');
    expectExact(x.subarray(0, 3), [1, 2, 3], 'constant row');
  });
});

describe('gatherRows', () => {
  it('copies the rows exactly, repeats included', () => {
    const rng = mulberry32(34);
    const table = withSpecials(rng, randomFloat32(rng, 11 * 6));
    const indices = Int32Array.from({ length: 40 }, () => between(rng, 0, 10));
    expectExact(ops.gatherRows({ table, rows: 11, cols: 6, indices }), refGatherRows(table, 6, indices), 'gather');
    expect(ops.gatherRows({ table, rows: 11, cols: 6, indices: new Int32Array(0) })).toHaveLength(0);
  });
});
