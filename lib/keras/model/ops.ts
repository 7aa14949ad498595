// The tensor ops the Keras layers use, with the signatures of lib/native/ops.ts.
// TEMPORARY: plain JavaScript stand-ins until lib/native/ops.ts (native, being written on another
// branch) reaches main; then this file only re-exports those functions.

export type UnaryOp = 'Tanh' | 'Relu' | 'Sigmoid' | 'Affine' | 'LeakyRelu' | 'HardSigmoid' | 'Elu' | 'Softsign' | 'Softplus'
  | 'Selu' | 'Exp' | 'Gelu' | 'Silu' | 'HardSwish' | 'Mish' | 'Clip' | 'Identity';
export type BinaryOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Max' | 'Min';
export type ReduceOp = 'Sum' | 'Mean' | 'Max' | 'Min';

interface Shaped<T> { data: T; shape: number[] }
interface AxisSizes { outer: number; axisSize: number; inner: number }

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26 is too coarse; use the series / continued fraction through Math functions.
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : -y;
}

const softplus = (x: number) => (x > 20 ? x : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function unaryFunction(op: UnaryOp, alpha: number, beta: number, min: number, max: number): (x: number) => number {
  switch (op) {
    case 'Tanh': return Math.tanh;
    case 'Relu': return (x) => (x < 0 ? 0 : x);
    case 'Sigmoid': return sigmoid;
    case 'Affine': return (x) => alpha * x + beta;
    case 'LeakyRelu': return (x) => (x < 0 ? alpha * x : x);
    case 'HardSigmoid': return (x) => Math.max(0, Math.min(1, alpha * x + beta));
    case 'Elu': return (x) => (x < 0 ? alpha * (Math.exp(x) - 1) : x);
    case 'Softsign': return (x) => x / (1 + Math.abs(x));
    case 'Softplus': return softplus;
    case 'Selu': return (x) => beta * (x < 0 ? alpha * (Math.exp(x) - 1) : x);
    case 'Exp': return Math.exp;
    case 'Gelu': return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'Silu': return (x) => x * sigmoid(x);
    case 'HardSwish': return (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5));
    case 'Mish': return (x) => x * Math.tanh(softplus(x));
    case 'Clip': return (x) => (Number.isNaN(x) ? x : Math.min(max, Math.max(min, x)));
    case 'Identity': return (x) => x;
  }
}

export function unary(options: { op: UnaryOp; x: Float32Array; alpha?: number; beta?: number; min?: number; max?: number; output?: Float32Array }): Float32Array {
  const f = unaryFunction(options.op, options.alpha ?? 0, options.beta ?? 0, options.min ?? -Infinity, options.max ?? Infinity);
  const out = options.output ?? new Float32Array(options.x.length);
  for (let i = 0; i < out.length; i++) out[i] = f(options.x[i]);
  return out;
}

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[i - rank + a.length] ?? 1;
    const y = b[i - rank + b.length] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new RangeError(`shapes [${a}] and [${b}] do not broadcast`);
    return x === 1 ? y : x;
  });
}

function strides(shape: readonly number[], to: number[]): number[] {
  const out = new Array<number>(to.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const at = i + to.length - shape.length;
    out[at] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return out;
}

function eachIndex(shape: number[], sa: number[], sb: number[], visit: (o: number, ia: number, ib: number) => void): void {
  const total = shape.reduce((n, d) => n * d, 1);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < total; o++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < shape.length; d++) { ia += index[d] * sa[d]; ib += index[d] * sb[d]; }
    visit(o, ia, ib);
    for (let d = shape.length - 1; d >= 0; d--) { if (++index[d] < shape[d]) break; index[d] = 0; }
  }
}

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b, Div: (a, b) => a / b,
  Max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  Min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
};

export function binary(options: { op: BinaryOp; a: Float32Array; aShape: readonly number[]; b: Float32Array; bShape: readonly number[]; output?: Float32Array }): Shaped<Float32Array> {
  const shape = broadcastShape(options.aShape, options.bShape);
  const out = options.output ?? new Float32Array(shape.reduce((n, d) => n * d, 1));
  const f = BINARY[options.op];
  const { a, b } = options;
  eachIndex(shape, strides(options.aShape, shape), strides(options.bShape, shape), (o, ia, ib) => { out[o] = f(a[ia], b[ib]); });
  return { data: out, shape };
}

export function compare<T extends Uint8Array | Float32Array = Uint8Array>(options: { op: 'Equal'; a: Float32Array; aShape: readonly number[]; b: Float32Array; bShape: readonly number[]; output?: T }): Shaped<T> {
  const shape = broadcastShape(options.aShape, options.bShape);
  const out = (options.output ?? new Uint8Array(shape.reduce((n, d) => n * d, 1))) as T;
  const { a, b } = options;
  eachIndex(shape, strides(options.aShape, shape), strides(options.bShape, shape), (o, ia, ib) => { out[o] = a[ia] === b[ib] ? 1 : 0; });
  return { data: out, shape };
}

