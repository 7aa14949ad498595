// `vanilla-rnn run`: a model file on .npy inputs, streamed --batch-size sequences at a time (or one
// --shard of the batch), writing <output name>.npy. stdout lists the files written; progress,
// throughput and what happened on a failure or an interrupt go to stderr.
import * as path from 'node:path';
import { loadModel, runModelOnFiles, type LoadModelOptions, type RunFilesResult } from '../index';
import { progressBar, throughputLine, type ErrorStream } from './progress';
import { interruptible } from './signals';

export interface RunOptions {
  input: string[];
  outDir: string;
  batchSize?: number;
  shard?: { index: number; count: number };
  nonlinearity?: 'tanh' | 'relu';
  batchFirst?: boolean;
  prefix?: string;
}

export interface CommandOutput {
  print: (line: string) => void;
  stderr: ErrorStream;
}

/** `--input x.npy` feeds the model's main input; `--input name=file.npy` a named one. */
export function inputFiles(inputs: string[], mainInput: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const spec of inputs) {
    const at = spec.indexOf('=');
    const name = at > 0 && !spec.slice(0, at).includes(path.sep) ? spec.slice(0, at) : mainInput;
    files[name] = name === mainInput && at <= 0 ? spec : spec.slice(at + 1);
  }
  return files;
}

/** Only the options given: loadModel refuses them for formats other than PyTorch state_dicts. */
export function stateDictOptions({ nonlinearity, batchFirst, prefix }: Pick<RunOptions, 'nonlinearity' | 'batchFirst' | 'prefix'>): LoadModelOptions {
  return { ...(nonlinearity && { nonlinearity }), ...(batchFirst !== undefined && { batchFirst }), ...(prefix !== undefined && { prefix }) };
}

function notes(file: string, result: RunFilesResult, stderr: ErrorStream): void {
  const name = path.basename(file);
  if (result.ranWholeBecause) stderr.write(`vanilla-rnn: ${name}: ${result.ranWholeBecause}; running the whole input at once\n`);
  if (result.batchSizeChosen) stderr.write(`vanilla-rnn: ${name}: the input is large: it ran in parts of ${result.batchSize} sequences (--batch-size sets the part size)\n`);
}

export async function runModelFile(file: string, options: RunOptions, { print, stderr }: CommandOutput): Promise<void> {
  const model = await loadModel(file, stateDictOptions(options));
  let progress: ReturnType<typeof progressBar> | null = null;
  const onProgress = (done: number, total: number) => {
    progress ??= progressBar(total, stderr);
    progress.update(done);
  };
  const onCleanup = (removed: string[]) => {
    (progress as ReturnType<typeof progressBar> | null)?.stop();
    stderr.write(`vanilla-rnn: the run did not finish: removed its unfinished ${removed.join(', ')}; no output was written\n`);
  };
  const result = await interruptible(stderr, (signal) => runModelOnFiles(model, {
    inputs: inputFiles(options.input, model.inputNames[0]), outDir: options.outDir, batchSize: options.batchSize,
    ...(options.shard && { shard: options.shard }), onProgress, onCleanup, signal,
  }), () => (progress as ReturnType<typeof progressBar> | null)?.stop());
  if (!result) return;
  notes(file, result, stderr);
  for (const { path: written, shape } of result.written) print(`wrote ${written} [${shape.join(', ')}]`);
  stderr.write(`${throughputLine(result)}\n`);
}
