// How long to measure: a full run for the README, a quick one for CI that only has to complete.
import type { TimingPolicy } from './timing';

export interface BenchPolicy {
  timing: TimingPolicy;
  /** The sgemm line is one ~17 GFLOP call: a few samples give a stable median. */
  sgemmTiming: TimingPolicy;
  /** Skip the TypeScript loop above this much work per call (it runs at roughly 1 GFLOP/s). */
  typescriptMaxFlops: number;
  /** Idle time before each engine (and each block of its samples): OpenBLAS's and onnxruntime's worker threads keep spinning for a
   *  while after a call (OpenBLAS about 0.1 s) and would steal cores from the next engine. */
  settleMs: number;
  /** The compared engines take turns in this many rounds (see timeInRounds). */
  rounds: number;
}

export const FULL: BenchPolicy = {
  timing: { warmupSeconds: 0.3, budgetSeconds: 1.5, minSamples: 3, maxSamples: 2000, minSampleSeconds: 0.002 },
  sgemmTiming: { warmupSeconds: 0.3, budgetSeconds: 1.5, minSamples: 5, maxSamples: 50, minSampleSeconds: 0 },
  typescriptMaxFlops: Infinity,
  settleMs: 150,
  rounds: 5,
};

export const QUICK: BenchPolicy = {
  timing: { warmupSeconds: 0.03, budgetSeconds: 0.1, minSamples: 3, maxSamples: 200, minSampleSeconds: 0.001 },
  sgemmTiming: { warmupSeconds: 0, budgetSeconds: 0, minSamples: 2, maxSamples: 2, minSampleSeconds: 0 },
  typescriptMaxFlops: 3e8,
  settleMs: 20,
  rounds: 1,
};
