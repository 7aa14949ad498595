// Random malformed (and sometimes valid) values for the fuzz suite, from a seeded generator.
import { mulberry32 } from './fixtures';

export type Rng = () => number;

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
export const between = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

function detachedFloat32(): Float32Array {
  const data = new Float32Array(8);
  structuredClone(data.buffer, { transfer: [data.buffer] });
  return data;
}

const SCALARS: unknown[] = [undefined, null, NaN, Infinity, -Infinity, -1, 0, 1, 2, 1.5, 2 ** 31, 2 ** 53, -(2 ** 31),
  '', 'tanh', '3', true, false, {}, [], [[]], [[1, 2], [3]], () => 1, Symbol('x'), 10n];

/** A random junk value: scalars, wrong typed arrays, detached buffers, lying tensors, ragged arrays. */
export function junk(rng: Rng): unknown {
  switch (between(rng, 0, 9)) {
    case 0: return new Float64Array(between(rng, 0, 16));
    case 1: return new Float32Array(between(rng, 0, 16)).map(() => rng() * 4 - 2);
    case 2: return detachedFloat32();
    case 3: return { data: new Float32Array(between(rng, 0, 32)), shape: Array.from({ length: between(rng, 0, 4) }, () => between(rng, -1, 6)) };
    case 4: return { data: new Float32Array(4), shape: [2 ** 31, 2 ** 31] };
    case 5: return Array.from({ length: between(rng, 0, 3) }, () => Array.from({ length: between(rng, 0, 3) }, () => pick(rng, [1, 'a', null, [1]])));
    case 6: return new Int32Array(between(rng, 0, 8));
    case 7: return { data: detachedFloat32(), shape: [8] };
    default: return pick(rng, SCALARS);
  }
}

/** Either a valid value (from `valid`) or junk, so calls get past the first check often enough. */
export function maybe(rng: Rng, valid: () => unknown, validShare = 0.7): unknown {
  return rng() < validShare ? valid() : junk(rng);
}

export function seeded(seed: number): Rng {
  return mulberry32(seed);
}
