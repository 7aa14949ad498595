// The bench's own addon (bench/native, built by npm run build:bench and never shipped): the
// hardware probes of native/probes and OpenBLAS's sgemm.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A SIMD path of the kernel, as the probes name it. */
export type SimdPath = 'avx512' | 'avx2' | 'neon';

export interface BenchProbes {
  /** GFLOP/s of `threads` threads running the path's independent FMA chains at once (an FMA lane counts 2). */
  fmaPeakGflops(path: SimdPath, threads: number): number;
  /** GB/s one core reads from a buffer of `bytes` bytes with the path's vector loads. */
  readBandwidthGBps(path: SimdPath, bytes: number): number;
  /** Row-major C = A·B with A [M, K], B [K, N], C [M, N], OpenBLAS on `threads` threads. */
  sgemm(m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, threads: number): void;
}

/** The bench addon, when it is built (npm run build:bench). */
export function loadBenchProbes(): BenchProbes | null {
  const root = path.dirname(require.resolve('vanilla-rnn/package.json'));
  const file = path.join(root, 'bench', 'native', 'build', 'Release', 'bench_probes.node');
  if (!fs.existsSync(file)) return null;
  return require(file) as BenchProbes;
}
