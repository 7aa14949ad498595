// `npm run bench`: vanilla-rnn, onnxruntime-node and a plain TypeScript loop side by side on the
// configs of bench/configs.ts, in one process and one run, against the machine measured in that
// run: each SIMD path's FMA peak on the run's threads and, for B = 1, the L2 floor.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareOutputs } from './agreement';
import { type BenchConfig, flopsPerCall, selectConfigs } from './configs';
import type { Engine } from './engine';
import { formatMarkdown, formatTime } from './format-table';
import { type HardwareReference, l2FloorMs, measureHardware } from './hardware';
import { describeMachine } from './machine';
import { startBusyNeighbour } from './neighbour';
import { type OnnxRuntimeModule, createOnnxruntimeEngine, loadOnnxruntime, onnxruntimeVersion } from './onnxruntime-engine';
import { type BenchPolicy, FULL, QUICK } from './policies';
import { type SimdPath, loadBenchProbes } from './probes';
import type { BenchReport, ConfigResult, EngineName, EngineResult, NeighbourResult } from './report';
import { type KernelPathControl, type ThreadControl, vanillaKernelPath, vanillaKernelPathControl, vanillaThreadControl } from './runtime-settings';
import { type Timing, timeCall, timeInRounds } from './timing';
import { createTypescriptEngine } from './typescript-engine';
import { createVanillaEngine } from './vanilla-engine';
import { measureServing } from './serving';
import { benchWholeModel, WHOLE_MODEL_NAME } from './whole-model';
import { createWorkload, type Workload } from './workload';

export type { BenchReport, ConfigResult, EngineName, EngineResult } from './report';
export { BENCH_CONFIGS, type BenchConfig } from './configs';

export interface BenchOptions {
  /** Short measurements (CI): the run only has to complete. */
  quick?: boolean;
  /** Print the report as JSON instead of a Markdown table. */
  json?: boolean;
  /** Threads for vanilla-rnn, onnxruntime, the FMA peak and the sgemm; default: the machine's available parallelism. */
  threads?: number;
  /** Config names (and 'char_rnn_onnx', the whole-model row) to run; default all. */
  only?: string[];
  /** Where the report goes, line by line; default console.log. */
  print?: (line: string) => void;
  /** Progress while measuring (e.g. to stderr); default silent. */
  progress?: (message: string) => void;
}

interface BenchContext {
  policy: BenchPolicy;
  threads: number;
  ort: OnnxRuntimeModule | null;
  modelDir: string;
  hardware: HardwareReference | null;
  threadControl: ThreadControl | null;
  pathControl: KernelPathControl | null;
  /** The path vanilla-rnn runs by default. */
  kernelPath: string | null;
  notes: string[];
  progress: (message: string) => void;
}

const SIMD_PATHS: readonly SimdPath[] = ['avx512', 'avx2', 'neon'];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function resolveThreads(threads: number | undefined): number {
  if (threads === undefined) return os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`bench: threads must be a positive integer, got ${threads}`);
  return threads;
}

/** `kernelPath`: vanilla-rnn's path for these calls, with `onAllThreads` when they ran on the run's threads. */
function engineResult(timing: Timing, flops: number, context: BenchContext, kernelPath: string | null,
  onAllThreads: boolean): EngineResult {
  const gflops = flops / (timing.medianMs * 1e6);
  const peak = kernelPath === null ? undefined : context.hardware?.fmaPeakGflops[kernelPath as SimdPath];
  return {
    medianMs: timing.medianMs, minMs: timing.minMs, samples: timing.samples, callsPerSample: timing.callsPerSample,
    gflops, kernelPath, percentOfFmaPeak: onAllThreads && peak ? (100 * gflops) / peak : null,
  };
}

/** vanilla-rnn on one thread, for the comparison with the run's thread count. */
function oneThreadEngine(workload: Workload, context: BenchContext): Engine | null {
  const control = context.threadControl;
  if (!control || context.threads === 1) return null;
  return { ...createVanillaEngine(workload), enter: () => control.setNumThreads(1), leave: () => control.setNumThreads(context.threads) };
}

/** vanilla-rnn on the AVX2 path, when the CPU also has a wider one (the path of many servers). */
function avx2Engine(workload: Workload, context: BenchContext): Engine | null {
  const control = context.pathControl;
  if (!control || context.kernelPath === 'avx2' || !control.supportedKernelPaths().includes('avx2')) return null;
  let previous = 'auto';
  const enter = () => {
    previous = control.getKernelPath();
    control.setKernelPath('avx2');
  };
  return { ...createVanillaEngine(workload), enter, leave: () => control.setKernelPath(previous) };
}

