// Deliberately plain references of the native tensor ops (lib/native/ops.ts), to check them
// against: one loop per element, index arithmetic spelled out, sums in float64, the result rounded
// to float32 once at the end.
import { applyActivation } from './reference';

export type Shape = readonly number[];

const product = (dims: Shape) => dims.reduce((size, dim) => size * dim, 1);

/** The index tuple of flat position `flat` in a row-major `shape`. */
export function unflatten(flat: number, shape: Shape): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis];
    flat = Math.floor(flat / shape[axis]);
  }
  return index;
}

/** The flat position in a row-major `shape` of `index`, where `shape` is aligned at the end of `index` and broadcast. */
export function broadcastFlat(index: readonly number[], shape: Shape): number {
  const offset = index.length - shape.length;
  let flat = 0;
  for (let axis = 0; axis < shape.length; axis++) {
    flat = flat * shape[axis] + (shape[axis] === 1 ? 0 : index[offset + axis]);
  }
  return flat;
}

export function refBroadcastShape(...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, axis) => {
    const dims = shapes.map((s) => s[s.length - rank + axis] ?? 1).filter((d) => d !== 1);
    return dims.length === 0 ? 1 : dims[0];
  });
}

// ---------------------------------------------------------------------------------------------
// Elementwise

/** erf by its series with positive terms (no cancellation): 2/sqrt(pi) e^-x^2 sum 2^n x^(2n+1) / (2n+1)!!. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) >= 6) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const hardSigmoid = (x: number, alpha: number, beta: number) => Math.max(0, Math.min(1, alpha * x + beta));

export interface RefUnaryParams {
  alpha?: number;
  beta?: number;
  min?: number;
  max?: number;
}

export function refUnaryScalar(op: string, x: number, p: RefUnaryParams): number {
  switch (op) {
    case 'Exp': return Math.exp(x);
    case 'Log': return Math.log(x);
    case 'Neg': return -x;
    case 'Abs': return Math.abs(x);
    case 'Sqrt': return Math.sqrt(x);
    case 'Reciprocal': return 1 / x;
    case 'Erf': return erf(x);
    case 'Gelu': return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'GeluTanh': return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    case 'Silu': return x * sigmoid(x);
    case 'HardSwish': return x * hardSigmoid(x, 1 / 6, 0.5);
    case 'Mish': return x * Math.tanh(softplus(x));
    case 'Clip': return Number.isNaN(x) ? x : Math.min(Math.max(x, p.min ?? -Infinity), p.max ?? Infinity);
    case 'Identity': return x;
    default: return applyActivation({ name: op, alpha: p.alpha, beta: p.beta }, x);
  }
}

export function refUnary(op: string, x: ArrayLike<number>, p: RefUnaryParams = {}): Float32Array {
  return Float32Array.from(x, (v) => refUnaryScalar(op, v, p));
}

export function refBinaryScalar(op: string, a: number, b: number): number {
  switch (op) {
    case 'Add': return a + b;
    case 'Sub': return a - b;
    case 'Mul': return a * b;
    case 'Div': return a / b;
    case 'Pow': return a ** b;
    case 'Max': return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
    case 'Min': return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
    case 'PRelu': return a < 0 ? b * a : a;
    case 'Equal': return a === b ? 1 : 0;
    case 'Less': return a < b ? 1 : 0;
    case 'LessOrEqual': return a <= b ? 1 : 0;
    case 'Greater': return a > b ? 1 : 0;
    case 'GreaterOrEqual': return a >= b ? 1 : 0;
    default: throw new Error(`unknown binary op ${op}`);
  }
}

/** Binary ops and comparisons, broadcast as numpy does; comparisons give 0/1. */
export function refBinary(op: string, a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape): number[] {
  const shape = refBroadcastShape(aShape, bShape);
  return Array.from({ length: product(shape) }, (_, i) => {
    const index = unflatten(i, shape);
    return refBinaryScalar(op, a[broadcastFlat(index, aShape)], b[broadcastFlat(index, bShape)]);
  });
}

