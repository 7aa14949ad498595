// nn.RNN's constructor options (with the ONNX and Gluon extras) resolved into one checked config.
import { onnxActivation, type ActivationSpec } from '../activations';
import type { Direction } from '../native/binding';
import type { KernelActivation } from '../native/kernel-activation';
import { checkOptionsObject, oneOf, optionalBoolean, positiveInteger } from '../options';
import { describe } from '../tensor';

export type { Direction } from '../native/binding';

export interface RNNOptions {
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  /** PyTorch's choice: 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
  bias?: boolean;
  batchFirst?: boolean;
  bidirectional?: boolean;
  /** ONNX direction; 'reverse' runs one direction backwards. Exclusive with `bidirectional: true`. */
  direction?: Direction;
  /** ONNX activations, one per direction (or one for all), instead of `nonlinearity`. */
  activations?: Array<string | ActivationSpec>;
  /** ONNX clip: the pre-activation is clamped to [-clip, clip]. */
  clip?: number;
  /** MXNet Gluon's layout: 'TNC' is time-major, 'NTC' batch-first. Exclusive with `batchFirst`. */
  layout?: 'TNC' | 'NTC';
  /** Seed for the initial weights (uniform in ±1/sqrt(hiddenSize), as PyTorch). */
  seed?: number;
}

/** An activation as the model runs it: its ONNX name and the parameters it takes (0 where unused). */
export type ResolvedActivation = KernelActivation;

export interface RNNConfig {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  nonlinearity: 'tanh' | 'relu';
  bias: boolean;
  batchFirst: boolean;
  bidirectional: boolean;
  direction: Direction;
  /** One per direction. */
  activations: ResolvedActivation[];
  clip: number | undefined;
}

const RNN_OPTIONS = ['inputSize', 'hiddenSize', 'numLayers', 'nonlinearity', 'bias', 'batchFirst', 'bidirectional',
  'direction', 'activations', 'clip', 'layout', 'seed'] as const;

function resolveDirection(o: Record<string, unknown>): Direction {
  const bidirectional = optionalBoolean(o.bidirectional, false, 'bidirectional');
  const direction = oneOf(o.direction, ['forward', 'reverse', 'bidirectional'] as const,
    bidirectional ? 'bidirectional' : 'forward', 'direction');
  if (bidirectional && direction !== 'bidirectional') {
    throw new RangeError(`direction: '${direction}' contradicts bidirectional: true`);
  }
  return direction;
}

function resolveActivations(o: Record<string, unknown>, nonlinearity: 'tanh' | 'relu', count: number): ResolvedActivation[] {
  if (o.activations === undefined) return Array.from({ length: count }, () => onnxActivation(nonlinearity, 'nonlinearity'));
  if (o.nonlinearity !== undefined) throw new RangeError('activations: give either nonlinearity or activations, not both');
  const given = o.activations;
  if (!Array.isArray(given) || (given.length !== 1 && given.length !== count)) {
    throw new RangeError(`activations: expected an array of 1 or ${count} activations (one per direction), got ${Array.isArray(given) ? given.length : describe(given)}`);
  }
  return Array.from({ length: count }, (_, i) => onnxActivation(given[given.length === 1 ? 0 : i], `activations[${i}]`));
}

function resolveClip(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new TypeError(`clip: expected a positive number, got ${describe(value)}`);
  if (!(value > 0)) throw new RangeError(`clip: expected a positive number, got ${value}`);
  return value;
}

function resolveBatchFirst(o: Record<string, unknown>): boolean {
  const batchFirst = optionalBoolean(o.batchFirst, false, 'batchFirst');
  if (o.layout === undefined) return batchFirst;
  const layout = oneOf(o.layout, ['TNC', 'NTC'] as const, 'TNC', 'layout');
  if (o.batchFirst !== undefined && batchFirst !== (layout === 'NTC')) {
    throw new RangeError(`layout: '${layout}' contradicts batchFirst: ${batchFirst}`);
  }
  return layout === 'NTC';
}

export function resolveSeed(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`seed: expected an integer in [0, 2^32), got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`seed: expected an integer in [0, 2^32), got ${value}`);
  }
  return value;
}

/** The options checked and completed with PyTorch's defaults; the seed apart, as it is not configuration. */
export function resolveConfig(options: unknown): { config: RNNConfig; seed: number | undefined } {
  if (options === undefined) throw new TypeError('RNN: expected an options object with inputSize and hiddenSize');
  const o = checkOptionsObject(options, RNN_OPTIONS, 'RNN options');
  const nonlinearity = oneOf(o.nonlinearity, ['tanh', 'relu'] as const, 'tanh', 'nonlinearity');
  const direction = resolveDirection(o);
  const config: RNNConfig = {
    inputSize: positiveInteger(o.inputSize, 'inputSize'),
    hiddenSize: positiveInteger(o.hiddenSize, 'hiddenSize'),
    numLayers: o.numLayers === undefined ? 1 : positiveInteger(o.numLayers, 'numLayers'),
    nonlinearity,
    bias: optionalBoolean(o.bias, true, 'bias'),
    batchFirst: resolveBatchFirst(o),
    bidirectional: direction === 'bidirectional',
    direction,
    activations: resolveActivations(o, nonlinearity, direction === 'bidirectional' ? 2 : 1),
    clip: resolveClip(o.clip),
  };
  return { config, seed: resolveSeed(o.seed) };
}
