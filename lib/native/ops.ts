// Tensor ops on the addon, for the layers around an RNN (ONNX operators, Keras layers): MatMul and
// Gemm through sgemm, elementwise ops with numpy broadcasting, reductions, softmax, normalizations,
// row gathers and argmax, all computed natively. This file is the contract those layers code against.
//
// Conventions, for every function:
// - One options object; it returns its result. Tensors are dense, row-major Float32Arrays unless a
//   field says otherwise. `output`, when given, receives the result (and is returned); when absent a
//   new array is allocated. Elementwise ops, softmax and the normalizations may write in place
//   (`output` the very input); any other overlap between `output` and an input is a RangeError.
// - Ops along one axis see x as [outer, axisSize, inner] (axisView() computes these from a shape).
// - The caller validates shapes against its model. The binding checks what memory safety needs:
//   every array's type and length against the sizes given (a TypeError or RangeError naming the
//   field), detached buffers, overlap, gather indices. Functions taking shapes (binary, compare,
//   where, matMul, gemm) also throw a RangeError when the shapes do not fit together.
// - NaN propagates as in numpy and PyTorch: Max/Min and reductions with a NaN give NaN, Relu(NaN)
//   is NaN, a NaN along a softmax axis makes that slice NaN, argmax takes a NaN as the extreme.
//   The one exception is ThresholdedRelu, which maps NaN to 0 as onnxruntime (and the RNN) do.
// - Nothing the caller passed is modified, except `output`. Each field is read once, here, and the
//   binding gets a fresh plain object: no getter of the caller's runs between a check and a use.
// - Calls are synchronous and single-threaded, and allocate no native memory.
import { formatShape, sizeOf } from '../tensor';
import { realLength, typedArrayKind, type TypedArray } from '../typed-arrays';
import { addon } from './binding';
import { broadcastShapes, broadcastStrides, checkShape } from './broadcast';
import type { ArgReduceOp, BinaryOp, CompareOp, IndexArray, MaskArray, ReduceOp, UnaryOp } from './ops-binding';

export type { ArgReduceOp, BinaryOp, CompareOp, IndexArray, MaskArray, ReduceOp, UnaryOp } from './ops-binding';
export { axisView, broadcastShapes, broadcastStrides, rowMajorStrides } from './broadcast';

/** A result with the shape the op computed. */
export interface Shaped<T> {
  data: T;
  shape: number[];
}

/** x seen as [outer, axisSize, inner] around the axis an op works along. */
export interface AxisSizes {
  outer: number;
  axisSize: number;
  inner: number;
}

// The elements `value` really has; 0 for anything but a typed array, which the binding then refuses by name.
function lengthOf(value: unknown): number {
  return typedArrayKind(value) ? realLength(value as TypedArray) : 0;
}

// An output of `count` elements. A count that is no array length comes from a size argument the
// binding will refuse by name, so an empty array is passed on for it to do so.
function allocate<T>(Type: new (length: number) => T, count: number): T {
  if (!Number.isSafeInteger(count) || count < 0) return new Type(0);
  try {
    return new Type(count);
  } catch {
    throw new RangeError(`output: cannot allocate ${count} elements`);
  }
}

// ---------------------------------------------------------------------------------------------
// Elementwise

/**
 * alpha and beta of the activations that take them, as the RNN kernel defines them (lib/activations.ts
 * resolves framework names and defaults: onnxActivation, kerasActivation):
 * LeakyRelu, ThresholdedRelu, Elu: alpha. Affine: alpha x + beta. ScaledTanh: alpha tanh(beta x).
 * HardSigmoid: max(0, min(1, alpha x + beta)). Selu: beta (ONNX gamma) * elu(x, alpha).
 * They are required, as a forgotten one would silently give another function.
 */
const ACTIVATION_PARAMETERS: Partial<Record<UnaryOp, { alpha: boolean; beta: boolean }>> = {
  LeakyRelu: { alpha: true, beta: false },
  ThresholdedRelu: { alpha: true, beta: false },
  Elu: { alpha: true, beta: false },
  Affine: { alpha: true, beta: true },
  ScaledTanh: { alpha: true, beta: true },
  HardSigmoid: { alpha: true, beta: true },
  Selu: { alpha: true, beta: true },
};

export interface UnaryOptions {
  /**
   * Tanh, Relu, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign,
   * Softplus, Selu (the RNN kernel's activations, with its code), Exp, Log, Neg, Abs, Sqrt,
   * Reciprocal, Erf, Gelu (exact, with erf), GeluTanh (the tanh approximation), Silu (x sigmoid x,
   * Keras swish), HardSwish (x HardSigmoid(x; 1/6, 1/2)), Mish (x tanh(softplus x)),
   * Clip (to [min, max]; NaN stays NaN) and Identity (a copy).
   */
  op: UnaryOp;
  x: Float32Array;
  /** Required by the ops that take them; see ACTIVATION_PARAMETERS. */
  alpha?: number;
  beta?: number;
  /** Clip's bounds; -Infinity and +Infinity when absent. */
  min?: number;
  max?: number;
  output?: Float32Array;
}

