// A saved PyTorch state_dict (safetensors, or torch.save's .pt) holding an nn.RNN as a Model: feeds
// x, h0, lengths; outputs y, hn. A state_dict holds weights only: how the nn.RNN was built
// (nonlinearity, batch_first) comes from the options, else the file's __metadata__, else PyTorch's
// defaults, and a warning says so, since neither can be told from the weights.
import { MalformedFileError, ShapeError } from '../errors';
import { RNN, type ForwardOptions, type RNNOutput } from '../rnn';
import { partialModelNote } from '../rnn/module-prefix';
import { warn } from '../warnings';

/** The feeds' h0 and lengths: what forward and forwardAsync both take. */
type StateOptions = Pick<ForwardOptions, 'h0' | 'lengths'>;
import { describe, formatShape, toTensor, type Tensor } from '../tensor';
import { realLength, typedArrayKind } from '../typed-arrays';
import { checkDeclaredShape, checkFeedNames } from './feeds';
import { inferStateDict, type StateDictLayout } from './state-dict';
import type { BatchAxes, Dim, ElementType, Feeds, ModelCore } from './types';

export interface StateDictOptions {
  nonlinearity?: 'tanh' | 'relu';
  batchFirst?: boolean;
  /** The module path of the nn.RNN in a whole model's state_dict ('rnn.'). */
  prefix?: string;
}

/** A state_dict as read from its file. */
export interface StateDictFile {
  format: 'safetensors' | 'pytorch';
  label: string;
  tensors: Map<string, Tensor>;
  /** safetensors' __metadata__; empty for .pt files, which have none. */
  metadata: Record<string, string>;
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
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new MalformedFileError(`${label}: __metadata__ nonlinearity must be "tanh" or "relu", got "${nonlinearity}"`);
    found.nonlinearity = nonlinearity;
  }
  const batchFirst = metadata.batch_first ?? metadata.batchFirst;
  if (batchFirst !== undefined) {
    const value = { true: true, True: true, 1: true, false: false, False: false, 0: false }[batchFirst];
    if (value === undefined) throw new MalformedFileError(`${label}: __metadata__ batch_first must be "true" or "false", got "${batchFirst}"`);
    found.batchFirst = value;
  }
  return found;
}

function pick<T>(option: T | undefined, metadata: T | undefined, fallback: T): [T, Source] {
  if (option !== undefined) return [option, 'options'];
  if (metadata !== undefined) return [metadata, 'metadata'];
  return [fallback, 'default'];
}

function assumptionNote(file: StateDictFile, assumed: { nonlinearity?: string; batchFirst?: boolean }): string | null {
  const parts = [];
  if (assumed.nonlinearity !== undefined) parts.push(`nonlinearity '${assumed.nonlinearity}'`);
  if (assumed.batchFirst !== undefined) parts.push('batch_first False (x as [seq, batch, features])');
  if (parts.length === 0) return null;
  const options = [assumed.nonlinearity !== undefined && 'nonlinearity', assumed.batchFirst !== undefined && 'batchFirst'].filter(Boolean).join(' and ');
  const flags = [assumed.nonlinearity !== undefined && '--nonlinearity tanh|relu', assumed.batchFirst !== undefined && '--batch-first or --no-batch-first'].filter(Boolean).join(', ');
  const store = file.format === 'safetensors' ? ', or write them into the file\'s __metadata__' : '';
  return `${file.label}: the file does not say how its nn.RNN was built, so it runs with ${parts.join(' and ')}, PyTorch's defaults; `
    + `the weights cannot tell, and a model built otherwise gives wrong numbers. Pass loadModel's ${options} option${assumed.nonlinearity !== undefined && assumed.batchFirst !== undefined ? 's' : ''} `
    + `(on the command line ${flags})${store}`;
}

function buildRnn(layout: StateDictLayout, nonlinearity: 'tanh' | 'relu', batchFirst: boolean, label: string): RNN {
  try {
    const { inputSize, hiddenSize, numLayers, bidirectional, bias } = layout;
    const rnn = new RNN({ inputSize, hiddenSize, numLayers, bidirectional, bias, nonlinearity, batchFirst });
    rnn.loadStateDict(layout.weights);
    return rnn;
  } catch (error) {
    throw new MalformedFileError(`${label}: ${(error as Error).message}`, { cause: error });
  }
}

const isBigIntArray = (value: unknown): value is BigInt64Array | BigUint64Array => value instanceof BigInt64Array || value instanceof BigUint64Array;

