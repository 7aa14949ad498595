// numpy broadcasting at the level of shapes: the output shape of operands broadcast together, and
// the element strides that read an operand over that output (0 along the axes it is broadcast on).
// The kernels take these strides, so no broadcast copy is ever made.
import { describe, formatShape } from '../tensor';

/** A RangeError naming `what` unless every dimension of `shape` is a non-negative integer. */
export function checkShape(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape)) throw new TypeError(`${what}: expected a shape (an array of dimensions), got ${describe(shape)}`);
  for (let i = 0; i < shape.length; i++) {
    const dim = shape[i];
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new RangeError(`${what}: shape ${formatShape(shape)} has ${String(dim)} at axis ${i}; expected a non-negative integer`);
    }
  }
}

/** The shape numpy broadcasting gives `shapes` (aligned at their last axes), or a RangeError naming `what`. */
export function broadcastShapes(shapes: readonly (readonly number[])[], what: string): number[] {
  for (const shape of shapes) checkShape(shape, what);
  const rank = Math.max(0, ...shapes.map((shape) => shape.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    const offset = rank - shape.length;
    for (let i = 0; i < shape.length; i++) {
      const dim = shape[i];
      if (dim === 1) continue;
      if (out[offset + i] !== 1 && out[offset + i] !== dim) {
        throw new RangeError(`${what}: shapes ${shapes.map(formatShape).join(' and ')} do not broadcast ` +
          `(axis ${offset + i - rank} has ${out[offset + i]} against ${dim})`);
      }
      out[offset + i] = dim;
    }
  }
  return out;
}

/** Row-major element strides of a contiguous tensor of `shape`. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/**
 * The strides, one per axis of `outShape`, that read a contiguous tensor of `shape` broadcast to
 * `outShape` (which broadcastShapes gave): 0 on the axes it lacks or has as 1, times `scale` (the
 * elements of each position: a matrix's size for the batch axes of MatMul).
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[], scale = 1): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = scale;
  for (let i = shape.length - 1, axis = outShape.length - 1; i >= 0; i--, axis--) {
    if (shape[i] !== 1) strides[axis] = stride;
    stride *= shape[i];
  }
  return strides;
}

/** x of `shape` seen as [outer, axisSize, inner] around `axis` (negative counts from the end). */
export function axisView(shape: readonly number[], axis: number, what: string): { outer: number; axisSize: number; inner: number } {
  const rank = shape.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${what}: axis ${String(axis)} is out of range for shape ${formatShape(shape)}`);
  }
  const at = axis < 0 ? axis + rank : axis;
  const product = (dims: readonly number[]) => dims.reduce((size, dim) => size * dim, 1);
  return { outer: product(shape.slice(0, at)), axisSize: shape[at], inner: product(shape.slice(at + 1)) };
}
