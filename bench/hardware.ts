// What the machine can do at best, measured at the start of the run whose figures are set against
// it: each SIMD path's FMA peak on the run's threads, one core's L2 read rate, and (as a line of its
// own) OpenBLAS's large-sgemm rate.
import { mulberry32 } from '../test/support/random';
import { type BenchConfig, numDirections } from './configs';
import type { BenchProbes, SimdPath } from './probes';
import { timeCall, type TimingPolicy } from './timing';

export interface SgemmPeak {
  size: number;
  medianMs: number;
  gflops: number;
}

export interface HardwareReference {
  /** Threads of the FMA peak: the run's. */
  threads: number;
  /** GFLOP/s by SIMD path, for the paths this CPU runs. */
  fmaPeakGflops: Partial<Record<SimdPath, number>>;
  /** The buffer the L2 rate is read from: past any L1, within any L2. */
  l2Bytes: number;
  /** One core's read rate from L2, GB/s, with the widest path's loads. */
  l2ReadGBps: number;
  sgemm: SgemmPeak;
}

export const SGEMM_SIZE = 2048;
export const L2_PROBE_BYTES = 256 * 1024;

function randomMatrix(size: number, seed: number): Float32Array {
  const uniform = mulberry32(seed);
  const matrix = new Float32Array(size * size);
  for (let i = 0; i < matrix.length; i++) matrix[i] = uniform() * 2 - 1;
  return matrix;
}

async function measureSgemm(probes: BenchProbes, threads: number, policy: TimingPolicy): Promise<SgemmPeak> {
  const n = SGEMM_SIZE;
  const a = randomMatrix(n, 1);
  const b = randomMatrix(n, 2);
  const c = new Float32Array(n * n);
  const timing = await timeCall(() => probes.sgemm(n, n, n, a, b, c, threads), policy);
  return { size: n, medianMs: timing.medianMs, gflops: (2 * n * n * n) / (timing.medianMs * 1e6) };
}

/** `paths`: the SIMD paths this CPU runs, widest first. */
export async function measureHardware(probes: BenchProbes, paths: readonly SimdPath[], threads: number,
  sgemmPolicy: TimingPolicy): Promise<HardwareReference> {
  const fmaPeakGflops: Partial<Record<SimdPath, number>> = {};
  for (const path of paths) fmaPeakGflops[path] = probes.fmaPeakGflops(path, threads);
  const l2ReadGBps = probes.readBandwidthGBps(paths[0], L2_PROBE_BYTES);
  return { threads, fmaPeakGflops, l2Bytes: L2_PROBE_BYTES, l2ReadGBps, sgemm: await measureSgemm(probes, threads, sgemmPolicy) };
}

export function wHhBytes(config: BenchConfig): number {
  return config.hiddenSize * config.hiddenSize * 4;
}

/**
 * A B = 1 call's floor when one core re-reads every W_hh from L2 at each step: W_hh's bytes × T ×
 * layers × directions over the L2 read rate, in ms. (A W_hh small enough for L1 is read faster.)
 */
export function l2FloorMs(config: BenchConfig, hardware: HardwareReference): number {
  const bytes = wHhBytes(config) * config.steps * config.numLayers * numDirections(config);
  return bytes / (hardware.l2ReadGBps * 1e6);
}