/** Lengths as numbers: int64 lengths (PyTorch's, or onnxruntime-style BigInt64Array) are converted. */
function asNumbers(data: unknown): ArrayLike<number> {
  return isBigIntArray(data) ? Array.from(data.subarray(0, realLength(data)), Number) : data as ArrayLike<number>;
}

function lengthsOf(value: unknown): ArrayLike<number> {
  if (typeof value === 'object' && value !== null && 'data' in value && 'shape' in value) {
    const { data, shape } = value as { data: unknown; shape: unknown };
    const kind = typedArrayKind(data);
    const integers = kind !== undefined && kind !== 'Float32Array' && kind !== 'Float64Array';
    // An integer tensor's shape is checked against its element count like any tensor's.
    const tensor = toTensor({ data: integers ? new Float32Array(realLength(data as Int32Array)) : data, shape }, 'lengths');
    if (tensor.shape.length !== 1) throw new ShapeError(`input 'lengths': expected shape [batch], got ${formatShape(tensor.shape)}`);
    return integers ? asNumbers(data) : tensor.data;
  }
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) return asNumbers(value);
  throw new TypeError(`input 'lengths': expected an array of integers or a [batch] tensor, got ${describe(value)}`);
}

export class StateDictModel implements ModelCore {
  readonly format: StateDictFile['format'];
  readonly inputNames = ['x', 'h0', 'lengths'];
  readonly optionalInputNames = ['h0', 'lengths'];
  readonly outputNames = ['y', 'hn'];
  readonly inputShapes: Record<string, Dim[] | null>;
  readonly outputShapes: Record<string, Dim[] | null>;
  readonly batchAxes: BatchAxes;
  readonly config: Record<string, unknown>;
  readonly numParameters: number;
  /** PyTorch's lengths are int64; any integers are taken. */
  readonly valueTypes: Record<string, ElementType> = { lengths: 'int64' };
  private readonly rnn: RNN;

  constructor(file: StateDictFile, options: StateDictOptions = {}) {
    const { format, label } = file;
    this.format = format;
    const layout = inferStateDict(file.tensors, label, options.prefix);
    const stored = fromMetadata(file.metadata, label);
    const [nonlinearity, nonlinearityFrom] = pick<'tanh' | 'relu'>(options.nonlinearity, stored.nonlinearity, 'tanh');
    const [batchFirst, batchFirstFrom] = pick(options.batchFirst, stored.batchFirst, false);
    this.rnn = buildRnn(layout, nonlinearity, batchFirst, label);
    const { inputSize, hiddenSize, numLayers, bidirectional, bias, selection } = layout;
    this.config = {
      inputSize, hiddenSize, numLayers, nonlinearity, bias, batchFirst, bidirectional,
      prefix: selection.prefix, unusedKeys: selection.unused,
      sources: { nonlinearity: nonlinearityFrom, batchFirst: batchFirstFrom, prefix: selection.prefixFrom }, metadata: file.metadata,
    };
    this.numParameters = this.rnn.numParameters;
    const rows = numLayers * (bidirectional ? 2 : 1);
    const sequence = (width: number): Dim[] => (batchFirst ? ['batch', 'seq', width] : ['seq', 'batch', width]);
    this.inputShapes = { x: sequence(inputSize), h0: [rows, 'batch', hiddenSize], lengths: ['batch'] };
    this.outputShapes = { y: sequence((bidirectional ? 2 : 1) * hiddenSize), hn: [rows, 'batch', hiddenSize] };
    const sequenceAxis = batchFirst ? 0 : 1;
    this.batchAxes = { inputs: { x: sequenceAxis, h0: 1, lengths: 0 }, outputs: { y: sequenceAxis, hn: 1 } };
    const partial = partialModelNote({ ...selection, dict: {} }, label);
    if (partial) warn(partial, 'VANILLA_RNN_PARTIAL_MODEL');
    const assumed = assumptionNote(file, {
      nonlinearity: nonlinearityFrom === 'default' ? nonlinearity : undefined, batchFirst: batchFirstFrom === 'default' ? batchFirst : undefined,
    });
    if (assumed) warn(assumed, 'VANILLA_RNN_ASSUMED_CONFIG');
  }

  runSync(feeds: Feeds): Record<string, Tensor> {
    const { x, options } = this.prepare(feeds);
    return this.results(this.rnn.forward(x, options));
  }

  async run(feeds: Feeds): Promise<Record<string, Tensor>> {
    const { x, options } = this.prepare(feeds);
    return this.results(await this.rnn.forwardAsync(x, options));
  }

  release(): void {
    this.rnn.dispose();
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
