// Tensors as users hand them in (typed arrays with a shape, or nested number arrays) and the
// checks that turn a wrong one into a TypeError or RangeError naming the argument.
import { ShapeError } from './errors';
import { copyExactly, isFloat32Array, isDetached, plainFloat32Array, realLength } from './typed-arrays';

/** A dense, row-major float32 tensor. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

type Nested = number | readonly Nested[];
/** onnxruntime's tensor form, accepted wherever a Tensor is, dims being the shape (float32 unless a model input says otherwise). */
export interface OrtTensorLike<Data = Float32Array> {
  type?: string;
  data: Data;
  dims: readonly number[];
}

/** Anything accepted where a tensor is expected: a Tensor, onnxruntime's { type, data, dims }, or nested arrays of numbers. */
export type TensorLike = Tensor | OrtTensorLike | number[] | number[][] | number[][][] | readonly Nested[];

/** A shape for messages: [2, 3], or with named dimensions [batch, seq, 4]. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) {
    if (dim === 0) return 0; // not NaN when the other dimensions overflow to Infinity
    size *= dim;
  }
  return size;
}

/** How many elements come before `axis` (outer) and after it (inner), in C order. */
export function aroundAxis(shape: readonly number[], axis: number): { outer: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), inner: sizeOf(shape.slice(axis + 1)) };
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/** What a value is, for error messages: "Float64Array", "string", "null", "array", ... */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (typeof value === 'object') return value.constructor?.name === 'Object' ? 'object' : String(value.constructor?.name ?? 'object');
  return typeof value;
}

/** A value for an error message: a primitive as itself, an object by its kind (String() throws for some objects). */
export function formatValue(value: unknown): string {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') return describe(value);
  return typeof value === 'bigint' ? `${value}n` : String(value);
}

/** A genuine, attached Float32Array (judged by its internal slots, so a lookalike object fails). */
export function checkFloat32Array(value: unknown, name: string): Float32Array {
  if (!isFloat32Array(value)) {
    const got = value instanceof Float32Array ? 'an object that inherits from Float32Array but is none' : describe(value);
    throw new TypeError(`${name}: expected a Float32Array, got ${got}`);
  }
  if (isDetached(value)) throw new TypeError(`${name}: the Float32Array's ArrayBuffer is detached (transferred)`);
  return value;
}

/** Why shape[i] is not a dimension (a non-negative safe integer), or its value when it is a large one. */
function checkLargeDim(shape: readonly unknown[], i: number, name: string): number {
  const dim = shape[i];
  if (typeof dim !== 'number') {
    const got = dim === undefined && !(i in shape) ? 'a hole (the shape array is sparse)' : describe(dim);
    throw new TypeError(`${name}.shape[${i}]: expected a non-negative integer, got ${got}`);
  }
  if (!Number.isSafeInteger(dim) || dim < 0) {
    throw new RangeError(`${name}.shape[${i}]: expected a non-negative integer (at most 2^53-1), got ${dim}`);
  }
  return dim;
}

/**
 * A checked copy of a caller's shape. An index loop, as every() and reduce() skip the holes of a
 * sparse array ([, 3] would pass); the length is read once, as a proxy may change it between reads.
 */
