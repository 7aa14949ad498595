// Seeded random numbers for tests and the bench: reproducible inputs and weights, from the same
// generator the library seeds its initial weights with.
import { seededUniform } from '../../lib/random';

/** Seeded PRNG returning floats in [0, 1) (mulberry32). */
export const mulberry32 = seededUniform;

/** `n` float32 values uniform in [-scale, scale). */
export function randomFloat32(rng: () => number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rng() * 2 - 1) * scale;
  return out;
}
