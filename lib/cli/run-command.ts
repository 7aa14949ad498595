// `vanilla-rnn run`: a model file on .npy inputs, whole or --batch-size sequences at a time, writing
// <output name>.npy. stdout lists the files written; progress and throughput go to stderr.
import * as path from 'node:path';
import { loadModel, runModelOnFiles, type LoadModelOptions } from '../index';
import { progressBar, throughputLine, type ErrorStream } from './progress';

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
function inputFiles(inputs: string[], mainInput: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const spec of inputs) {
    const at = spec.indexOf('=');
    const name = at > 0 && !spec.slice(0, at).includes(path.sep) ? spec.slice(0, at) : mainInput;
    files[name] = name === mainInput && at <= 0 ? spec : spec.slice(at + 1);
  }
  return files;
}

/** Only the options given: loadModel refuses them for formats other than safetensors. */
export function stateDictOptions({ nonlinearity, batchFirst }: Pick<RunOptions, 'nonlinearity' | 'batchFirst'>): LoadModelOptions {
  return { ...(nonlinearity && { nonlinearity }), ...(batchFirst !== undefined && { batchFirst }) };
}

export async function runModelFile(file: string, options: RunOptions, { print, stderr }: CommandOutput): Promise<void> {
  const model = await loadModel(file, stateDictOptions(options));
  let progress: ReturnType<typeof progressBar> | null = null;
  const onProgress = (done: number, total: number) => {
    progress ??= progressBar(total, stderr);
    progress.update(done);
  };
  let result;
  try {
    result = await runModelOnFiles(model, { inputs: inputFiles(options.input, model.inputNames[0]), outDir: options.outDir, batchSize: options.batchSize, onProgress });
  } finally {
    (progress as ReturnType<typeof progressBar> | null)?.stop();
  }
  if (result.ranWholeBecause) stderr.write(`vanilla-rnn: ${path.basename(file)}: ${result.ranWholeBecause}; running the whole input at once\n`);
  for (const { path: written, shape } of result.written) print(`wrote ${written} [${shape.join(', ')}]`);
  stderr.write(`${throughputLine(result)}\n`);
}
