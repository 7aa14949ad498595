// The shape of a bench run's results (what --json prints).
import type { ServingReport } from './serving';
import type { Agreement } from './agreement';
import type { BenchConfig } from './configs';
import type { MachineInfo } from './machine';
import type { SgemmPeak } from './sgemm-peak';
import type { WholeModelResult } from './whole-model';

/** vanillaOneThread: vanilla-rnn with setNumThreads(1), when the run uses more threads. */
export type EngineName = 'vanilla' | 'vanillaOneThread' | 'onnxruntime' | 'typescript';

export interface EngineResult {
  medianMs: number;
  minMs: number;
  samples: number;
  callsPerSample: number;
  gflops: number;
  /** Share of the measured sgemm peak, or null without a peak. */
  percentOfPeak: number | null;
}

export interface ConfigResult extends BenchConfig {
  /** Work per forward call, 2·T·B·(In·H + H·H) summed over layers and directions. */
  flops: number;
  /** A missing engine was not run (not installed, or too slow for --quick): see the notes. */
  engines: Partial<Record<EngineName, EngineResult>>;
  /** onnxruntime's median over vanilla-rnn's: how many times faster vanilla-rnn is. */
  onnxruntimeOverVanilla: number | null;
  /** vanilla-rnn's outputs against each other engine's. */
  agreement: Partial<Record<Exclude<EngineName, 'vanilla'>, Agreement>>;
}

export interface BenchReport {
  machine: MachineInfo;
  threads: number;
  /** What vanilla-rnn's getNumThreads() said during the run, when the build has it. */
  vanillaThreads: number | null;
  /** The kernel path vanilla-rnn ran ('avx512', 'avx2', 'portable'), when the build has getKernelPath. */
  kernelPath: string | null;
  quick: boolean;
  peak: SgemmPeak | null;
  configs: ConfigResult[];
  /** Models as users export them, file to output (with --only, when it names char_rnn_onnx). */
  wholeModels?: WholeModelResult[];
  notes: string[];
  serving?: ServingReport;
}
