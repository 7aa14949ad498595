// The RNN module: PyTorch nn.RNN's constructor options, state_dict and forward, over the native kernel.
import { onnxActivation, type ActivationSpec } from './activations';
import { fromGluonNames } from './gluon-names';
import { addon, type NativeActivation, type NativeRnn } from './native';
import { checkOptionsObject, oneOf, optionalBoolean, positiveInteger } from './options';
import { parameterSlots, type ParameterSlot } from './parameters';
import { randomSeed, seededUniform } from './random';
import { RNNStream, type StreamOptions } from './stream';
import {
  checkFloat32Array, copyOfShape, describe, formatShape, formatValue, sizeOf, toTensor, toTensorOfShape, type Tensor, type TensorLike,
} from './tensor';
import { isDetached, isShared, realLength, typedArrayKind, type TypedArray } from './typed-arrays';

export type Direction = 'forward' | 'reverse' | 'bidirectional';

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

export interface RNNConfig {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  nonlinearity: 'tanh' | 'relu';
  bias: boolean;
  batchFirst: boolean;
  bidirectional: boolean;
  direction: Direction;
  activations: NativeActivation[];
  clip: number | undefined;
}

/** @internal what Keras layers need beyond the public options. */
export interface KernelOverrides {
  activations?: NativeActivation[];
  outputsInProcessingOrder?: boolean;
}

export interface ForwardOptions {
  /** Initial state, shaped like hn; zeros when absent. */
  h0?: TensorLike | Float32Array | null;
  /** Per-sequence lengths (1..T), PyTorch packed-sequence semantics. */
  lengths?: ArrayLike<number> | null;
  /** Caller-owned buffers to write the results into, so steady-state calls allocate nothing. */
  out?: { output?: Float32Array; hn?: Float32Array };
}

export interface AsyncForwardOptions {
  h0?: TensorLike | Float32Array | null;
  lengths?: ArrayLike<number> | null;
  /**
   * Float32Arrays over a SharedArrayBuffer to write the results into (both or neither): a steady
   * stream of calls then allocates nothing. An ArrayBuffer is refused, as it could be transferred
   * while the work runs.
   */
  out?: { output: Float32Array; hn: Float32Array } | null;
  /** Aborting rejects with an AbortError and drops the work if it has not started. */
  signal?: AbortSignal;
}

export interface RNNOutput {
  output: Tensor;
  hn: Tensor;
}

/** Caller-owned results of an async call: Float32Arrays over a SharedArrayBuffer. */
export interface AsyncOutputs {
  output: Float32Array;
  hn: Float32Array;
}

/** @internal what one native call reads and writes, after validation. */
export interface NativeCall {
  input: Float32Array;
  steps: number;
  batch: number;
  batchFirst: boolean;
  h0: Float32Array | null;
  lengths: Int32Array | null;
  mask: Uint8Array | null;
  output: Float32Array;
  hn: Float32Array;
}

/** The addon takes a sequence's steps and batch as 32-bit BLAS sizes. */
const MAX_SEQUENCE_DIM = 2 ** 31 - 1;

/** @internal a RangeError naming the argument when steps or batch is past what the kernel takes (an empty tensor may claim any). */
export function checkSequenceSize(steps: number, batch: number, shape: readonly number[], name: string): void {
  if (steps > MAX_SEQUENCE_DIM || batch > MAX_SEQUENCE_DIM) {
    throw new RangeError(`${name}: shape ${formatShape(shape)} has a sequence length or batch above 2^31-1, the most the kernel takes`);
  }
}

const RNN_OPTIONS = ['inputSize', 'hiddenSize', 'numLayers', 'nonlinearity', 'bias', 'batchFirst', 'bidirectional',
  'direction', 'activations', 'clip', 'layout', 'seed'] as const;
const FORWARD_OPTIONS = ['h0', 'lengths', 'out'] as const;
const ASYNC_FORWARD_OPTIONS = ['h0', 'lengths', 'out', 'signal'] as const;
const DIRECTION_CODES: Record<Direction, number> = { forward: 0, reverse: 1, bidirectional: 2 };

function resolveDirection(o: Record<string, unknown>): Direction {
  const bidirectional = optionalBoolean(o.bidirectional, false, 'bidirectional');
  const direction = oneOf(o.direction, ['forward', 'reverse', 'bidirectional'] as const,
    bidirectional ? 'bidirectional' : 'forward', 'direction');
  if (bidirectional && direction !== 'bidirectional') {
    throw new RangeError(`direction: '${direction}' contradicts bidirectional: true`);
  }
  return direction;
}

