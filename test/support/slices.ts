// Cutting a tensor into slices along one axis and joining slices back: the in-memory run in parts
// that the streaming run is compared with, bit for bit.
import { concatBlocks } from '../../lib/concat-blocks';
import { aroundAxis as around, formatShape, sizeOf, type Tensor } from '../../lib/tensor';

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