export function unary(options: UnaryOptions): Float32Array {
  const { op, x, alpha, beta, min, max } = options;
  const takes = ACTIVATION_PARAMETERS[op];
  if (takes?.alpha && alpha === undefined) throw new TypeError(`alpha: ${op} takes alpha; pass it`);
  if (takes?.beta && beta === undefined) throw new TypeError(`beta: ${op} takes beta; pass it`);
  const output = options.output ?? allocate(Float32Array, lengthOf(x));
  addon.unary({ op, x, alpha: alpha ?? 0, beta: beta ?? 0, min: min ?? -Infinity, max: max ?? Infinity, output });
  return output;
}

export interface BinaryOptions {
  /**
   * Add, Sub, Mul, Div, Pow, Max, Min (NaN if either is NaN), PRelu (a < 0 ? b a : a, b the slope),
   * of a and b broadcast together as numpy does.
   */
  op: BinaryOp;
  a: Float32Array;
  aShape: readonly number[];
  b: Float32Array;
  bShape: readonly number[];
  /** Of the broadcast shape; may be a or b when that one has the broadcast shape itself. */
  output?: Float32Array;
}

export function binary(options: BinaryOptions): Shaped<Float32Array> {
  const { op, a, aShape, b, bShape } = options;
  const shape = broadcastShapes([aShape, bShape], op);
  const output = options.output ?? allocate(Float32Array, sizeOf(shape));
  addon.binary({ op, shape, a, aStrides: broadcastStrides(aShape, shape), b, bStrides: broadcastStrides(bShape, shape), output });
  return { data: output, shape };
}

export interface CompareOptions<T extends MaskArray> {
  /** Equal, Less, LessOrEqual, Greater, GreaterOrEqual (false with a NaN), broadcast as numpy does. */
  op: CompareOp;
  a: Float32Array;
  aShape: readonly number[];
  b: Float32Array;
  bShape: readonly number[];
  /** 1 where the comparison holds, else 0: a Uint8Array when absent, or any MaskArray of the broadcast size. */
  output?: T;
}

export function compare<T extends MaskArray = Uint8Array>(options: CompareOptions<T>): Shaped<T> {
  const { op, a, aShape, b, bShape } = options;
  const shape = broadcastShapes([aShape, bShape], op);
  const output = options.output ?? (allocate(Uint8Array, sizeOf(shape)) as MaskArray as T);
  addon.compare({ op, shape, a, aStrides: broadcastStrides(aShape, shape), b, bStrides: broadcastStrides(bShape, shape), output });
  return { data: output, shape };
}

export interface WhereOptions {
  /** Nonzero (NaN included) picks x, zero picks y. */
  condition: MaskArray;
  conditionShape: readonly number[];
  x: Float32Array;
  xShape: readonly number[];
  y: Float32Array;
  yShape: readonly number[];
  output?: Float32Array;
}

/** ONNX Where and numpy.where: the three broadcast together. */
export function where(options: WhereOptions): Shaped<Float32Array> {
  const { condition, conditionShape, x, xShape, y, yShape } = options;
  const shape = broadcastShapes([conditionShape, xShape, yShape], 'Where');
  const output = options.output ?? allocate(Float32Array, sizeOf(shape));
  addon.where({
    shape,
    condition,
    conditionStrides: broadcastStrides(conditionShape, shape),
    x,
    xStrides: broadcastStrides(xShape, shape),
    y,
    yStrides: broadcastStrides(yShape, shape),
    output,
  });
  return { data: output, shape };
}

// ---------------------------------------------------------------------------------------------
// Matrix products

export interface GemmOptions {
  /** [M, K], or [K, M] with transA. */
  a: Float32Array;
  aShape: readonly number[];
  /** [K, N], or [N, K] with transB. */
  b: Float32Array;
  bShape: readonly number[];
  transA?: boolean;
  transB?: boolean;
  /** 1 when absent. */
  alpha?: number;
  beta?: number;
  /** Broadcast to [M, N] as ONNX Gemm allows: [], [N], [1, N], [M, 1], [M, N]. Not read when beta is 0. */
  c?: Float32Array | null;
  /** Required with c. */
  cShape?: readonly number[];
  output?: Float32Array;
}

