// Keras masks while a model runs: Uint8Array 0/1 over a tensor's shape without its last axis.
// Combining them goes through float copies, as the tensor ops work on float32.
import type { Tensor } from '../../tensor';
import * as ops from '../../native/ops';

/** 1 where x differs from `value` (NaN differs from everything), over x's shape. */
export function notEqual(x: Tensor, value: number): Float32Array {
  const equal = ops.compare({ op: 'Equal', a: x.data, aShape: x.shape, b: Float32Array.of(value), bShape: [], output: new Float32Array(x.data.length) }).data;
  return ops.binary({ op: 'Sub', a: Float32Array.of(1), aShape: [], b: equal, bShape: x.shape }).data;
}

/** The mask as 0/1 floats, for multiplying a tensor with. */
export const asFloats = (mask: Uint8Array): Float32Array => new Float32Array(mask);
export const fromFloats = (mask: Float32Array): Uint8Array => new Uint8Array(mask);

/** Zeroes the rows of x [..., D] whose mask [...] is 0 (Keras zero_output_for_mask). */
export function zeroMasked(x: Tensor, mask: Uint8Array): Tensor {
  const rows = x.shape.slice(0, -1);
  return ops.binary({ op: 'Mul', a: x.data, aShape: x.shape, b: asFloats(mask), bShape: [...rows, 1] });
}

/** OR (Keras 3) or AND (Keras 2) of masks of one shape. */
export function combine(masks: Uint8Array[], shape: number[], how: 'or' | 'and'): Uint8Array {
  let out = asFloats(masks[0]);
  for (const mask of masks.slice(1)) out = ops.binary({ op: how === 'or' ? 'Max' : 'Min', a: out, aShape: shape, b: asFloats(mask), bShape: shape }).data;
  return fromFloats(out);
}

/** The mask [N, T] with its time axis reversed (processing order of a backwards RNN). */
export function reverseSteps(mask: Uint8Array, batch: number, steps: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let n = 0; n < batch; n++) {
    const row = mask.subarray(n * steps, (n + 1) * steps);
    out.set(row.slice().reverse(), n * steps);
  }
  return out;
}