function reduceWith(op: ReduceOp, values: number[]): number {
  if (op === 'Sum' || op === 'Mean') {
    const sum = values.reduce((s, v) => s + v, 0);
    return op === 'Sum' ? sum : sum / values.length;
  }
  if (values.length === 0) return op === 'Max' ? -Infinity : Infinity;
  return values.reduce((m, v) => BINARY[op](m, v));
}

export function reduce(options: AxisSizes & { op: ReduceOp; x: Float32Array; output?: Float32Array }): Float32Array {
  return maskedReduce({ ...options, mask: null });
}

export function maskedReduce(options: AxisSizes & { op: ReduceOp; x: Float32Array; mask: Uint8Array | null; emptyValue?: number; output?: Float32Array }): Float32Array {
  const { op, x, mask, outer, axisSize, inner } = options;
  const out = options.output ?? new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const values: number[] = [];
      for (let k = 0; k < axisSize; k++) if (!mask || mask[o * axisSize + k]) values.push(x[(o * axisSize + k) * inner + i]);
      out[o * inner + i] = mask && values.length === 0 && op !== 'Sum' ? options.emptyValue ?? NaN : reduceWith(op, values);
    }
  }
  return out;
}

function rowsOf(x: Float32Array, outer: number, axisSize: number, inner: number, visit: (get: (k: number) => number, set: (k: number, v: number) => void) => void, out: Float32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * axisSize + k) * inner + i;
      visit((k) => x[at(k)], (k, v) => { out[at(k)] = v; });
    }
  }
}

export function softmax(options: AxisSizes & { x: Float32Array; output?: Float32Array }): Float32Array {
  return softmaxOf(options, false);
}

export function logSoftmax(options: AxisSizes & { x: Float32Array; output?: Float32Array }): Float32Array {
  return softmaxOf(options, true);
}

function softmaxOf(options: AxisSizes & { x: Float32Array; output?: Float32Array }, log: boolean): Float32Array {
  const { x, outer, axisSize, inner } = options;
  const out = options.output ?? new Float32Array(x.length);
  rowsOf(x, outer, axisSize, inner, (get, set) => {
    let max = -Infinity;
    for (let k = 0; k < axisSize; k++) max = Math.max(max, get(k));
    let sum = 0;
    for (let k = 0; k < axisSize; k++) sum += Math.exp(get(k) - max);
    for (let k = 0; k < axisSize; k++) set(k, log ? get(k) - max - Math.log(sum) : Math.exp(get(k) - max) / sum);
  }, out);
  return out;
}

export function layerNorm(options: { x: Float32Array; rows: number; cols: number; scale?: Float32Array | null; bias?: Float32Array | null; epsilon: number; output?: Float32Array }): Float32Array {
  const { x, rows, cols, scale, bias, epsilon } = options;
  const out = options.output ?? new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let c = 0; c < cols; c++) mean += x[r * cols + c];
    mean /= cols;
    let variance = 0;
    for (let c = 0; c < cols; c++) variance += (x[r * cols + c] - mean) ** 2;
    variance /= cols;
    const inv = 1 / Math.sqrt(variance + epsilon);
    for (let c = 0; c < cols; c++) out[r * cols + c] = (x[r * cols + c] - mean) * inv * (scale ? scale[c] : 1) + (bias ? bias[c] : 0);
  }
  return out;
}

export function batchNorm(options: { x: Float32Array; outer: number; channels: number; inner: number; scale?: Float32Array | null; bias?: Float32Array | null; mean: Float32Array; variance: Float32Array; epsilon: number; output?: Float32Array }): Float32Array {
  const { x, outer, channels, inner, scale, bias, mean, variance, epsilon } = options;
  const out = options.output ?? new Float32Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const factor = (scale ? scale[c] : 1) / Math.sqrt(variance[c] + epsilon);
      for (let i = 0; i < inner; i++) {
        const at = (o * channels + c) * inner + i;
        out[at] = (x[at] - mean[c]) * factor + (bias ? bias[c] : 0);
      }
    }
  }
  return out;
}

export function gatherRows(options: { table: Float32Array; rows: number; cols: number; indices: Int32Array; output?: Float32Array }): Float32Array {
  const { table, cols, indices } = options;
  const out = options.output ?? new Float32Array(indices.length * cols);
  indices.forEach((row, i) => out.set(table.subarray(row * cols, (row + 1) * cols), i * cols));
  return out;
}