export function refWhere(c: ArrayLike<number>, cShape: Shape, x: ArrayLike<number>, xShape: Shape, y: ArrayLike<number>,
  yShape: Shape): number[] {
  const shape = refBroadcastShape(cShape, xShape, yShape);
  return Array.from({ length: product(shape) }, (_, i) => {
    const index = unflatten(i, shape);
    return c[broadcastFlat(index, cShape)] !== 0 ? x[broadcastFlat(index, xShape)] : y[broadcastFlat(index, yShape)];
  });
}

// ---------------------------------------------------------------------------------------------
// Matrix products

export interface RefGemm {
  a: ArrayLike<number>;
  aShape: Shape;
  b: ArrayLike<number>;
  bShape: Shape;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  c?: ArrayLike<number>;
  cShape?: Shape;
}

export function refGemm(g: RefGemm): Float32Array {
  const [m, k] = g.transA ? [g.aShape[1], g.aShape[0]] : [g.aShape[0], g.aShape[1]];
  const n = g.transB ? g.bShape[0] : g.bShape[1];
  const aAt = (i: number, p: number) => (g.transA ? g.a[p * m + i] : g.a[i * k + p]);
  const bAt = (p: number, j: number) => (g.transB ? g.b[j * k + p] : g.b[p * n + j]);
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += aAt(i, p) * bAt(p, j);
      const c = g.c && g.beta !== 0 ? g.beta * g.c[broadcastFlat([i, j], g.cShape!)] : 0;
      out[i * n + j] = g.alpha * sum + c;
    }
  }
  return out;
}

/** numpy.matmul, 1-D operands included. */
export function refMatMul(a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape): { data: Float32Array; shape: number[] } {
  const a2 = aShape.length === 1 ? [1, aShape[0]] : aShape;
  const b2 = bShape.length === 1 ? [bShape[0], 1] : bShape;
  const [m, k] = a2.slice(-2);
  const n = b2[b2.length - 1];
  const aBatch = a2.slice(0, -2);
  const bBatch = b2.slice(0, -2);
  const batch = refBroadcastShape(aBatch, bBatch);
  const out = new Float32Array(product(batch) * m * n);
  for (let t = 0; t < product(batch); t++) {
    const index = unflatten(t, batch);
    const aBase = broadcastFlat(index, aBatch) * m * k;
    const bBase = broadcastFlat(index, bBatch) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[aBase + i * k + p] * b[bBase + p * n + j];
        out[(t * m + i) * n + j] = sum;
      }
    }
  }
  const shape = [...batch, ...(aShape.length === 1 ? [] : [m]), ...(bShape.length === 1 ? [] : [n])];
  return { data: out, shape };
}

// ---------------------------------------------------------------------------------------------
// Along one axis: x is [outer, size, inner]

export interface AxisSizes {
  outer: number;
  axisSize: number;
  inner: number;
}

/** The values along the axis at (o, i), with their positions. */
function lane(x: ArrayLike<number>, v: AxisSizes, o: number, i: number): number[] {
  return Array.from({ length: v.axisSize }, (_, s) => x[(o * v.axisSize + s) * v.inner + i]);
}

function perLane(v: AxisSizes, fn: (o: number, i: number) => number): Float32Array {
  const out = new Float32Array(v.outer * v.inner);
  for (let o = 0; o < v.outer; o++) {
    for (let i = 0; i < v.inner; i++) out[o * v.inner + i] = fn(o, i);
  }
  return out;
}

function reduceValues(op: string, values: number[]): number {
  const sum = values.reduce((acc, value) => acc + value, 0);
  const hasNaN = values.some(Number.isNaN);
  switch (op) {
    case 'Sum': return sum;
    case 'Mean': return sum / values.length;
    case 'Max': return hasNaN ? NaN : Math.max(...values);
    case 'Min': return hasNaN ? NaN : Math.min(...values);
    default: throw new Error(`unknown reduction ${op}`);
  }
}