async function createEngines(workload: Workload, context: BenchContext): Promise<Partial<Record<EngineName, Engine>>> {
  const { config } = workload;
  const engines: Partial<Record<EngineName, Engine>> = { vanilla: createVanillaEngine(workload) };
  const oneThread = oneThreadEngine(workload, context);
  if (oneThread) engines.vanillaOneThread = oneThread;
  const avx2 = avx2Engine(workload, context);
  if (avx2) engines.vanillaAvx2 = avx2;
  if (context.ort) engines.onnxruntime = await createOnnxruntimeEngine(context.ort, workload, context.threads, context.modelDir);
  if (flopsPerCall(config) <= context.policy.typescriptMaxFlops) {
    engines.typescript = createTypescriptEngine(workload);
  } else {
    context.notes.push(`${config.name}: TypeScript loop skipped in --quick (${(flopsPerCall(config) / 1e9).toFixed(2)} GFLOP per call).`);
  }
  return engines;
}

function checkAgreement(engines: Partial<Record<EngineName, Engine>>, result: ConfigResult, notes: string[]): void {
  const got = engines.vanilla!.outputs();
  for (const name of ['vanillaOneThread', 'vanillaAvx2', 'onnxruntime', 'typescript'] as const) {
    const other = engines[name];
    if (!other) continue;
    const agreement = compareOutputs(got, other.outputs());
    result.agreement[name] = agreement;
    if (!agreement.ok) {
      notes.push(`${result.name}: vanilla-rnn and ${name} DISAGREE on ${agreement.mismatches} values ` +
        `(max |error| ${agreement.maxAbsError.toExponential(2)}, ${agreement.worstErrorOverTolerance.toFixed(1)}× the tolerance).`);
    }
  }
}

/** What the engine's calls ran on: its kernel path, and whether on the run's threads. */
function engineSetting(name: EngineName, context: BenchContext): { kernelPath: string | null; onAllThreads: boolean } {
  if (name === 'vanilla') return { kernelPath: context.kernelPath, onAllThreads: true };
  if (name === 'vanillaAvx2') return { kernelPath: 'avx2', onAllThreads: true };
  if (name === 'vanillaOneThread') return { kernelPath: context.kernelPath, onAllThreads: false };
  return { kernelPath: null, onAllThreads: false };
}

type TimedEngines = Partial<Record<EngineName, Engine>>;

/** The engines taking turns in rounds, each after a pause (see BenchPolicy.settleMs). */
async function timeEngines(engines: TimedEngines, flops: number, context: BenchContext): Promise<Partial<Record<EngineName, EngineResult>>> {
  const names = Object.keys(engines) as EngineName[];
  const settle = () => sleep(context.policy.settleMs);
  const calls = names.map((name) => ({ call: engines[name]!.run, enter: engines[name]!.enter, leave: engines[name]!.leave }));
  const timings = await timeInRounds(calls, context.policy.timing, { rounds: context.policy.rounds, settle });
  const results: Partial<Record<EngineName, EngineResult>> = {};
  names.forEach((name, i) => {
    const { kernelPath, onAllThreads } = engineSetting(name, context);
    results[name] = engineResult(timings[i], flops, context, kernelPath, onAllThreads);
  });
  return results;
}

/** vanilla-rnn on the run's threads and on one, with another process spinning on a core throughout. */
async function timeBesideNeighbour(engines: TimedEngines, flops: number, context: BenchContext): Promise<NeighbourResult | null> {
  const { vanilla, vanillaOneThread } = engines;
  if (!vanilla || !vanillaOneThread) return null;
  const neighbour = await startBusyNeighbour();
  try {
    const results = await timeEngines({ vanilla, vanillaOneThread }, flops, context);
    return { vanilla: results.vanilla!, vanillaOneThread: results.vanillaOneThread!, speedup: results.vanillaOneThread!.medianMs / results.vanilla!.medianMs };
  } finally {
    await neighbour.stop();
  }
}

async function benchConfig(config: BenchConfig, context: BenchContext): Promise<ConfigResult> {
  const flops = flopsPerCall(config);
  const result: ConfigResult = {
    ...config, flops, engines: {}, onnxruntimeOverVanilla: null,
    l2FloorMs: config.batch === 1 && context.hardware ? l2FloorMs(config, context.hardware) : null,
    neighbour: null, agreement: {},
  };
  const engines = await createEngines(createWorkload(config), context);
  try {
    // The engines whose ratios the report gives take turns; the TypeScript loop is timed alone.
    const { typescript, ...compared } = engines;
    context.progress(`${config.name}: ${Object.keys(compared).join(', ')}`);
    result.engines = await timeEngines(compared, flops, context);
    if (typescript) {
      context.progress(`${config.name}: typescript`);
      await sleep(context.policy.settleMs);
      result.engines.typescript = engineResult(await timeCall(typescript.run, context.policy.timing), flops, context, null, false);
    }
    checkAgreement(engines, result, context.notes);
    context.progress(`${config.name}: beside a busy neighbour`);
    result.neighbour = await timeBesideNeighbour(compared, flops, context);
    context.progress(`${config.name}: ${Object.entries(result.engines).map(([name, r]) => `${name} ${formatTime(r.medianMs)}`).join(', ')}`
      + (result.neighbour ? `; beside a busy neighbour ${result.neighbour.speedup.toFixed(2)}× one thread's speed` : ''));
  } finally {
    await Promise.all(Object.values(engines).map((engine) => engine.dispose()));
  }
  const { vanilla, onnxruntime } = result.engines;
  if (vanilla && onnxruntime) result.onnxruntimeOverVanilla = onnxruntime.medianMs / vanilla.medianMs;
  return result;
}

