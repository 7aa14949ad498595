// The machine's practical peak: a large single-precision GEMM through the addon's OpenBLAS.
import { addon } from '../native';
import { seededUniform } from '../random';
import { timeCall, type TimingPolicy } from './timing';

/** Row-major C = A·B with A [M, K], B [K, N], C [M, N]; `threads` sets OpenBLAS's thread count for the call. */
type Sgemm = (m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, threads: number) => void;

export interface SgemmPeak {
  size: number;
  medianMs: number;
  gflops: number;
}

export const PEAK_SIZE = 2048;

/** addon.sgemm, when this build of the addon has it. */
export function findSgemm(): Sgemm | null {
  const candidate = (addon as unknown as { sgemm?: unknown }).sgemm;
  return typeof candidate === 'function' ? (candidate.bind(addon) as Sgemm) : null;
}

function randomMatrix(size: number, seed: number): Float32Array {
  const uniform = seededUniform(seed);
  const matrix = new Float32Array(size * size);
  for (let i = 0; i < matrix.length; i++) matrix[i] = uniform() * 2 - 1;
  return matrix;
}

export async function measureSgemmPeak(sgemm: Sgemm, threads: number, policy: TimingPolicy): Promise<SgemmPeak> {
  const n = PEAK_SIZE;
  const a = randomMatrix(n, 1);
  const b = randomMatrix(n, 2);
  const c = new Float32Array(n * n);
  const timing = await timeCall(() => sgemm(n, n, n, a, b, c, threads), policy);
  return { size: n, medianMs: timing.medianMs, gflops: (2 * n * n * n) / (timing.medianMs * 1e6) };
}
