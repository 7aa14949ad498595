// The checks of one forward call: the input's geometry, lengths, the signal and the caller's output
// buffers, each refused with a message naming the argument.
import { ShapeError } from '../errors';
import { MAX_KERNEL_SIZE } from '../limits';
import type { KernelOutputs } from '../native/binding';
import { checkOptionsObject } from '../options';
import { newResultArray } from '../result-pool';
import { checkFloat32Array, describe, formatShape, formatValue, sizeOf } from '../tensor';
import { isDetached, isShared, realLength, typedArrayKind, type TypedArray } from '../typed-arrays';

/** A RangeError naming the argument when steps or batch is past what the kernel takes (an empty tensor may claim any). */
export function checkSequenceSize(steps: number, batch: number, shape: readonly number[], name: string): void {
  if (steps > MAX_KERNEL_SIZE || batch > MAX_KERNEL_SIZE) {
    throw new ShapeError(`${name}: shape ${formatShape(shape)} has a sequence length or batch above 2^31-1, the most the kernel takes`);
  }
}

/** How many elements a lengths array holds: a typed array's real count, an array's length read once. */
function countOf(value: unknown, batch: number): number {
  if (Array.isArray(value)) return value.length;
  if (typedArrayKind(value) === undefined) {
    throw new TypeError(`lengths: expected an array or Int32Array of ${batch} integers, got ${describe(value)}`);
  }
  if (isDetached(value as TypedArray)) throw new TypeError('lengths: the ArrayBuffer is detached (transferred)');
  return realLength(value as TypedArray);
}

/** PyTorch packed-sequence lengths: one per sequence, each in [1, steps]; copied as they are checked. */
export function checkLengths(value: unknown, batch: number, steps: number): Int32Array {
  const count = countOf(value, batch);
  if (count !== batch) throw new ShapeError(`lengths: expected ${batch} lengths (one per sequence), got ${count}`);
  const given = value as ArrayLike<unknown>;
  const lengths = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const length = given[b];
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > steps) {
      throw new RangeError(`lengths[${b}]: expected an integer in [1, ${steps}] (the sequence length T), got ${formatValue(length)}`);
    }
    lengths[b] = length;
  }
  return lengths;
}

export function checkSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw new TypeError(`signal: expected an AbortSignal, got ${describe(value)}`);
  return value;
}

/** A caller's output buffer of exactly `size` elements, or a new one when none is given. */
export function outputBuffer(given: unknown, size: number, name: string): Float32Array {
  if (given === undefined) return newResultArray(size);
  const buffer = checkFloat32Array(given, name);
  const length = realLength(buffer);
  if (length !== size) throw new ShapeError(`${name}: expected a Float32Array of ${size} elements, got ${length}`);
  // The result hands this very array back, so its .length must tell the truth too.
  if (buffer.length !== length) throw new TypeError(`${name}: its length property says ${buffer.length}, but it holds ${length} elements`);
  return buffer;
}

/** Where an async call writes its results: both given over a SharedArrayBuffer, or null for new buffers. */
export function sharedOutputs(given: unknown, shapes: { output: number[]; hn: number[] }): KernelOutputs | null {
  if (given === undefined || given === null) return null;
  const outs = checkOptionsObject(given, ['output', 'hn'], 'out');
  const buffers = { output: outs.output, hn: outs.hn };
  for (const name of ['output', 'hn'] as const) {
    if (buffers[name] === undefined) throw new TypeError(`out.${name}: expected a Float32Array over a SharedArrayBuffer, got undefined`);
    const buffer = outputBuffer(buffers[name], sizeOf(shapes[name]), `out.${name}`);
    if (!isShared(buffer)) {
      throw new TypeError(`out.${name}: expected a Float32Array over a SharedArrayBuffer, got one over an ArrayBuffer `
        + '(forwardAsync writes while your code runs, and an ArrayBuffer could be transferred meanwhile)');
    }
    buffers[name] = buffer;
  }
  return buffers as KernelOutputs;
}
