// `vanilla-rnn run`: a model file on .npy inputs, whole or --batch-size sequences at a time, writing
// <output name>.npy. stdout lists the files written; progress and throughput go to stderr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkFeedNames } from '../formats/feeds';
import { encodeNpy, readNpy } from '../formats/npy';
import { loadModel, type LoadModelOptions, type Model } from '../model';
import type { Tensor } from '../tensor';
import { planBatches, type BatchPlan } from './batch-plan';
import { runInParts } from './batched-run';
import { progressBar, throughputLine, type ErrorStream, type RunSummary } from './progress';

export interface RunOptions {
  input: string[];
  outDir: string;
  batchSize?: number;
  nonlinearity?: 'tanh' | 'relu';
  batchFirst?: boolean;
}

export interface CommandOutput {
  print: (line: string) => void;
  stderr: ErrorStream;
}

/** `--input x.npy` feeds the model's main input; `--input name=file.npy` a named one. */
function feedsFrom(inputs: string[], mainInput: string): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const spec of inputs) {
    const at = spec.indexOf('=');
    const name = at > 0 && !spec.slice(0, at).includes(path.sep) ? spec.slice(0, at) : mainInput;
    const file = name === mainInput && at <= 0 ? spec : spec.slice(at + 1);
    feeds[name] = readNpy(file);
  }
  return feeds;
}

/** Only the options given: loadModel refuses them for formats other than safetensors. */
export function stateDictOptions({ nonlinearity, batchFirst }: Pick<RunOptions, 'nonlinearity' | 'batchFirst'>): LoadModelOptions {
  return { ...(nonlinearity && { nonlinearity }), ...(batchFirst !== undefined && { batchFirst }) };
}

async function execute(model: Model, feeds: Record<string, Tensor>, plan: BatchPlan, stderr: ErrorStream): Promise<{ outputs: Record<string, Tensor>; summary: RunSummary }> {
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  if (plan.kind === 'whole') {
    const outputs = await model.run(feeds);
    return { outputs, summary: { sequences: plan.sequences, runs: 1, seconds: seconds() } };
  }
  const progress = progressBar(plan.sequences, stderr);
  try {
    const outputs = await runInParts(model, feeds, plan, (done) => progress.update(done));
    const runs = Math.ceil(plan.sequences / plan.batchSize);
    return { outputs, summary: { sequences: plan.sequences, runs, batchSize: plan.batchSize, seconds: seconds() } };
  } finally {
    progress.stop();
  }
}

function writeOutputs(outputs: Record<string, Tensor>, outDir: string, print: (line: string) => void): void {
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, tensor] of Object.entries(outputs)) {
    const target = path.join(outDir, `${name}.npy`);
    fs.writeFileSync(target, encodeNpy(tensor));
    print(`wrote ${target} [${tensor.shape.join(', ')}]`);
  }
}

export async function runModelFile(file: string, options: RunOptions, { print, stderr }: CommandOutput): Promise<void> {
  const model = await loadModel(file, stateDictOptions(options));
  const feeds = feedsFrom(options.input, model.inputNames[0]);
  checkFeedNames(feeds, model.inputNames, model.optionalInputNames); // before a wrong name is taken for an input without batch axis
  const plan = planBatches(model, feeds, options.batchSize);
  if (plan.kind === 'whole' && plan.reason) stderr.write(`vanilla-rnn: ${path.basename(file)}: ${plan.reason}; running the whole input at once\n`);
  const { outputs, summary } = await execute(model, feeds, plan, stderr);
  writeOutputs(outputs, options.outDir, print);
  stderr.write(`${throughputLine(summary)}\n`);
}
