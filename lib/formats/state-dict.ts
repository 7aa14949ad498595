// An nn.RNN's constructor arguments inferred from its state_dict: layer count from weight_ih_l{k},
// sizes from weight_ih_l0, direction from the _reverse names, bias from bias_ih_l0.
import { MalformedFileError, UnsupportedError } from '../errors';
import { fromGluonNames } from '../rnn/gluon-names';
import { describeKeys, keyMismatch, selectRnn, type RnnSelection } from '../rnn/module-prefix';
import { parameterSlots } from '../rnn/parameters';
import { formatShape, type Tensor } from '../tensor';

export interface StateDictLayout {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  bias: boolean;
  /** The tensors under PyTorch's names (a module prefix such as "rnn." removed). */
  weights: Record<string, Tensor>;
  /** Where in the state_dict the RNN was, and the keys outside it. */
  selection: Omit<RnnSelection<Tensor>, 'dict'>;
}

function checkRecurrentShape(weights: Record<string, Tensor>, prefix: string, label: string): number {
  const hh = weights.weight_hh_l0;
  if (!hh || hh.shape.length !== 2) throw new MalformedFileError(`${label}: ${prefix}weight_hh_l0 must be a [hidden_size, hidden_size] matrix, got ${hh ? formatShape(hh.shape) : 'nothing'}`);
  const [rows, hidden] = hh.shape;
  if (rows === 3 * hidden || rows === 4 * hidden) {
    throw new UnsupportedError(`${label}: ${prefix}weight_hh_l0 is ${formatShape(hh.shape)}, a ${rows === 3 * hidden ? 'GRU' : 'LSTM'} state_dict; only nn.RNN is supported`);
  }
  return hidden;
}

/**
 * Every tensor the inferred nn.RNN needs, with its shape, before the RNN is built: the RNN's own
 * buffers are sized from these shapes, so they must be backed by bytes in the file.
 */
function checkComplete(layout: Omit<StateDictLayout, 'weights' | 'selection'>, weights: Record<string, Tensor>, prefix: string, label: string): void {
  const slots = parameterSlots({ ...layout, numDirections: layout.bidirectional ? 2 : 1 });
  const mismatch = keyMismatch(slots.map((s) => s.name), Object.keys(weights), prefix);
  if (mismatch) throw new MalformedFileError(`${label}: not a complete nn.RNN state_dict: ${mismatch}`);
  for (const slot of slots) {
    const shape = weights[slot.name].shape;
    if (formatShape(shape) !== formatShape(slot.shape)) {
      throw new MalformedFileError(`${label}: ${prefix}${slot.name} has shape ${formatShape(shape)}, expected ${formatShape(slot.shape)}`);
    }
  }
}

/**
 * The nn.RNN in `tensors`: the whole dict, the keys under `prefix`, or those under the one module
 * that holds an nn.RNN's parameters.
 */
export function inferStateDict(tensors: Map<string, Tensor>, label: string, prefix?: string): StateDictLayout {
  const { dict, ...selection } = selectRnn(Object.fromEntries(tensors), prefix, label);
  const weights = fromGluonNames(dict);
  const ih = weights.weight_ih_l0;
  if (!ih) {
    const under = selection.prefix === '' ? '' : ` under '${selection.prefix}'`;
    throw new MalformedFileError(`${label}: no weight_ih_l0 tensor${under}, so not an nn.RNN state_dict (tensors: ${describeKeys([...tensors.keys()])})`);
  }
  if (ih.shape.length !== 2 || ih.shape[0] === 0 || ih.shape[1] === 0) {
    throw new MalformedFileError(`${label}: ${selection.prefix}weight_ih_l0 must be a non-empty [hidden_size, input_size] matrix, got ${formatShape(ih.shape)}`);
  }
  checkRecurrentShape(weights, selection.prefix, label);
  let numLayers = 1;
  while (`weight_ih_l${numLayers}` in weights) numLayers++;
  const layout = {
    inputSize: ih.shape[1],
    hiddenSize: ih.shape[0],
    numLayers,
    bidirectional: 'weight_ih_l0_reverse' in weights,
    bias: 'bias_ih_l0' in weights,
  };
  checkComplete(layout, weights, selection.prefix, label);
  return { ...layout, weights, selection };
}
