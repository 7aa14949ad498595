// The interpreter's values: float tensors (every ONNX float type) as Float32Array, integer and
// boolean tensors as Float64Array (exact up to 2^53, which covers every shape and index).

export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;
export const BOOL = 9;

/** ONNX TensorProto.DataType codes and names, for messages, as onnx.proto defines them (a test holds the two together). */
export const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED', 1: 'FLOAT', 2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64', 8: 'STRING',
  9: 'BOOL', 10: 'FLOAT16', 11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64', 14: 'COMPLEX64', 15: 'COMPLEX128',
  16: 'BFLOAT16', 17: 'FLOAT8E4M3FN', 18: 'FLOAT8E4M3FNUZ', 19: 'FLOAT8E5M2', 20: 'FLOAT8E5M2FNUZ', 21: 'UINT4', 22: 'INT4',
};

const FLOAT_TYPES = new Set([1, 10, 11, 16]);
const INTEGER_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);

export interface Value {
  /** FLOAT for every float type; the integer or BOOL code otherwise. */
  dtype: number;
  shape: number[];
  data: Float32Array | Float64Array;
}

export function typeName(dtype: number): string {
  return DATA_TYPE_NAMES[dtype] ?? `data type ${dtype}`;
}

export function isFloatType(dtype: number): boolean {
  return FLOAT_TYPES.has(dtype);
}

/** The numeric types the interpreter holds; strings, complex, float8 and 4-bit types are refused. */
export function isSupportedType(dtype: number): boolean {
  return FLOAT_TYPES.has(dtype) || INTEGER_TYPES.has(dtype);
}

export function floatValue(shape: number[], data: Float32Array): Value {
  return { dtype: FLOAT, shape, data };
}

export function intValue(shape: number[], values: ArrayLike<number>, dtype = INT64): Value {
  return { dtype, shape, data: Float64Array.from(values) };
}

/** The integers of a 0-d or 1-d integer value (axes, shapes, indices given as inputs). */
export function integersOf(value: Value, what: string): number[] {
  if (isFloatType(value.dtype)) throw new TypeError(`${what}: expected an integer tensor, got ${typeName(value.dtype)}`);
  if (value.shape.length > 1) throw new RangeError(`${what}: expected a scalar or 1-D tensor, got shape [${value.shape.join(', ')}]`);
  return Array.from(value.data);
}

/** Normalises a possibly negative axis against `rank`, or a RangeError naming `what`. */
export function normalizeAxis(axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${what}: axis ${axis} is out of range for rank ${rank} (expected ${-rank}..${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}