/** ONNX Gemm: output [M, N] = alpha op(a) op(b) + beta c, through sgemm. */
export function gemm(options: GemmOptions): Shaped<Float32Array> {
  const { a, aShape, b, bShape, c } = options;
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  checkShape(aShape, 'Gemm a');
  checkShape(bShape, 'Gemm b');
  if (aShape.length !== 2 || bShape.length !== 2) {
    throw new RangeError(`Gemm: expected 2-D a and b, got shapes ${formatShape(aShape)} and ${formatShape(bShape)}`);
  }
  const [m, k] = transA ? [aShape[1], aShape[0]] : [aShape[0], aShape[1]];
  const [kb, n] = transB ? [bShape[1], bShape[0]] : [bShape[0], bShape[1]];
  if (k !== kb) {
    throw new RangeError(`Gemm: a ${formatShape(aShape)}${transA ? ' (transposed)' : ''} and b ${formatShape(bShape)}${transB ? ' (transposed)' : ''} ` +
      `do not multiply (${k} columns against ${kb} rows)`);
  }
  const shape = [m, n];
  let cStrides = [0, 0];
  if (c) {
    const cShape = options.cShape;
    if (!cShape) throw new TypeError('cShape: required with c');
    if (cShape.length > 2 || broadcastShapes([cShape, shape], 'Gemm c').some((dim, i) => dim !== shape[i])) {
      throw new RangeError(`Gemm: c of shape ${formatShape(cShape)} does not broadcast to the output's ${formatShape(shape)}`);
    }
    cStrides = broadcastStrides(cShape, shape);
  }
  const output = options.output ?? allocate(Float32Array, m * n);
  addon.gemm({
    a, transA, b, transB, m, n, k, alpha: options.alpha ?? 1, beta: options.beta ?? 1, c: c ?? null, cStrides, output,
  });
  return { data: output, shape };
}

export interface MatMulOptions {
  a: Float32Array;
  aShape: readonly number[];
  b: Float32Array;
  bShape: readonly number[];
  output?: Float32Array;
}

/**
 * numpy.matmul and ONNX MatMul: [..., M, K] x [..., K, N] with the batch axes broadcast (no copy is
 * made), a 1-D a as [1, K] and a 1-D b as [K, 1] with that axis dropped from the result. A batch
 * of inputs against one weight matrix is a single sgemm.
 */
