// An nn.RNN's constructor arguments inferred from its state_dict: layer count from weight_ih_l{k},
// sizes from weight_ih_l0, direction from the _reverse names, bias from bias_ih_l0.
import { fromGluonNames } from '../rnn/gluon-names';
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
}

/** Drops a common module prefix ("encoder.rnn.weight_ih_l0" -> "weight_ih_l0") when every name has it. */
function withoutPrefix(names: string[]): Map<string, string> {
  const anchor = names.map((n) => /^(.*\.)weight_ih_l0$/.exec(n)?.[1]).find((p) => p !== undefined);
  const prefix = anchor && names.every((n) => n.startsWith(anchor)) ? anchor : '';
  return new Map(names.map((n) => [n, n.slice(prefix.length)]));
}

function renamed(tensors: Map<string, Tensor>): Record<string, Tensor> {
  const names = withoutPrefix([...tensors.keys()]);
  const dict = Object.fromEntries([...tensors].map(([name, t]) => [names.get(name)!, t]));
  return fromGluonNames(dict);
}

function checkRecurrentShape(weights: Record<string, Tensor>, label: string): number {
  const hh = weights.weight_hh_l0;
  if (!hh || hh.shape.length !== 2) throw new RangeError(`${label}: weight_hh_l0 must be a [hidden_size, hidden_size] matrix, got ${hh ? formatShape(hh.shape) : 'nothing'}`);
  const [rows, hidden] = hh.shape;
  if (rows === 3 * hidden || rows === 4 * hidden) {
    throw new RangeError(`${label}: weight_hh_l0 is ${formatShape(hh.shape)}, a ${rows === 3 * hidden ? 'GRU' : 'LSTM'} state_dict; only nn.RNN is supported`);
  }
  return hidden;
}

/**
 * Every tensor the inferred nn.RNN needs, with its shape, before the RNN is built: the RNN's own
 * buffers are sized from these shapes, so they must be backed by bytes in the file.
 */
function checkComplete(layout: Omit<StateDictLayout, 'weights'>, weights: Record<string, Tensor>, label: string): void {
  const slots = parameterSlots({ ...layout, numDirections: layout.bidirectional ? 2 : 1 });
  const expected = new Set(slots.map((s) => s.name));
  const missing = slots.filter((s) => !(s.name in weights)).map((s) => s.name);
  const unexpected = Object.keys(weights).filter((name) => !expected.has(name));
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', unexpected.length > 0 ? `unexpected ${unexpected.join(', ')}` : ''];
    throw new RangeError(`${label}: not a complete nn.RNN state_dict: ${parts.filter(Boolean).join('; ')}`);
  }
  for (const slot of slots) {
    const shape = weights[slot.name].shape;
    if (formatShape(shape) !== formatShape(slot.shape)) {
      throw new RangeError(`${label}: ${slot.name} has shape ${formatShape(shape)}, expected ${formatShape(slot.shape)}`);
    }
  }
}

export function inferStateDict(tensors: Map<string, Tensor>, label: string): StateDictLayout {
  const weights = renamed(tensors);
  const ih = weights.weight_ih_l0;
  if (!ih) {
    const names = [...tensors.keys()].slice(0, 8).join(', ');
    throw new RangeError(`${label}: no weight_ih_l0 tensor, so not an nn.RNN state_dict (tensors: ${names || 'none'})`);
  }
  if (ih.shape.length !== 2 || ih.shape[0] === 0 || ih.shape[1] === 0) {
    throw new RangeError(`${label}: weight_ih_l0 must be a non-empty [hidden_size, input_size] matrix, got ${formatShape(ih.shape)}`);
  }
  checkRecurrentShape(weights, label);
  let numLayers = 1;
  while (`weight_ih_l${numLayers}` in weights) numLayers++;
  const layout = {
    inputSize: ih.shape[1],
    hiddenSize: ih.shape[0],
    numLayers,
    bidirectional: 'weight_ih_l0_reverse' in weights,
    bias: 'bias_ih_l0' in weights,
  };
  checkComplete(layout, weights, label);
  return { ...layout, weights };
}
