// Running a model file's model on .npy files: whole, or batchSize sequences at a time, writing one
// <output name>.npy per output. The command line's `run` is this, with a progress bar and a summary.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkFeedNames } from '../formats/feeds';
import { encodeNpy, readNpy } from '../formats/npy';
import type { Model } from '../model';
import type { Tensor } from '../tensor';
import { planBatches, type BatchPlan } from './plan';
import { runInParts } from './run-in-parts';

export interface RunFilesOptions {
  /** Input name -> .npy path. */
  inputs: Record<string, string>;
  /** Where the outputs go, as <output name>.npy. */
  outDir: string;
  /** Sequences per run along the model's batch axes; default: the whole input at once. */
  batchSize?: number;
  /** Told how many sequences have run after each part, and how many there are. */
  onProgress?: (done: number, total: number) => void;
}

export interface RunFilesResult {
  /** The files written, in the model's output order. */
  written: Array<{ name: string; path: string; shape: number[] }>;
  /** Sequences run; null when the model does not tell how many the input holds. */
  sequences: number | null;
  runs: number;
  /** The most sequences one run took, when the input ran in parts. */
  batchSize?: number;
  seconds: number;
  /** Why a batchSize that was asked for could not be used (the input then ran whole). */
  ranWholeBecause?: string;
}

async function execute(model: Model, feeds: Record<string, Tensor>, plan: BatchPlan, onProgress: RunFilesOptions['onProgress']): Promise<Record<string, Tensor>> {
  if (plan.kind === 'whole') return model.run(feeds);
  onProgress?.(0, plan.sequences);
  return runInParts(model, feeds, plan, (done) => onProgress?.(done, plan.sequences));
}

function writeOutputs(outputs: Record<string, Tensor>, outDir: string): RunFilesResult['written'] {
  fs.mkdirSync(outDir, { recursive: true });
  return Object.entries(outputs).map(([name, tensor]) => {
    const target = path.join(outDir, `${name}.npy`);
    fs.writeFileSync(target, encodeNpy(tensor));
    return { name, path: target, shape: tensor.shape.slice() };
  });
}

export async function runModelOnFiles(model: Model, options: RunFilesOptions): Promise<RunFilesResult> {
  const feeds = Object.fromEntries(Object.entries(options.inputs).map(([name, file]) => [name, readNpy(file)]));
  checkFeedNames(feeds, model.inputNames, model.optionalInputNames); // before a wrong name is taken for an input without batch axis
  const plan = planBatches(model, feeds, options.batchSize);
  const start = performance.now();
  const outputs = await execute(model, feeds, plan, options.onProgress);
  const seconds = (performance.now() - start) / 1000;
  const written = writeOutputs(outputs, options.outDir);
  const parts = plan.kind === 'parts' ? { runs: Math.ceil(plan.sequences / plan.batchSize), batchSize: plan.batchSize } : { runs: 1 };
  return { written, sequences: plan.sequences, ...parts, seconds, ...(plan.kind === 'whole' && plan.reason && { ranWholeBecause: plan.reason }) };
}
