// The addon's tensor ops (native/binding/ops_binding.h), used only by lib/native/ops.ts: one plain
// object per call with every field present (null for an absent optional array), op names as
// strings that the binding maps once (native/binding/enum_names.cc). Sizes and strides count
// elements; outputs are contiguous, row-major. The binding checks each buffer's type and length
// against the sizes given, strides against their operand, and outputs against overlap.
import type { ActivationName } from './kernel-activation';

/** The RNN kernel's activations and the other elementwise functions. */
export type UnaryOp = ActivationName | 'Exp' | 'Log' | 'Neg' | 'Abs' | 'Sqrt' | 'Reciprocal' | 'Erf' | 'Gelu'
  | 'GeluTanh' | 'Silu' | 'HardSwish' | 'Mish' | 'Clip' | 'Identity';
export type BinaryOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Max' | 'Min' | 'PRelu';
export type CompareOp = 'Equal' | 'Less' | 'LessOrEqual' | 'Greater' | 'GreaterOrEqual';
export type ReduceOp = 'Sum' | 'Mean' | 'Max' | 'Min';
export type ArgReduceOp = 'ArgMax' | 'ArgMin';

/** 0/1 values: a comparison's result, Where's condition (nonzero is true). */
export type MaskArray = Uint8Array | Int32Array | Float32Array | Float64Array;
/** Indices as Int32Array, or Float64Array (an ONNX interpreter's int64 values). */
export type IndexArray = Int32Array | Float64Array;

export interface UnaryCall {
  op: UnaryOp;
  x: Float32Array;
  /** Read for activations only. */
  alpha: number;
  beta: number;
  /** Read for Clip only. */
  min: number;
  max: number;
  /** As long as x; may be x. */
  output: Float32Array;
}

/** An output of `shape`; each operand is read at sum(index[i] * strides[i]). */
export interface BinaryCall {
  op: BinaryOp;
  shape: number[];
  a: Float32Array;
  aStrides: number[];
  b: Float32Array;
  bStrides: number[];
  output: Float32Array;
}

export interface CompareCall {
  op: CompareOp;
  shape: number[];
  a: Float32Array;
  aStrides: number[];
  b: Float32Array;
  bStrides: number[];
  output: MaskArray;
}

export interface WhereCall {
  shape: number[];
  condition: MaskArray;
  conditionStrides: number[];
  x: Float32Array;
  xStrides: number[];
  y: Float32Array;
  yStrides: number[];
  output: Float32Array;
}

/** output [m, n] = alpha op(a) op(b) + beta C, with C[i, j] = c[i * cStrides[0] + j * cStrides[1]]. */
export interface GemmCall {
  a: Float32Array;
  transA: boolean;
  b: Float32Array;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  c: Float32Array | null;
  cStrides: number[];
  output: Float32Array;
}

/** One [m, k] x [k, n] product per index of batchShape; a batch's matrix starts at its strides' offset. */
export interface MatMulCall {
  a: Float32Array;
  aBatchStrides: number[];
  b: Float32Array;
  bBatchStrides: number[];
  m: number;
  n: number;
  k: number;
  batchShape: number[];
  output: Float32Array;
}

/** x seen as [outer, axisSize, inner]. */
export interface AxisCall {
  x: Float32Array;
  outer: number;
  axisSize: number;
  inner: number;
}

export interface ReduceCall extends AxisCall {
  op: ReduceOp;
  output: Float32Array;
}

export interface MaskedReduceCall extends AxisCall {
  op: ReduceOp;
  /** [outer, axisSize]. */
  mask: Uint8Array;
  emptyValue: number;
  output: Float32Array;
}

export interface ArgReduceCall extends AxisCall {
  op: ArgReduceOp;
  selectLastIndex: boolean;
  output: IndexArray;
}

export interface SoftmaxCall extends AxisCall {
  log: boolean;
  output: Float32Array;
}

export interface LayerNormCall {
  x: Float32Array;
  rows: number;
  cols: number;
  scale: Float32Array | null;
  bias: Float32Array | null;
  epsilon: number;
  output: Float32Array;
}

export interface BatchNormCall {
  x: Float32Array;
  outer: number;
  channels: number;
  inner: number;
  scale: Float32Array | null;
  bias: Float32Array | null;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
  output: Float32Array;
}

export interface GatherRowsCall {
  table: Float32Array;
  rows: number;
  cols: number;
  indices: Int32Array;
  output: Float32Array;
}

export interface OpsAddon {
  unary(call: UnaryCall): void;
  binary(call: BinaryCall): void;
  compare(call: CompareCall): void;
  where(call: WhereCall): void;
  gemm(call: GemmCall): void;
  matMul(call: MatMulCall): void;
  reduce(call: ReduceCall): void;
  maskedReduce(call: MaskedReduceCall): void;
  argReduce(call: ArgReduceCall): void;
  softmax(call: SoftmaxCall): void;
  layerNorm(call: LayerNormCall): void;
  batchNorm(call: BatchNormCall): void;
  gatherRows(call: GatherRowsCall): void;
}
