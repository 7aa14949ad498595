// Running a model file's model on .npy files of any size: streamed a part at a time along the
// model's batch axes (the whole batch or a range of it), or whole when the model does not say where
// its batch axis is. One <output name>.npy per output, each complete or absent. The command line's
// `run` is this, with a progress bar and a summary.
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { checkFeedNames } from '../formats/feeds';
import { readNpy } from '../formats/npy';
import { openNpy, type NpyFile } from '../formats/npy-file';
import { MAX_FILE_BYTES } from '../formats/source';
import type { BatchAxes, Model } from '../model';
import { checkOptionsObject, positiveInteger } from '../options';
import { describe, sizeOf } from '../tensor';
import { OutputFiles, outputPaths, type WrittenFile } from './outputs';
import { planBatches } from './plan';
import { checkRange, shardRange, type SequenceRange } from './shards';
import { runStreamed } from './stream-run';

export interface RunFilesOptions {
  /** Input name -> .npy path. */
  inputs: Record<string, string>;
  /** Where the outputs go, as <output name>.npy (or <output name>.shard-<start>-<end>-axis<k>.npy for a range). */
  outDir: string;
  /**
   * Sequences per run along the model's batch axes. Default: the whole input at once when it holds
   * at most 256 MiB as float32, else parts of about 16 MiB of input each.
   */
  batchSize?: number;
  /** Only sequences [start, end) of the batch; the outputs are named for the range. */
  range?: SequenceRange;
  /** Only the index-th (from 0) of `count` contiguous ranges of the batch; the outputs are named for its range. */
  shard?: { index: number; count: number };
  /** Told how many sequences of the run have gone through the model after each part, and how many there are. */
  onProgress?: (done: number, total: number) => void;
  /** Told the temporary files removed when the run failed or was aborted (no output was renamed into place). */
  onCleanup?: (removed: string[]) => void;
  /** Aborts the run between parts: the temporary files are removed and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface RunFilesResult {
  /** The files written, in the model's output order. */
  written: WrittenFile[];
  /** Sequences run; null when the model does not tell how many the input holds. */
  sequences: number | null;
  /** The sequences of the batch that ran, when a range or shard was asked for. */
  range?: SequenceRange;
  runs: number;
  /** The most sequences one run took, when the input ran in parts. */
  batchSize?: number;
  /** True when batchSize was not given and the input was too large to run at once. */
  batchSizeChosen?: boolean;
  /** Reading, running and writing, end to end. */
  seconds: number;
  /** Why the input ran whole although parts or a range were asked for, or it is large. */
  ranWholeBecause?: string;
}

/** Inputs up to this many float32 bytes run at once when no batchSize is given. */
export const WHOLE_RUN_BYTES = 256 * 2 ** 20;
/** The float32 input bytes of one part when the batch size is chosen for a larger input. */
export const CHOSEN_PART_BYTES = 16 * 2 ** 20;

type Checked = Omit<RunFilesOptions, 'range' | 'shard'> & { range?: (sequences: number) => SequenceRange };

