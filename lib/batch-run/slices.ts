// Cutting a tensor into slices along one axis and joining slices back: how a run in parts feeds a
// model part of the sequences at a time and assembles the outputs of every part.
import { concatBlocks } from '../concat-blocks';
import { formatShape, sizeOf, type Tensor } from '../tensor';

/** How many elements come before the axis (outer) and after it (inner), in C order. */
function around(shape: readonly number[], axis: number): { outer: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), inner: sizeOf(shape.slice(axis + 1)) };
}

/** Entries start .. start + count - 1 along `axis`. */
export function sliceAlong(tensor: Tensor, axis: number, start: number, count: number): Tensor {
  const { outer, inner } = around(tensor.shape, axis);
  const size = tensor.shape[axis];
  const shape = tensor.shape.map((dim, i) => (i === axis ? count : dim));
  const data = new Float32Array(outer * count * inner);
  for (let o = 0; o < outer; o++) {
    const from = (o * size + start) * inner;
    data.set(tensor.data.subarray(from, from + count * inner), o * count * inner);
  }
  return { data, shape };
}

/** The parts one after the other along `axis`; every other dimension must agree. */
export function concatAlong(parts: readonly Tensor[], axis: number, what: string): Tensor {
  const first = parts[0];
  const mismatch = parts.find((p) => p.shape.length !== first.shape.length || p.shape.some((d, i) => i !== axis && d !== first.shape[i]));
  if (mismatch) throw new RangeError(`${what}: cannot join a part of shape ${formatShape(mismatch.shape)} to one of ${formatShape(first.shape)} along axis ${axis}`);
  const shape = first.shape.map((dim, i) => (i === axis ? parts.reduce((n, p) => n + p.shape[axis], 0) : dim));
  return { data: concatBlocks(parts, around(first.shape, axis).outer, new Float32Array(sizeOf(shape))), shape };
}