export function checkShape(shape: unknown, name: string): number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${name}.shape: expected an array of non-negative integers, got ${describe(shape)}`);
  }
  const rank: number = shape.length;
  const dims = new Array<number>(rank); // filled below; faster than push on every forward call
  for (let i = 0; i < rank; i++) {
    const dim: unknown = shape[i];
    // The common case, a uint32, in one comparison (which also turns -0 into 0).
    dims[i] = typeof dim === 'number' && dim >>> 0 === dim ? dim >>> 0 : checkLargeDim(shape, i, name);
  }
  return dims;
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'data' in value && 'shape' in value;
}

// The most levels of nesting taken (NumPy 2's most dimensions). The conversion recurses once per
// level, and an array that contains itself would otherwise grow the shape until V8 aborts.
const MAX_NESTED_DEPTH = 64;

function nestedShape(value: readonly Nested[], name: string): number[] {
  const shape: number[] = [];
  let level: Nested = value;
  while (Array.isArray(level)) {
    if (shape.length === MAX_NESTED_DEPTH) {
      throw new RangeError(`${name}: nested arrays more than ${MAX_NESTED_DEPTH} levels deep (a tensor given as nested arrays `
        + `has at most ${MAX_NESTED_DEPTH} dimensions; an array that contains itself never ends)`);
    }
    shape.push(level.length);
    if (level.length === 0) return shape;
    level = level[0] as Nested;
  }
  if (typeof level !== 'number') throw new TypeError(`${name}: expected nested arrays of numbers, found ${describe(level)}`);
  return shape;
}

function fillFromNested(value: Nested, shape: number[], depth: number, out: Float32Array, offset: number,
  name: string, path: string): number {
  if (depth === shape.length) {
    if (typeof value !== 'number') throw new TypeError(`${name}${path}: expected a number, got ${describe(value)}`);
    out[offset] = value;
    return offset + 1;
  }
  if (!Array.isArray(value) || value.length !== shape[depth]) {
    const got = Array.isArray(value) ? `length ${value.length}` : describe(value);
    throw new TypeError(`${name}${path}: ragged nested array: expected length ${shape[depth]}, got ${got}`);
  }
  for (let i = 0; i < shape[depth]; i++) { // the checked length: a proxy's may change between reads
    offset = fillFromNested(value[i] as Nested, shape, depth + 1, out, offset, name, `${path}[${i}]`);
  }
  return offset;
}

function fromNested(value: readonly Nested[], name: string): Tensor {
  const shape = nestedShape(value, name);
  const data = new Float32Array(sizeOf(shape));
  fillFromNested(value, shape, 0, data, 0, name, '');
  return { data, shape };
}

/**
 * Converts a TensorLike into a Tensor, checking its type and that data and shape agree.
 * Typed-array data is not copied (never written); nested arrays are converted. The data's real
 * element count is what is checked, and a Float32Array subclass comes back as a plain view of the
 * same bytes, so that the result's data.length is the truth.
 */
export function toTensor(value: unknown, name: string): Tensor {
  if (Array.isArray(value)) return fromNested(value, name);
  if (isTensor(value)) {
    const data = checkFloat32Array(value.data, `${name}.data`);
    const shape = checkShape(value.shape, name);
    // Read after the shape: reading it may have run a getter that resized data's buffer.
    const length = realLength(data);
    if (sizeOf(shape) !== length) {
      throw new ShapeError(`${name}: shape ${formatShape(shape)} needs ${sizeOf(shape)} elements, data has ${length}`);
    }
    return { data: plainFloat32Array(data, length), shape };
  }
  if (ArrayBuffer.isView(value)) {
    throw new TypeError(`${name}: a bare ${describe(value)} has no shape; pass { data: Float32Array, shape: [...] } or nested arrays`);
  }
  if (isOrtTensorLike(value)) return fromOrtStyle(value, name);
  if (typeof value === 'object' && value !== null && 'data' in value) {
    throw new TypeError(`${name}: a tensor needs its shape: pass { data: Float32Array, shape: [...] } (onnxruntime's { type: 'float32', data, dims } works too)`);
  }
  throw new TypeError(`${name}: expected a tensor ({ data: Float32Array, shape }) or nested arrays of numbers, got ${describe(value)}`);
}

/** Whether `value` has onnxruntime's form ({ type, data, dims }, no shape); its own Tensor class has it too. */
export function isOrtTensorLike(value: unknown): value is { type?: unknown; data: unknown; dims: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'data' in value && 'dims' in value && !('shape' in value);
}

/** onnxruntime's { type, data, dims }: dims is the shape, and the type must be float32 (or absent). */
function fromOrtStyle(value: { type?: unknown; data: unknown; dims: unknown }, name: string): Tensor {
  const { type, data, dims } = value; // each read once: a getter runs once
  if (type !== undefined && type !== 'float32') {
    throw new TypeError(`${name}: an onnxruntime-style tensor of type ${typeof type === 'string' ? `'${type}'` : describe(type)}; this input takes float32`);
  }
  return toTensor({ data, shape: dims }, name);
}

/** Like toTensor, but a bare Float32Array is accepted and given `shape`; the result must have `shape`. */
export function toTensorOfShape(value: unknown, shape: readonly number[], name: string): Tensor {
  if (isFloat32Array(value)) return bareOfShape(value, shape, name);
  const tensor = toTensor(value, name);
  if (!shapesEqual(tensor.shape, shape)) throw new ShapeError(`${name}: expected shape ${formatShape(shape)}, got ${formatShape(tensor.shape)}`);
  return { data: tensor.data, shape: shape.slice() };
}

function bareOfShape(value: Float32Array, shape: readonly number[], name: string): Tensor {
  const length = realLength(checkFloat32Array(value, name));
  if (length !== sizeOf(shape)) {
    throw new ShapeError(`${name}: expected shape ${formatShape(shape)}, got a Float32Array of ${length} elements (needs ${sizeOf(shape)})`);
  }
  return { data: plainFloat32Array(value, length), shape: shape.slice() };
}

// Nested arrays were converted into a fresh array already; a caller's typed array is copied, and the
// copy has exactly the checked size even if a getter resized the caller's buffer since the check.
function ownedData(value: unknown, tensor: Tensor, name: string): Float32Array {
  return Array.isArray(value) ? tensor.data : copyExactly(tensor.data, sizeOf(tensor.shape), name);
}

/** toTensor, with data the caller cannot reach any more: for what is kept beyond the call (queued requests). */
export function toOwnedTensor(value: unknown, name: string): Tensor {
  const tensor = toTensor(value, name);
  return { data: ownedData(value, tensor, name), shape: tensor.shape };
}

/** toTensorOfShape's data, owned as with toOwnedTensor: for weights. */
export function copyOfShape(value: unknown, shape: readonly number[], name: string): Float32Array {
  return ownedData(value, toTensorOfShape(value, shape, name), name);
}
