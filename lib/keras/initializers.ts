// Keras' default initialisers for a layer built before any weights are set.
import { seededUniform } from '../random';

/** glorot_uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)), for a [fanIn, fanOut] kernel. */
export function glorotUniform(fanIn: number, fanOut: number, uniform: () => number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: fanIn * fanOut }, () => (uniform() * 2 - 1) * limit);
}

function standardNormal(uniform: () => number): number {
  const u = 1 - uniform(); // (0, 1], so the log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
}

/** orthogonal: an n x n matrix with orthonormal rows (Gram-Schmidt on a Gaussian matrix). */
export function orthogonal(n: number, uniform: () => number): Float32Array {
  const rows = Array.from({ length: n }, () => Float64Array.from({ length: n }, () => standardNormal(uniform)));
  rows.forEach((row, i) => {
    for (let j = 0; j < i; j++) {
      const dot = row.reduce((sum, v, k) => sum + v * rows[j][k], 0);
      row.forEach((_, k) => { row[k] -= dot * rows[j][k]; });
    }
    const norm = Math.hypot(...row);
    row.forEach((_, k) => { row[k] /= norm; });
  });
  return Float32Array.from(rows.flatMap((row) => Array.from(row)));
}

export { seededUniform };