function checkFunction<T>(value: unknown, name: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${name}: expected a function, got ${describe(value)}`);
  return value as T | undefined;
}

function checkInputs(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`runModelOnFiles: inputs: expected an object of input name -> .npy path, got ${describe(value)}`);
  for (const [name, file] of Object.entries(value)) {
    if (typeof file !== 'string' || file === '') throw new TypeError(`runModelOnFiles: inputs.${name}: expected a .npy path, got ${describe(file)}`);
  }
  return value as Record<string, string>;
}

function checkRangeOption(o: Record<string, unknown>): Checked['range'] {
  if (o.range !== undefined && o.shard !== undefined) throw new TypeError('runModelOnFiles: give range or shard, not both');
  if (o.range !== undefined) {
    const r = checkOptionsObject(o.range, ['start', 'end'], 'runModelOnFiles: range');
    return (sequences) => checkRange(r as unknown as SequenceRange, sequences, 'runModelOnFiles: range');
  }
  if (o.shard !== undefined) {
    const s = checkOptionsObject(o.shard, ['index', 'count'], 'runModelOnFiles: shard');
    return (sequences) => shardRange(sequences, s.index as number, s.count as number);
  }
  return undefined;
}

function checkOptions(options: unknown): Checked {
  const o = checkOptionsObject(options, ['inputs', 'outDir', 'batchSize', 'range', 'shard', 'onProgress', 'onCleanup', 'signal'], 'runModelOnFiles options');
  if (typeof o.outDir !== 'string' || o.outDir === '') throw new TypeError(`runModelOnFiles: outDir: expected a folder path, got ${describe(o.outDir)}`);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new TypeError(`runModelOnFiles: signal: expected an AbortSignal, got ${describe(o.signal)}`);
  return {
    inputs: checkInputs(o.inputs),
    outDir: o.outDir,
    batchSize: o.batchSize === undefined ? undefined : positiveInteger(o.batchSize, 'runModelOnFiles: batchSize'),
    range: checkRangeOption(o),
    onProgress: checkFunction(o.onProgress, 'runModelOnFiles: onProgress'),
    onCleanup: checkFunction(o.onCleanup, 'runModelOnFiles: onCleanup'),
    signal: o.signal as AbortSignal | undefined,
  };
}

async function openInputs(inputs: Record<string, string>): Promise<Map<string, NpyFile>> {
  const opened = await Promise.allSettled(Object.entries(inputs).map(async ([name, file]) => [name, await openNpy(file)] as const));
  const files = new Map(opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
  const failed = opened.find((r) => r.status === 'rejected');
  if (failed) {
    await closeAll(files);
    throw (failed as PromiseRejectedResult).reason;
  }
  return files;
}

async function closeAll(files: Map<string, NpyFile>): Promise<void> {
  await Promise.all([...files.values()].map((f) => f.close()));
}

/** float32 bytes per sequence over every input. */
function bytesPerSequence(files: Map<string, NpyFile>, axes: BatchAxes): number {
  let bytes = 0;
  for (const [name, file] of files) {
    const axis = axes.inputs[name];
    bytes += file.shape[axis] === 0 ? 0 : (sizeOf(file.shape) / file.shape[axis]) * 4;
  }
  return bytes;
}

function partSize(asked: number | undefined, sequences: number, perSequence: number): { batchSize: number; chosen: boolean } {
  if (asked !== undefined) return { batchSize: asked, chosen: false };
  if (sequences * perSequence <= WHOLE_RUN_BYTES) return { batchSize: Math.max(1, sequences), chosen: false };
  return { batchSize: Math.max(1, Math.floor(CHOSEN_PART_BYTES / perSequence)), chosen: true };
}

/** The whole input in one run, for a model whose batch axis is not known: it must fit in memory. */
async function runWhole(model: Model, files: Map<string, NpyFile>, o: Checked): Promise<WrittenFile[]> {
  const tooLarge = [...files.values()].find((f) => f.size > MAX_FILE_BYTES);
  if (tooLarge) throw new RangeError(`${tooLarge.label}: ${tooLarge.size} bytes: a model whose batch axis is not known runs its input whole, and a whole run reads at most ${MAX_FILE_BYTES} bytes a file`);
  const feeds = Object.fromEntries([...files].map(([name, file]) => [name, readNpy(file.label)]));
  o.signal?.throwIfAborted();
  const result = await model.run(feeds);
  const outputs = await OutputFiles.open(new Map(Object.entries(result).map(([name, t]) => [name, t.shape])), outputPaths(Object.keys(result), o.outDir, null));
  try {
    for (const [name, tensor] of Object.entries(result)) await outputs.writer(name).writeAll(tensor);
    return await outputs.commit();
  } catch (error) {
    const removed = await outputs.abort();
    if (removed.length > 0) o.onCleanup?.(removed);
    throw error;
  }
}

export async function runModelOnFiles(model: Model, options: RunFilesOptions): Promise<RunFilesResult> {
  const o = checkOptions(options);
  // Before any file is opened: a wrong name is not taken for an input without batch axis.
  checkFeedNames(o.inputs, model.inputNames, model.optionalInputNames);
  const files = await openInputs(o.inputs);
  try {
    const plan = planBatches(model, Object.fromEntries([...files].map(([name, f]) => [name, f.layout])));
    const start = performance.now();
    const seconds = () => (performance.now() - start) / 1000;
    await mkdir(o.outDir, { recursive: true });
    if (plan.kind === 'whole') {
      if (o.range) throw new RangeError(`cannot run a range or shard of the batch: ${plan.reason}`);
      const large = [...files.values()].some((f) => f.size > WHOLE_RUN_BYTES);
      const written = await runWhole(model, files, o);
      return { written, sequences: null, runs: 1, seconds: seconds(), ...((o.batchSize !== undefined || large) && { ranWholeBecause: plan.reason }) };
    }
    const range = o.range?.(plan.sequences) ?? { start: 0, end: plan.sequences };
    const sequences = range.end - range.start;
    const { batchSize, chosen } = partSize(o.batchSize, sequences, bytesPerSequence(files, plan.axes));
    const { written, runs } = await runStreamed({
      model, files, axes: plan.axes, range, batchSize,
      pathsFor: (names) => outputPaths(names, o.outDir, o.range ? range : null, plan.axes.outputs),
      onProgress: o.onProgress, onCleanup: o.onCleanup, signal: o.signal,
    });
    return {
      written, sequences, runs, seconds: seconds(),
      ...(o.range && { range }), ...(runs > 1 && { batchSize }), ...(chosen && { batchSizeChosen: true }),
    };
  } finally {
    await closeAll(files);
  }
}
