// The strided copy behind Transpose, Slice and Expand: float tensors go through the native row
// gather (runs of contiguous elements), integer ones element by element. Over seeded random
// permutations, slices (reversed and stepped) and broadcasts, the two must give the same values.
import { describe, expect, it } from 'vitest';
import { ElementBudget } from '../../lib/formats/onnx/budget';
import { stridedCopy, stridesOf } from '../../lib/formats/onnx/strided';
import { INT64, type Value } from '../../lib/formats/onnx/value';
import { mulberry32 } from '../support/fixtures';

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

interface View { outShape: number[]; base: number; strides: number[] }

function permutation(rng: Rng, shape: number[]): View {
  const order = shape.map((_, i) => i).sort(() => rng() - 0.5);
  const strides = stridesOf(shape);
  return { outShape: order.map((a) => shape[a]), base: 0, strides: order.map((a) => strides[a]) };
}

function slice(rng: Rng, shape: number[]): View {
  const strides = stridesOf(shape);
  let base = 0;
  const outShape: number[] = [];
  const out: number[] = [];
  shape.forEach((dim, axis) => {
    const step = int(rng, 1, 3) * (rng() < 0.3 ? -1 : 1);
    const first = int(rng, 0, dim - 1);
    const room = step > 0 ? Math.floor((dim - 1 - first) / step) + 1 : Math.floor(first / -step) + 1;
    outShape.push(int(rng, 1, room));
    base += first * strides[axis];
    out.push(strides[axis] * step);
  });
  return { outShape, base, strides: out };
}

function broadcast(rng: Rng, shape: number[]): View {
  const strides = stridesOf(shape);
  const lead = int(rng, 0, 2);
  return {
    outShape: [...Array.from({ length: lead }, () => int(rng, 1, 3)), ...shape.map((d) => (d === 1 ? int(rng, 1, 4) : d))],
    base: 0,
    strides: [...Array<number>(lead).fill(0), ...shape.map((d, i) => (d === 1 ? 0 : strides[i]))],
  };
}

describe('stridedCopy', () => {
  it('gives float tensors (native runs) the values integer tensors get element by element', () => {
    const rng = mulberry32(99);
    for (let c = 0; c < 600; c++) {
      const shape = Array.from({ length: int(rng, 1, 4) }, () => (rng() < 0.25 ? 1 : int(rng, 1, 5)));
      const count = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: count }, (_, i) => i - 7);
      const floats: Value = { dtype: 1, shape, data: Float32Array.from(values) };
      const integers: Value = { dtype: INT64, shape, data: Float64Array.from(values) };
      const view = [permutation, slice, broadcast][c % 3](rng, shape);
      const budget = ElementBudget.forLoad(1);
      const a = stridedCopy(floats, view.outShape, view.base, view.strides, budget, 'copy');
      const b = stridedCopy(integers, view.outShape, view.base, view.strides, budget, 'copy');
      expect(a.data).toBeInstanceOf(Float32Array);
      expect(Array.from(a.data), `${JSON.stringify({ shape, ...view })}`).toEqual(Array.from(b.data));
    }
  });

  it('copies the batch-first transposes around an RNN a row of H at a time', () => {
    const [B, T, H] = [3, 4, 5];
    const x: Value = { dtype: 1, shape: [B, T, H], data: Float32Array.from({ length: B * T * H }, (_, i) => i) };
    const strides = stridesOf(x.shape);
    const y = stridedCopy(x, [T, B, H], 0, [strides[1], strides[0], strides[2]], ElementBudget.forLoad(1), 'copy');
    expect(Array.from(y.data.subarray(0, 2 * H))).toEqual([...Array.from({ length: H }, (_, i) => i), ...Array.from({ length: H }, (_, i) => T * H + i)]);
  });
});
