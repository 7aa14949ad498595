// What a batch job on the queue holds: a model file, its input files, a range of the batch and the
// folder its shard files go to. Checked when taken from the queue: a malformed job fails at once,
// without retries. A job is idempotent: running it again rewrites the same shard files atomically.
import type { LoadModelOptions } from '../model';
import { checkOptionsObject, positiveInteger } from '../options';
import { describe, formatValue } from '../tensor';
import type { SequenceRange } from '../batch-run/shards';

export interface BatchJobData {
  /** The model file (or TF.js folder), as the worker can read it. */
  model: string;
  /** safetensors only: how PyTorch built the nn.RNN. */
  modelOptions?: Pick<LoadModelOptions, 'nonlinearity' | 'batchFirst'>;
  /** Input name -> .npy path. */
  inputs: Record<string, string>;
  /** Sequences [start, end) of the batch. */
  range: [number, number];
  /** Where <output>.shard-<start>-<end>-axis<k>.npy go. */
  outDir: string;
  /** Sequences per run; default as runModelOnFiles chooses. */
  batchSize?: number;
}

/** What a finished job returns (kept by the queue as the job's return value). */
export interface BatchJobResult {
  written: Array<{ name: string; path: string; shape: number[] }>;
  sequences: number;
  seconds: number;
  /** host:pid of the worker process that ran it. */
  worker: string;
}

function path(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what}: expected a path, got ${describe(value)}`);
  return value;
}

function range(value: unknown): [number, number] {
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => Number.isSafeInteger(v) && v >= 0) && value[0] <= value[1];
  if (!ok) throw new RangeError(`job range: expected [start, end] with 0 <= start <= end, got ${Array.isArray(value) ? `[${value.map(formatValue).join(', ')}]` : describe(value)}`);
  return [value[0], value[1]];
}

/** The job's data, checked; a TypeError or RangeError naming the field otherwise. */
export function checkJobData(data: unknown): BatchJobData {
  const o = checkOptionsObject(data, ['model', 'modelOptions', 'inputs', 'range', 'outDir', 'batchSize'], 'job data');
  if (data === undefined) throw new TypeError('job data: expected an object, got undefined');
  const inputs = checkOptionsObject(o.inputs, Object.keys(o.inputs ?? {}), 'job inputs');
  if (o.inputs === undefined || Object.keys(inputs).length === 0) throw new TypeError('job inputs: expected an object of input name -> .npy path');
  const modelOptions = checkOptionsObject(o.modelOptions, ['nonlinearity', 'batchFirst'], 'job modelOptions') as BatchJobData['modelOptions'];
  return {
    model: path(o.model, 'job model'),
    ...(o.modelOptions !== undefined && { modelOptions }),
    inputs: Object.fromEntries(Object.entries(inputs).map(([name, file]) => [name, path(file, `job inputs.${name}`)])),
    range: range(o.range),
    outDir: path(o.outDir, 'job outDir'),
    ...(o.batchSize !== undefined && { batchSize: positiveInteger(o.batchSize, 'job batchSize') }),
  };
}

export function rangeOf(data: BatchJobData): SequenceRange {
  return { start: data.range[0], end: data.range[1] };
}