function resolveActivations(o: Record<string, unknown>, nonlinearity: 'tanh' | 'relu', count: number): NativeActivation[] {
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

function resolveConfig(options: unknown): RNNConfig {
  if (options === undefined) throw new TypeError('RNN: expected an options object with inputSize and hiddenSize');
  const o = checkOptionsObject(options, RNN_OPTIONS, 'RNN options');
  const nonlinearity = oneOf(o.nonlinearity, ['tanh', 'relu'] as const, 'tanh', 'nonlinearity');
  const direction = resolveDirection(o);
  return {
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
}

/** How many elements a lengths array holds: a typed array's real count, an array's length read once. */
function countOf(value: unknown, batch: number): number {
  if (Array.isArray(value)) return value.length;
  if (typedArrayKind(value) === undefined) {
    throw new TypeError(`lengths: expected an array or Int32Array of ${batch} integers, got ${describe(value)}`);
  }
  if (isDetached(value as TypedArray)) throw new TypeError('lengths: the ArrayBuffer is detached (transferred)');
  return realLength(value as TypedArray);
}

function checkLengths(value: unknown, batch: number, steps: number): Int32Array {
  const count = countOf(value, batch);
  if (count !== batch) throw new RangeError(`lengths: expected ${batch} lengths (one per sequence), got ${count}`);
  const given = value as ArrayLike<unknown>;
  const lengths = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const length = given[b];
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > steps) {
      throw new RangeError(`lengths[${b}]: expected an integer in [1, ${steps}] (the sequence length T), got ${formatValue(length)}`);
    }
    lengths[b] = length;
  }
  return lengths;
}

function checkSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw new TypeError(`signal: expected an AbortSignal, got ${describe(value)}`);
  return value;
}

/** Where an async call writes its results: both given over a SharedArrayBuffer, or null for new buffers. */
function sharedOutputs(given: unknown, shapes: { output: number[]; hn: number[] }): AsyncOutputs | null {
  if (given === undefined || given === null) return null;
  const outs = checkOptionsObject(given, ['output', 'hn'], 'out');
  const buffers = { output: outs.output, hn: outs.hn };
  for (const name of ['output', 'hn'] as const) {
    if (buffers[name] === undefined) throw new TypeError(`out.${name}: expected a Float32Array over a SharedArrayBuffer, got undefined`);
    const buffer = outputBuffer(buffers[name], sizeOf(shapes[name]), `out.${name}`);
    if (!isShared(buffer)) {
      throw new TypeError(`out.${name}: expected a Float32Array over a SharedArrayBuffer, got one over an ArrayBuffer `
        + '(forwardAsync writes while your code runs, and an ArrayBuffer could be transferred meanwhile)');
    }
    buffers[name] = buffer;
  }
  return buffers as AsyncOutputs;
}

function outputBuffer(given: unknown, size: number, name: string): Float32Array {
  if (given === undefined) return new Float32Array(size);
  const buffer = checkFloat32Array(given, name);
  const length = realLength(buffer);
  if (length !== size) throw new RangeError(`${name}: expected a Float32Array of ${size} elements, got ${length}`);
  // The result hands this very array back, so its .length must tell the truth too.
  if (buffer.length !== length) throw new TypeError(`${name}: its length property says ${buffer.length}, but it holds ${length} elements`);
  return buffer;
}

export class RNN {
  readonly config: Readonly<RNNConfig>;
  private readonly native: NativeRnn;
  private readonly slots: ParameterSlot[];
  private parameters = new Map<string, Float32Array>();

  constructor(options: RNNOptions, /** @internal */ kernel: KernelOverrides = {}) {
    const resolved = resolveConfig(options);
    this.config = Object.freeze({ ...resolved, activations: kernel.activations ?? resolved.activations });
    const c = this.config;
    this.native = new addon.NativeRnn({
      inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, direction: DIRECTION_CODES[c.direction],
      activations: c.activations, clip: c.clip ?? Infinity, outputsInProcessingOrder: kernel.outputsInProcessingOrder ?? false,
    });
    this.slots = parameterSlots({ ...c, numDirections: this.numDirections });
    const seed = (options as RNNOptions).seed;
    this.initialise(seed === undefined ? randomSeed() : positiveIntegerOrZero(seed));
  }

  get numDirections(): number {
    return this.config.direction === 'bidirectional' ? 2 : 1;
  }

  /** The state_dict names this model expects, in PyTorch's order. */
  get parameterNames(): string[] {
    return this.slots.map((slot) => slot.name);
  }