export function refReduce(op: string, x: ArrayLike<number>, v: AxisSizes): Float32Array {
  return perLane(v, (o, i) => reduceValues(op, lane(x, v, o, i)));
}

export function refMaskedReduce(op: string, x: ArrayLike<number>, mask: ArrayLike<number>, v: AxisSizes, emptyValue: number): Float32Array {
  return perLane(v, (o, i) => {
    const kept = lane(x, v, o, i).filter((_, s) => mask[o * v.axisSize + s] !== 0);
    if (kept.length === 0) return op === 'Sum' ? 0 : emptyValue;
    return reduceValues(op, kept);
  });
}

/** numpy's argmax/argmin (a NaN is the extreme), ties to the first or, with last, the last index. */
export function refArgReduce(op: string, x: ArrayLike<number>, v: AxisSizes, last: boolean): Int32Array {
  const out = new Int32Array(v.outer * v.inner);
  for (let o = 0; o < v.outer; o++) {
    for (let i = 0; i < v.inner; i++) {
      const values = lane(x, v, o, i);
      const nans = values.flatMap((value, s) => (Number.isNaN(value) ? [s] : []));
      let pick: number;
      if (nans.length > 0) {
        pick = last ? nans[nans.length - 1] : nans[0];
      } else {
        const extreme = op === 'ArgMax' ? Math.max(...values) : Math.min(...values);
        pick = last ? values.lastIndexOf(extreme) : values.indexOf(extreme);
      }
      out[o * v.inner + i] = pick;
    }
  }
  return out;
}

export function refSoftmax(x: ArrayLike<number>, v: AxisSizes, log: boolean): Float32Array {
  const out = new Float32Array(v.outer * v.axisSize * v.inner);
  for (let o = 0; o < v.outer; o++) {
    for (let i = 0; i < v.inner; i++) {
      const values = lane(x, v, o, i);
      const max = values.some(Number.isNaN) ? NaN : Math.max(...values);
      const sum = values.reduce((acc, value) => acc + Math.exp(value - max), 0);
      values.forEach((value, s) => {
        out[(o * v.axisSize + s) * v.inner + i] = log ? value - max - Math.log(sum) : Math.exp(value - max) / sum;
      });
    }
  }
  return out;
}

export function refLayerNorm(x: ArrayLike<number>, rows: number, cols: number, scale: ArrayLike<number> | null,
  bias: ArrayLike<number> | null, epsilon: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: cols }, (_, c) => x[r * cols + c]);
    const mean = row.reduce((acc, value) => acc + value, 0) / cols;
    const variance = row.reduce((acc, value) => acc + (value - mean) ** 2, 0) / cols;
    row.forEach((value, c) => {
      out[r * cols + c] = ((value - mean) / Math.sqrt(variance + epsilon)) * (scale ? scale[c] : 1) + (bias ? bias[c] : 0);
    });
  }
  return out;
}

export interface RefBatchNorm {
  outer: number;
  channels: number;
  inner: number;
  scale: ArrayLike<number> | null;
  bias: ArrayLike<number> | null;
  mean: ArrayLike<number>;
  variance: ArrayLike<number>;
  epsilon: number;
}

export function refBatchNorm(x: ArrayLike<number>, p: RefBatchNorm): Float32Array {
  const out = new Float32Array(p.outer * p.channels * p.inner);
  for (let o = 0; o < p.outer; o++) {
    for (let c = 0; c < p.channels; c++) {
      for (let i = 0; i < p.inner; i++) {
        const at = (o * p.channels + c) * p.inner + i;
        const normalized = (x[at] - p.mean[c]) / Math.sqrt(p.variance[c] + p.epsilon);
        out[at] = normalized * (p.scale ? p.scale[c] : 1) + (p.bias ? p.bias[c] : 0);
      }
    }
  }
  return out;
}

export function refGatherRows(table: ArrayLike<number>, cols: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * cols);
  for (let i = 0; i < indices.length; i++) {
    for (let c = 0; c < cols; c++) out[i * cols + c] = table[indices[i] * cols + c];
  }
  return out;
}
