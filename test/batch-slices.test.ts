// sliceAlong and concatAlong, the in-memory run in parts the streaming run is checked against: cutting a
// tensor into parts along any axis and joining them gives it back; parts that disagree are refused.
import { describe, expect, it } from 'vitest';
import { concatAlong, sliceAlong } from './support/slices';

const shape = [3, 4, 5];
const tensor = { data: Float32Array.from({ length: 60 }, (_, i) => i), shape };

describe('sliceAlong and concatAlong', () => {
  it.each([0, 1, 2])('cut along axis %i into parts of 1 and 2 and joined back, give the tensor again', (axis) => {
    for (const size of [1, 2]) {
      const parts = [];
      for (let start = 0; start < shape[axis]; start += size) parts.push(sliceAlong(tensor, axis, start, Math.min(size, shape[axis] - start)));
      const joined = concatAlong(parts, axis, 'test');
      expect(joined.shape).toEqual(shape);
      expect(Array.from(joined.data)).toEqual(Array.from(tensor.data));
    }
  });

  it('a slice holds the entries along its axis, in C order', () => {
    // tensor[:, 2, :] is i = a * 20 + 2 * 5 + c.
    const slice = sliceAlong(tensor, 1, 2, 1);
    expect(slice.shape).toEqual([3, 1, 5]);
    expect(Array.from(slice.data)).toEqual([0, 1, 2].flatMap((a) => [0, 1, 2, 3, 4].map((c) => a * 20 + 10 + c)));
  });

  it('refuses to join parts whose other dimensions differ', () => {
    const other = { data: new Float32Array(12), shape: [3, 1, 4] };
    expect(() => concatAlong([sliceAlong(tensor, 1, 0, 1), other], 1, "output 'y'")).toThrow("output 'y': cannot join a part of shape [3, 1, 4] to one of [3, 1, 5] along axis 1");
  });
});
