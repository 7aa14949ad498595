// The shape of a bench run's results (what --json prints).
import type { ServingReport } from './serving';
import type { Agreement } from './agreement';
import type { BenchConfig } from './configs';
import type { HardwareReference } from './hardware';
import type { MachineInfo } from './machine';
import type { WholeModelResult } from './whole-model';

/**
 * vanillaOneThread: vanilla-rnn with setNumThreads(1), when the run uses more threads;
 * vanillaAvx2: vanilla-rnn forced onto the AVX2 path, when the CPU has a wider one too.
 */
export type EngineName = 'vanilla' | 'vanillaOneThread' | 'vanillaAvx2' | 'onnxruntime' | 'typescript';

export interface EngineResult {
  medianMs: number;
  minMs: number;
  samples: number;
  callsPerSample: number;
  gflops: number;
  /** vanilla-rnn's kernel path for these calls; null for the other engines. */
  kernelPath: string | null;
  /** Share of that path's FMA peak on the run's threads, for vanilla-rnn on them; null otherwise. */
  percentOfFmaPeak: number | null;
}

/** The same calls with another process spinning on one core. */
export interface NeighbourResult {
  vanilla: EngineResult;
  vanillaOneThread: EngineResult;
  /** The run's threads against one: one thread's time over theirs (below 1: the threads are slower). */
  speedup: number;
}

export interface ConfigResult extends BenchConfig {
  /** Work per forward call, 2·T·B·(In·H + H·H) summed over layers and directions. */
  flops: number;
  /** A missing engine was not run (not installed, or too slow for --quick): see the notes. */
  engines: Partial<Record<EngineName, EngineResult>>;
  /** onnxruntime's median over vanilla-rnn's: how many times faster vanilla-rnn is. */
  onnxruntimeOverVanilla: number | null;
  /** B = 1: W_hh re-read from one core's L2 every step (see l2FloorMs); null otherwise or unmeasured. */
  l2FloorMs: number | null;
  /** null when the run has one thread or vanilla-rnn cannot set its thread count. */
  neighbour: NeighbourResult | null;
  /** vanilla-rnn's outputs against each other engine's. */
  agreement: Partial<Record<Exclude<EngineName, 'vanilla'>, Agreement>>;
}

export interface BenchReport {
  /** As the run started. */
  machine: MachineInfo;
  /** The 1, 5 and 15 minute load averages as the run ended. */
  loadAverageAtEnd: number[] | null;
  threads: number;
  /** What vanilla-rnn's getNumThreads() said during the run, when the build has it. */
  vanillaThreads: number | null;
  /** The kernel path vanilla-rnn ran ('avx512', 'avx2', 'neon', 'portable'), when the build has getKernelPath. */
  kernelPath: string | null;
  quick: boolean;
  /** null when the bench addon is not built (see the notes). */
  hardware: HardwareReference | null;
  configs: ConfigResult[];
  /** Models as users export them, file to output (with --only, when it names char_rnn_onnx). */
  wholeModels?: WholeModelResult[];
  notes: string[];
  serving?: ServingReport;
}
