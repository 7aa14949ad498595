// A saved PyTorch nn.RNN state_dict (safetensors) as a Model: feeds x, h0, lengths; outputs y, hn.
import { RNN, type ForwardOptions, type RNNOutput } from '../rnn';

/** The feeds' h0 and lengths: what forward and forwardAsync both take. */
type StateOptions = Pick<ForwardOptions, 'h0' | 'lengths'>;
import { describe, formatShape, toTensor, type Tensor } from '../tensor';
import { checkDeclaredShape, checkFeedNames } from './feeds';
import { decodeSafetensors } from './safetensors';
import { inferStateDict, type StateDictLayout } from './state-dict';
import type { BatchAxes, Dim, Feeds, Model } from './types';

export interface StateDictOptions {
  nonlinearity?: 'tanh' | 'relu';
  batchFirst?: boolean;
}

type Source = 'options' | 'metadata' | 'default';

/**
 * `__metadata__` keys read (safetensors metadata values are strings): `nonlinearity` ("tanh" or
 * "relu") and `batch_first` (or `batchFirst`: "true"/"false", "True"/"False", "1"/"0").
 */
function fromMetadata(metadata: Record<string, string>, label: string): StateDictOptions {
  const found: StateDictOptions = {};
  const nonlinearity = metadata.nonlinearity;
  if (nonlinearity !== undefined) {
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new RangeError(`${label}: __metadata__ nonlinearity must be "tanh" or "relu", got "${nonlinearity}"`);
    found.nonlinearity = nonlinearity;
  }
  const batchFirst = metadata.batch_first ?? metadata.batchFirst;
  if (batchFirst !== undefined) {
    const value = { true: true, True: true, 1: true, false: false, False: false, 0: false }[batchFirst];
    if (value === undefined) throw new RangeError(`${label}: __metadata__ batch_first must be "true" or "false", got "${batchFirst}"`);
    found.batchFirst = value;
  }
  return found;
}

function pick<T>(option: T | undefined, metadata: T | undefined, fallback: T): [T, Source] {
  if (option !== undefined) return [option, 'options'];
  if (metadata !== undefined) return [metadata, 'metadata'];
  return [fallback, 'default'];
}

function buildRnn(layout: StateDictLayout, nonlinearity: 'tanh' | 'relu', batchFirst: boolean, label: string): RNN {
  try {
    const { inputSize, hiddenSize, numLayers, bidirectional, bias } = layout;
    const rnn = new RNN({ inputSize, hiddenSize, numLayers, bidirectional, bias, nonlinearity, batchFirst });
    rnn.loadStateDict(layout.weights);
    return rnn;
  } catch (error) {
    throw new RangeError(`${label}: ${(error as Error).message}`);
  }
}

function lengthsOf(value: unknown): ArrayLike<number> {
  if (typeof value === 'object' && value !== null && 'data' in value && 'shape' in value) {
    const tensor = toTensor(value, 'lengths');
    if (tensor.shape.length !== 1) throw new RangeError(`input 'lengths': expected shape [batch], got ${formatShape(tensor.shape)}`);
    return tensor.data;
  }
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) return value as unknown as ArrayLike<number>;
  throw new TypeError(`input 'lengths': expected an array of integers or a [batch] tensor, got ${describe(value)}`);
}

export class StateDictModel implements Model {
  readonly format = 'safetensors' as const;
  readonly inputNames = ['x', 'h0', 'lengths'];
  readonly optionalInputNames = ['h0', 'lengths'];
  readonly outputNames = ['y', 'hn'];
  readonly inputShapes: Record<string, Dim[] | null>;
  readonly outputShapes: Record<string, Dim[] | null>;
  readonly batchAxes: BatchAxes;
  readonly config: Record<string, unknown>;
  readonly numParameters: number;
  private readonly rnn: RNN;

  constructor(bytes: Uint8Array, label: string, options: StateDictOptions = {}) {
    const file = decodeSafetensors(bytes, label);
    const layout = inferStateDict(file.tensors, label);
    const stored = fromMetadata(file.metadata, label);
    const [nonlinearity, nonlinearityFrom] = pick<'tanh' | 'relu'>(options.nonlinearity, stored.nonlinearity, 'tanh');
    const [batchFirst, batchFirstFrom] = pick(options.batchFirst, stored.batchFirst, false);
    this.rnn = buildRnn(layout, nonlinearity, batchFirst, label);
    const { inputSize, hiddenSize, numLayers, bidirectional, bias } = layout;
    this.config = {
      inputSize, hiddenSize, numLayers, nonlinearity, bias, batchFirst, bidirectional,
      sources: { nonlinearity: nonlinearityFrom, batchFirst: batchFirstFrom }, metadata: file.metadata,
    };
    this.numParameters = this.rnn.numParameters;
    const rows = numLayers * (bidirectional ? 2 : 1);
    const sequence = (width: number): Dim[] => (batchFirst ? ['batch', 'seq', width] : ['seq', 'batch', width]);
    this.inputShapes = { x: sequence(inputSize), h0: [rows, 'batch', hiddenSize], lengths: ['batch'] };
    this.outputShapes = { y: sequence((bidirectional ? 2 : 1) * hiddenSize), hn: [rows, 'batch', hiddenSize] };
    const sequenceAxis = batchFirst ? 0 : 1;
    this.batchAxes = { inputs: { x: sequenceAxis, h0: 1, lengths: 0 }, outputs: { y: sequenceAxis, hn: 1 } };
  }

  runSync(feeds: Feeds): Record<string, Tensor> {
    const { x, options } = this.prepare(feeds);
    return this.results(this.rnn.forward(x, options));
  }

  async run(feeds: Feeds): Promise<Record<string, Tensor>> {
    const { x, options } = this.prepare(feeds);
    return this.results(await this.rnn.forwardAsync(x, options));
  }

  private prepare(feeds: Feeds): { x: Tensor; options: StateOptions } {
    const given = checkFeedNames(feeds, this.inputNames, this.optionalInputNames);
    const x = toTensor(given.get('x'), 'x');
    // An unbatched [seq, input] x is PyTorch's too; the RNN checks that form itself.
    if (x.shape.length !== 2) checkDeclaredShape('x', x.shape, this.inputShapes.x);
    const options: StateOptions = {};
    if (given.has('h0')) options.h0 = given.get('h0') as ForwardOptions['h0'];
    if (given.has('lengths')) options.lengths = lengthsOf(given.get('lengths'));
    return { x, options };
  }

  private results({ output, hn }: RNNOutput): Record<string, Tensor> {
    return { y: output, hn };
  }
}