async function measureWholeModel(context: BenchContext) {
  context.progress('whole model: char-RNN');
  const result = await benchWholeModel(context.ort, context.threads, context.policy, () => sleep(context.policy.settleMs));
  if (result.agreement && !result.agreement.ok) {
    context.notes.push(`${result.name}: vanilla-rnn and onnxruntime DISAGREE on ${result.agreement.mismatches} values (max |error| ${result.agreement.maxAbsError.toExponential(2)}).`);
  }
  return result;
}

async function measureReferences(context: BenchContext): Promise<HardwareReference | null> {
  const probes = loadBenchProbes();
  if (!probes) {
    context.notes.push('The bench addon (bench/native) is not built (npm run build:bench): the FMA peak, the L2 floor and the sgemm are not measured.');
    return null;
  }
  const supported = context.pathControl?.supportedKernelPaths() ?? [];
  const paths = SIMD_PATHS.filter((p) => supported.includes(p));
  if (paths.length === 0) {
    context.notes.push('This CPU runs no SIMD path of the kernel (portable only): there is no FMA peak to set the figures against.');
    return null;
  }
  context.progress(`FMA peak (${paths.join(', ')}), L2 read rate, sgemm`);
  return measureHardware(probes, paths, context.threads, context.policy.sgemmTiming);
}

/** Sets vanilla-rnn's thread count for the run; returns how to put it back. */
function applyThreads(control: ThreadControl | null, threads: number, notes: string[]): () => void {
  if (!control) {
    notes.push('This build has no setNumThreads: vanilla-rnn ran with its default thread count, not --threads.');
    return () => {};
  }
  const previous = control.getNumThreads();
  control.setNumThreads(threads);
  return () => control.setNumThreads(previous);
}

function printReport(report: BenchReport, options: BenchOptions): void {
  const print = options.print ?? ((line: string) => console.log(line));
  if (options.json) print(JSON.stringify(report, null, 2));
  else for (const line of formatMarkdown(report)) print(line);
}

/** --only may name configs and whole models; without --only every one runs. */
function selection(only: string[] | undefined): { configs: BenchConfig[]; wholeModels: boolean } {
  if (!only) return { configs: selectConfigs(undefined), wholeModels: true };
  const configNames = only.filter((name) => name !== WHOLE_MODEL_NAME);
  return { configs: configNames.length > 0 ? selectConfigs(configNames) : [], wholeModels: configNames.length < only.length };
}

export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const { configs, wholeModels: withWholeModels } = selection(options.only);
  const threads = resolveThreads(options.threads);
  const ort = loadOnnxruntime();
  const notes: string[] = [];
  if (!ort) notes.push('onnxruntime-node is not installed (it is a devDependency): its columns are empty.');
  const threadControl = vanillaThreadControl();
  const restoreThreads = applyThreads(threadControl, threads, notes);
  const modelDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vanilla-rnn-bench-'));
  try {
    const context: BenchContext = {
      policy: options.quick ? QUICK : FULL, threads, ort, modelDir, hardware: null, threadControl,
      pathControl: vanillaKernelPathControl(), kernelPath: vanillaKernelPath(), notes,
      progress: options.progress ?? (() => {}),
    };
    const machine = describeMachine(ort ? onnxruntimeVersion(ort) : null);
    context.hardware = await measureReferences(context);
    const results: ConfigResult[] = [];
    for (const config of configs) results.push(await benchConfig(config, context));
    const wholeModels = withWholeModels ? [await measureWholeModel(context)] : undefined;
    const report: BenchReport = {
      machine, loadAverageAtEnd: os.platform() === 'win32' ? null : os.loadavg(), threads,
      vanillaThreads: threadControl ? threadControl.getNumThreads() : null, kernelPath: context.kernelPath,
      quick: options.quick ?? false,
      hardware: context.hardware, configs: results, wholeModels, notes,
      serving: options.only ? undefined : await measureServing(options.quick ?? false),
    };
    printReport(report, options);
    return report;
  } finally {
    restoreThreads();
    await fs.rm(modelDir, { recursive: true, force: true });
  }
}