  get numParameters(): number {
    return this.slots.reduce((total, slot) => total + sizeOf(slot.shape), 0);
  }

  /**
   * Loads PyTorch state_dict entries (all of them, checked, copied); MXNet Gluon names are accepted
   * too. All or nothing: each entry is read once and copied as it is checked, and the model changes
   * only once every copy is good.
   */
  loadStateDict(given: Record<string, TensorLike | Float32Array>): void {
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw new TypeError(`loadStateDict: expected an object of name -> tensor, got ${describe(given)}`);
    }
    // A snapshot of the entries: a getter in the dict runs once, here, and never between a check and a copy.
    const dict = fromGluonNames(Object.fromEntries(Object.entries(given)));
    this.checkNames(dict);
    const copies = new Map(this.slots.map((slot) => [slot.name, copyOfShape(dict[slot.name], slot.shape, slot.name)]));
    this.replaceParameters(copies);
  }

  private checkNames(dict: Record<string, unknown>): void {
    const expected = new Set(this.parameterNames);
    const unexpected = Object.keys(dict).filter((name) => !expected.has(name));
    const missing = this.parameterNames.filter((name) => !(name in dict));
    if (unexpected.length > 0 || missing.length > 0) {
      const parts = [];
      if (missing.length > 0) parts.push(`missing key(s): ${missing.join(', ')}`);
      if (unexpected.length > 0) parts.push(`unexpected key(s): ${unexpected.join(', ')}`);
      throw new RangeError(`loadStateDict: ${parts.join('; ')}`);
    }
  }

  private replaceParameters(parameters: Map<string, Float32Array>): void {
    try {
      this.uploadWeights(parameters);
    } catch (error) {
      // The copies have the checked sizes, so only memory can fail here: put back what was running.
      this.uploadWeights(this.parameters);
      throw error;
    }
    this.parameters = parameters;
  }

  /** Copies of the parameters under PyTorch's names. */
  stateDict(): Record<string, Tensor> {
    const dict: Record<string, Tensor> = {};
    for (const slot of this.slots) dict[slot.name] = { data: Float32Array.from(this.parameters.get(slot.name)!), shape: slot.shape.slice() };
    return dict;
  }

  /** A stateful stream over this model: push chunks of a sequence, in any split. */
  createStream(options: StreamOptions): RNNStream {
    return new RNNStream(this, options);
  }

  /** Runs the whole stack over a batch: input [T, B, D] ([B, T, D] with batchFirst) or unbatched [T, D]. */
  forward(input: TensorLike, options?: ForwardOptions): RNNOutput {
    const o = checkOptionsObject(options, FORWARD_OPTIONS, 'forward options');
    const outs = checkOptionsObject(o.out ?? undefined, ['output', 'hn'], 'out');
    const { call, outputShape, hnShape } = this.plan(input, o);
    const output = outputBuffer(outs.output, sizeOf(outputShape), 'out.output');
    const hn = outputBuffer(outs.hn, sizeOf(hnShape), 'out.hn');
    // The binding refuses outputs that overlap the inputs.
    this.native.forward(call.input, call.steps, call.batch, call.batchFirst, call.h0, call.lengths, null, output, hn);
    return { output: { data: output, shape: outputShape }, hn: { data: hn, shape: hnShape } };
  }

  /**
   * forward() on the libuv thread pool: the event loop stays free. The inputs are copied when the
   * call is made, so the caller may reuse or transfer its buffers at once; the results arrive in
   * new buffers, or in `out` (over a SharedArrayBuffer).
   */
  forwardAsync(input: TensorLike, options?: AsyncForwardOptions): Promise<RNNOutput> {
    try {
      const o = checkOptionsObject(options, ASYNC_FORWARD_OPTIONS, 'forwardAsync options');
      const signal = checkSignal(o.signal);
      signal?.throwIfAborted();
      const { call, outputShape, hnShape } = this.plan(input, o);
      const shapes = { output: outputShape, hn: hnShape };
      return this.runAsync(call, shapes, { signal, out: sharedOutputs(o.out, shapes) });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * @internal forwardAsync of a checked call, in the layout the call names: the batcher merges its
   * requests batch-first whatever the model's layout, so each request is one contiguous copy.
   */
  runAsync(call: Omit<NativeCall, 'output' | 'hn'>, shapes: { output: number[]; hn: number[] },
    { signal, out }: { signal?: AbortSignal; out?: AsyncOutputs | null } = {}): Promise<RNNOutput> {
    return new Promise((resolve, reject) => {
      let aborted = false;
      // Work already started runs to its end. Its own buffers can be let go at once, but the
      // caller's `out` is written until then: the rejection waits, so that a caller who reuses
      // `out` after it never races the kernel.
      const onAbort = () => {
        cancel();
        aborted = true;
        if (!out) reject(signal!.reason);
      };
      const done = (error: Error | null, output: ArrayBuffer | Float32Array, hn: ArrayBuffer | Float32Array) => {
        signal?.removeEventListener('abort', onAbort);
        if (aborted) reject(signal!.reason);
        else if (error) reject(error);
        else resolve({ output: { data: out ? out.output : new Float32Array(output), shape: shapes.output },
          hn: { data: out ? out.hn : new Float32Array(hn), shape: shapes.hn } });
      };
      const cancel = this.native.forwardAsync(call.input, call.steps, call.batch, call.batchFirst, call.h0, call.lengths,
        call.mask, done, out?.output ?? null, out?.hn ?? null);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Checks a call's input and options and works out the shapes of its results. */
  private plan(input: TensorLike, o: Record<string, unknown>) {
    const x = toTensor(input, 'input');
    const { steps, batch, batched } = this.geometryOf(x);
    const outputShape = this.outputShape(steps, batch, batched);
    const hnShape = this.stateShape(batch, batched);
    const { h0, lengths } = o; // each option read once: a getter runs once
    const call = {
      input: x.data, steps, batch, batchFirst: batched && this.config.batchFirst,
      h0: h0 === undefined || h0 === null ? null : toTensorOfShape(h0, hnShape, 'h0').data,
      lengths: lengths === undefined || lengths === null ? null : checkLengths(lengths, batch, steps),
      mask: null,
    };
    return { call, outputShape, hnShape };
  }

  /** @internal runs a validated call on the kernel. */
  run(call: NativeCall): void {
    this.native.forward(call.input, call.steps, call.batch, call.batchFirst, call.h0, call.lengths, call.mask,
      call.output, call.hn);
  }

  private geometryOf(x: Tensor): { steps: number; batch: number; batched: boolean } {
    const d = this.config.inputSize;
    const rank = x.shape.length;
    if ((rank !== 2 && rank !== 3) || x.shape[rank - 1] !== d) {
      const batchedShape = this.config.batchFirst ? `[B, T, ${d}]` : `[T, B, ${d}]`;
      throw new RangeError(`input: expected shape ${batchedShape} or unbatched [T, ${d}], got ${formatShape(x.shape)}`);
    }
    const batched = rank === 3;
    const steps = batched && this.config.batchFirst ? x.shape[1] : x.shape[0];
    const batch = !batched ? 1 : this.config.batchFirst ? x.shape[0] : x.shape[1];
    if (steps === 0) throw new RangeError(`input: the sequence length must be at least 1 (as in PyTorch), got shape ${formatShape(x.shape)}`);
    checkSequenceSize(steps, batch, x.shape, 'input');
    return { steps, batch, batched };
  }

  private outputShape(steps: number, batch: number, batched: boolean): number[] {
    const width = this.numDirections * this.config.hiddenSize;
    if (!batched) return [steps, width];
    return this.config.batchFirst ? [batch, steps, width] : [steps, batch, width];
  }

  private stateShape(batch: number, batched: boolean): number[] {
    const rows = this.config.numLayers * this.numDirections;
    return batched ? [rows, batch, this.config.hiddenSize] : [rows, this.config.hiddenSize];
  }

  private initialise(seed: number): void {
    const uniform = seededUniform(seed);
    const bound = 1 / Math.sqrt(this.config.hiddenSize);
    for (const slot of this.slots) {
      const values = new Float32Array(sizeOf(slot.shape));
      for (let i = 0; i < values.length; i++) values[i] = (uniform() * 2 - 1) * bound;
      this.parameters.set(slot.name, values);
    }
    this.uploadWeights(this.parameters);
  }

  private uploadWeights(parameters: Map<string, Float32Array>): void {
    const bias = this.config.bias;
    for (let layer = 0; layer < this.config.numLayers; layer++) {
      for (let dir = 0; dir < this.numDirections; dir++) {
        const get = (role: string) => parameters.get(`${role}_l${layer}${dir === 1 ? '_reverse' : ''}`)!;
        this.native.setWeights(layer, dir, get('weight_ih'), get('weight_hh'), bias ? get('bias_ih') : null,
          bias ? get('bias_hh') : null);
      }
    }
  }
}

function positiveIntegerOrZero(value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`seed: expected an integer in [0, 2^32), got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`seed: expected an integer in [0, 2^32), got ${value}`);
  }
  return value;
}
