// OpenBLAS's rate on a large single-precision GEMM, through the bench's own addon (bench/native,
// built by npm run build:bench and never shipped).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mulberry32 } from '../test/support/random';
import { timeCall, type TimingPolicy } from './timing';

/** Row-major C = A·B with A [M, K], B [K, N], C [M, N]; `threads` sets OpenBLAS's thread count for the call. */
type Sgemm = (m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, threads: number) => void;

export interface SgemmPeak {
  size: number;
  medianMs: number;
  gflops: number;
}

export const PEAK_SIZE = 2048;

/** The bench addon's sgemm, when it is built (npm run build:bench). */
export function findSgemm(): Sgemm | null {
  const root = path.dirname(require.resolve('vanilla-rnn/package.json'));
  const file = path.join(root, 'bench', 'native', 'build', 'Release', 'bench_probes.node');
  if (!fs.existsSync(file)) return null;
  return (require(file) as { sgemm: Sgemm }).sgemm;
}

function randomMatrix(size: number, seed: number): Float32Array {
  const uniform = mulberry32(seed);
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