export function matMul(options: MatMulOptions): Shaped<Float32Array> {
  const { a, aShape, b, bShape } = options;
  checkShape(aShape, 'MatMul a');
  checkShape(bShape, 'MatMul b');
  if (aShape.length === 0 || bShape.length === 0) {
    throw new RangeError(`MatMul: expected operands of at least 1 dimension, got shapes ${formatShape(aShape)} and ${formatShape(bShape)}`);
  }
  const aMatrix = aShape.length === 1 ? [1, aShape[0]] : aShape.slice(-2);
  const bMatrix = bShape.length === 1 ? [bShape[0], 1] : bShape.slice(-2);
  const [m, k] = aMatrix;
  const [kb, n] = bMatrix;
  if (k !== kb) {
    throw new RangeError(`MatMul: shapes ${formatShape(aShape)} and ${formatShape(bShape)} do not multiply (${k} columns against ${kb} rows)`);
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batchShape = broadcastShapes([aBatch, bBatch], 'MatMul');
  const shape = [...batchShape, ...(aShape.length === 1 ? [] : [m]), ...(bShape.length === 1 ? [] : [n])];
  const output = options.output ?? allocate(Float32Array, sizeOf(batchShape) * m * n);
  addon.matMul({
    a,
    aBatchStrides: broadcastStrides(aBatch, batchShape, m * k),
    b,
    bBatchStrides: broadcastStrides(bBatch, batchShape, k * n),
    m,
    n,
    k,
    batchShape,
    output,
  });
  return { data: output, shape };
}

// ---------------------------------------------------------------------------------------------
// Along one axis

export interface ReduceOptions extends AxisSizes {
  /** Sum and Mean (accumulated in double), Max, Min. Over an empty axis: 0, NaN, -Infinity, +Infinity. */
  op: ReduceOp;
  x: Float32Array;
  /** [outer, inner]. */
  output?: Float32Array;
}

export function reduce(options: ReduceOptions): Float32Array {
  const { op, x, outer, axisSize, inner } = options;
  const output = options.output ?? allocate(Float32Array, outer * inner);
  addon.reduce({ op, x, outer, axisSize, inner, output });
  return output;
}

export interface MaskedReduceOptions extends AxisSizes {
  op: ReduceOp;
  x: Float32Array;
  /** [outer, axisSize]: only the positions where it is nonzero take part; the others are not read. */
  mask: Uint8Array;
  /**
   * What a row with no position kept gives (Sum always gives 0). NaN when absent, which is what
   * Keras' GlobalAveragePooling1D computes there (0 / 0).
   */
  emptyValue?: number;
  /** [outer, inner]. */
  output?: Float32Array;
}

/** Keras' mask-aware pooling over time: the reduction of the kept steps only. */
export function maskedReduce(options: MaskedReduceOptions): Float32Array {
  const { op, x, mask, outer, axisSize, inner } = options;
  const output = options.output ?? allocate(Float32Array, outer * inner);
  addon.maskedReduce({ op, x, mask, outer, axisSize, inner, emptyValue: options.emptyValue ?? NaN, output });
  return output;
}

export interface ArgReduceOptions<T extends IndexArray> extends AxisSizes {
  op: ArgReduceOp;
  x: Float32Array;
  /** Ties go to the last index instead of the first (ONNX select_last_index). */
  selectLastIndex?: boolean;
  /** [outer, inner]: an Int32Array when absent, or a Float64Array. */
  output?: T;
}

/** The index of the maximum (ArgMax) or minimum (ArgMin) along the axis; axisSize must be at least 1. */
export function argReduce<T extends IndexArray = Int32Array>(options: ArgReduceOptions<T>): T {
  const { op, x, outer, axisSize, inner } = options;
  const output = options.output ?? (allocate(Int32Array, outer * inner) as IndexArray as T);
  addon.argReduce({ op, x, outer, axisSize, inner, selectLastIndex: options.selectLastIndex ?? false, output });
  return output;
}

export interface SoftmaxOptions extends AxisSizes {
  x: Float32Array;
  /** As x; may be x. */
  output?: Float32Array;
}

/** exp(x - max) / sum(exp(x - max)) along the axis. */
export function softmax(options: SoftmaxOptions): Float32Array {
  return softmaxOf(options, false);
}

/** (x - max) - log(sum(exp(x - max))) along the axis. */
export function logSoftmax(options: SoftmaxOptions): Float32Array {
  return softmaxOf(options, true);
}

function softmaxOf(options: SoftmaxOptions, log: boolean): Float32Array {
  const { x, outer, axisSize, inner } = options;
  const output = options.output ?? allocate(Float32Array, lengthOf(x));
  addon.softmax({ x, outer, axisSize, inner, log, output });
  return output;
}

// ---------------------------------------------------------------------------------------------
// Normalization

export interface LayerNormOptions {
  /** [rows, cols], normalized over each row. */
  x: Float32Array;
  rows: number;
  cols: number;
  /** [cols] each; 1 and 0 when absent. */
  scale?: Float32Array | null;
  bias?: Float32Array | null;
  epsilon: number;
  /** As x; may be x. */
  output?: Float32Array;
}

/** (x - mean) / sqrt(variance + epsilon) * scale + bias per row, mean and (biased) variance in double. */
export function layerNorm(options: LayerNormOptions): Float32Array {
  const { x, rows, cols, epsilon } = options;
  const output = options.output ?? allocate(Float32Array, lengthOf(x));
  addon.layerNorm({ x, rows, cols, scale: options.scale ?? null, bias: options.bias ?? null, epsilon, output });
  return output;
}

export interface BatchNormOptions {
  /** [outer, channels, inner]: ONNX [N, C, D...] has outer N; Keras' channels-last [..., C] has inner 1. */
  x: Float32Array;
  outer: number;
  channels: number;
  inner: number;
  /** [channels] each; 1 and 0 when absent. */
  scale?: Float32Array | null;
  bias?: Float32Array | null;
  /** [channels]: the running (moving) statistics. */
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
  /** As x; may be x. */
  output?: Float32Array;
}

/** Batch normalization in inference form: (x - mean) * scale / sqrt(variance + epsilon) + bias per channel. */
export function batchNorm(options: BatchNormOptions): Float32Array {
  const { x, outer, channels, inner, mean, variance, epsilon } = options;
  const output = options.output ?? allocate(Float32Array, lengthOf(x));
  addon.batchNorm({
    x, outer, channels, inner, scale: options.scale ?? null, bias: options.bias ?? null, mean, variance, epsilon, output,
  });
  return output;
}

// ---------------------------------------------------------------------------------------------
// Gather

export interface GatherRowsOptions {
  /** [rows, cols]. */
  table: Float32Array;
  rows: number;
  cols: number;
  /** Each in [0, rows): the caller resolves negative indices; one outside is a RangeError naming it. */
  indices: Int32Array;
  /** [indices.length, cols]. */
  output?: Float32Array;
}

/** Keras Embedding and ONNX Gather along axis 0: output[i] = table[indices[i]]. */
export function gatherRows(options: GatherRowsOptions): Float32Array {
  const { table, rows, cols, indices } = options;
  const output = options.output ?? allocate(Float32Array, lengthOf(indices) * cols);
  addon.gatherRows({ table, rows, cols, indices, output });
  return output;
}

