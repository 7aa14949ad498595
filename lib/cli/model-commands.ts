// `vanilla-rnn run` and `vanilla-rnn info`: model files and .npy inputs, no glue code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeNpy, readNpy } from '../formats/npy';
import { loadModel } from '../model';
import type { Tensor } from '../tensor';

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

export async function runModelFile(file: string, options: { input: string[]; outDir: string }, print: (line: string) => void): Promise<void> {
  const model = await loadModel(file);
  const feeds = feedsFrom(options.input, model.inputNames[0]);
  const start = performance.now();
  const outputs = await model.run(feeds);
  const seconds = (performance.now() - start) / 1000;
  fs.mkdirSync(options.outDir, { recursive: true });
  for (const [name, tensor] of Object.entries(outputs)) {
    const target = path.join(options.outDir, `${name}.npy`);
    fs.writeFileSync(target, encodeNpy(tensor));
    print(`wrote ${target} [${tensor.shape.join(', ')}]`);
  }
  const main = feeds[model.inputNames[0]];
  print(`ran ${path.basename(file)} on [${main?.shape.join(', ') ?? ''}] in ${(seconds * 1000).toFixed(2)} ms`);
}

export async function describeModelFile(file: string, print: (line: string) => void): Promise<void> {
  const model = await loadModel(file);
  const shape = (dims: Array<number | string> | null) => (dims ? `[${dims.join(', ')}]` : 'unknown shape');
  print(`format: ${model.format}`);
  print(`parameters: ${model.numParameters}`);
  print(`config: ${JSON.stringify(model.config)}`);
  for (const name of model.inputNames) {
    print(`input ${name}: ${shape(model.inputShapes[name])}${model.optionalInputNames.includes(name) ? ' (optional)' : ''}`);
  }
  for (const name of model.outputNames) print(`output ${name}: ${shape(model.outputShapes[name])}`);
}
