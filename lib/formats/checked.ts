// Checked sizes for shapes read from files: a header may claim anything, so every element count
// and byte length is proven to be a safe integer, and within what the file holds, before allocating.
import { MalformedFileError } from '../errors';
import { MAX_KERNEL_SIZE } from '../limits';
import { formatShape } from '../tensor';

/** The largest element count any tensor may have (the native kernel's limit for one matrix). */
export const MAX_ELEMENTS = MAX_KERNEL_SIZE;

/** Checks one dimension read from a file: a non-negative safe integer. */
export function checkDim(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new MalformedFileError(`${what}: expected a non-negative integer dimension, got ${String(value)}`);
  }
  return value;
}

/** The element count of `shape`, or a RangeError when it is not a safe integer or above `limit`. */
export function elementCount(shape: readonly number[], what: string, limit = MAX_ELEMENTS): number {
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (!Number.isSafeInteger(count) || count > limit) {
      throw new MalformedFileError(`${what}: shape ${formatShape(shape)} has more than ${limit} elements`);
    }
  }
  return count;
}

/** Element count times item size, checked to fit in `available` bytes before anything is allocated. */
export function checkedByteLength(shape: readonly number[], itemSize: number, available: number, what: string, limit = MAX_ELEMENTS): number {
  const bytes = elementCount(shape, what, limit) * itemSize;
  if (bytes > available) {
    throw new MalformedFileError(`${what}: shape ${formatShape(shape)} needs ${bytes} bytes, only ${available} are present`);
  }
  return bytes;
}
