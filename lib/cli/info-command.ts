// `vanilla-rnn info`: what a model file holds, as loadModel reads it.
import { loadModel, type Dim } from '../index';
import { stateDictOptions, type RunOptions } from './run-command';

const shape = (dims: Dim[] | null) => (dims ? `[${dims.join(', ')}]` : 'unknown shape');

function notes(...items: Array<string | false>): string {
  const given = items.filter((item): item is string => item !== false);
  return given.length > 0 ? ` (${given.join(', ')})` : '';
}

/** Where `run --batch-size` cuts an input or joins an output. */
function batchAxis(axes: Record<string, number> | undefined, name: string): string | false {
  return axes?.[name] !== undefined && `batch axis ${axes[name]}`;
}

export async function describeModelFile(file: string, options: Pick<RunOptions, 'nonlinearity' | 'batchFirst' | 'prefix'>, print: (line: string) => void): Promise<void> {
  const model = await loadModel(file, stateDictOptions(options));
  print(`format: ${model.format}`);
  print(`parameters: ${model.numParameters}`);
  print(`config: ${JSON.stringify(model.config)}`);
  for (const name of model.inputNames) {
    const optional = model.optionalInputNames.includes(name) && 'optional';
    print(`input ${name}: ${shape(model.inputShapes[name])}${notes(batchAxis(model.batchAxes?.inputs, name), optional)}`);
  }
  for (const name of model.outputNames) print(`output ${name}: ${shape(model.outputShapes[name])}${notes(batchAxis(model.batchAxes?.outputs, name))}`);
  if (!model.batchAxes) print('batch axes: unknown, so run --batch-size processes the input whole');
}
