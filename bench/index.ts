// `npm run bench`: vanilla-rnn, onnxruntime-node and a plain TypeScript loop side by side on
// the configs of bench/configs.ts, against the machine's sgemm peak, in one process and one run.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareOutputs } from './agreement';
import { type BenchConfig, flopsPerCall, selectConfigs } from './configs';
import type { Engine } from './engine';
import { formatMarkdown, formatTime } from './format-table';
import { describeMachine } from './machine';
import { type OnnxRuntimeModule, createOnnxruntimeEngine, loadOnnxruntime, onnxruntimeVersion } from './onnxruntime-engine';
import { type BenchPolicy, FULL, QUICK } from './policies';
import type { BenchReport, ConfigResult, EngineName, EngineResult } from './report';
import { type SgemmPeak, findSgemm, measureSgemmPeak } from './sgemm-peak';
import { type ThreadControl, vanillaKernelPath, vanillaThreadControl } from './runtime-settings';
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
  /** Threads for vanilla-rnn, onnxruntime and the sgemm; default: the machine's available parallelism. */
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
  peak: SgemmPeak | null;
  threadControl: ThreadControl | null;
  notes: string[];
  progress: (message: string) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function resolveThreads(threads: number | undefined): number {
  if (threads === undefined) return os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`bench: threads must be a positive integer, got ${threads}`);
  return threads;
}

function engineResult(timing: Timing, flops: number, peak: SgemmPeak | null): EngineResult {
  const gflops = flops / (timing.medianMs * 1e6);
  return {
    medianMs: timing.medianMs, minMs: timing.minMs, samples: timing.samples, callsPerSample: timing.callsPerSample,
    gflops, percentOfPeak: peak ? (100 * gflops) / peak.gflops : null,
  };
}

/** vanilla-rnn on one thread, for the comparison with the run's thread count. */
function oneThreadEngine(workload: Workload, context: BenchContext): Engine | null {
  const control = context.threadControl;
  if (!control || context.threads === 1) return null;
  return { ...createVanillaEngine(workload), enter: () => control.setNumThreads(1), leave: () => control.setNumThreads(context.threads) };
}

async function createEngines(workload: Workload, context: BenchContext): Promise<Partial<Record<EngineName, Engine>>> {
  const { config } = workload;
  const engines: Partial<Record<EngineName, Engine>> = { vanilla: createVanillaEngine(workload) };
  const oneThread = oneThreadEngine(workload, context);
  if (oneThread) engines.vanillaOneThread = oneThread;
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
  for (const name of ['vanillaOneThread', 'onnxruntime', 'typescript'] as const) {
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

async function benchConfig(config: BenchConfig, context: BenchContext): Promise<ConfigResult> {
  const flops = flopsPerCall(config);
  const result: ConfigResult = { ...config, flops, engines: {}, onnxruntimeOverVanilla: null, agreement: {} };
  const engines = await createEngines(createWorkload(config), context);
  try {
    // The engines whose ratios the report gives take turns; the TypeScript loop is timed alone.
    const { typescript, ...compared } = engines;
    const names = Object.keys(compared) as Array<keyof typeof compared>;
    context.progress(`${config.name}: ${names.join(', ')}`);
    const settle = () => sleep(context.policy.settleMs);
    const calls = names.map((name) => ({ call: compared[name]!.run, enter: compared[name]!.enter, leave: compared[name]!.leave }));
    const timings = await timeInRounds(calls, context.policy.timing, { rounds: context.policy.rounds, settle });
    names.forEach((name, i) => { result.engines[name] = engineResult(timings[i], flops, context.peak); });
    if (typescript) {
      context.progress(`${config.name}: typescript`);
      await settle();
      result.engines.typescript = engineResult(await timeCall(typescript.run, context.policy.timing), flops, context.peak);
    }
    context.progress(`${config.name}: ${Object.entries(result.engines).map(([name, r]) => `${name} ${formatTime(r.medianMs)}`).join(', ')}`);
    checkAgreement(engines, result, context.notes);
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

async function measurePeak(context: BenchContext): Promise<SgemmPeak | null> {
  const sgemm = findSgemm();
  if (!sgemm) {
    context.notes.push('The bench addon (bench/native) is not built (npm run build:bench): the sgemm peak and the % of peak columns are skipped.');
    return null;
  }
  context.progress('sgemm peak');
  return measureSgemmPeak(sgemm, context.threads, context.policy.peakTiming);
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
      policy: options.quick ? QUICK : FULL, threads, ort, modelDir, peak: null, threadControl, notes,
      progress: options.progress ?? (() => {}),
    };
    context.peak = await measurePeak(context);
    const results: ConfigResult[] = [];
    for (const config of configs) results.push(await benchConfig(config, context));
    const wholeModels = withWholeModels ? [await measureWholeModel(context)] : undefined;
    const report: BenchReport = {
      machine: describeMachine(ort ? onnxruntimeVersion(ort) : null), threads,
      vanillaThreads: threadControl ? threadControl.getNumThreads() : null, kernelPath: vanillaKernelPath(),
      quick: options.quick ?? false,
      peak: context.peak, configs: results, wholeModels, notes,
      serving: options.only ? undefined : await measureServing(options.quick ?? false),
    };
    printReport(report, options);
    return report;
  } finally {
    restoreThreads();
    await fs.rm(modelDir, { recursive: true, force: true });
  }
}
