// The RNN module: PyTorch nn.RNN's constructor options, state_dict and forward, over the native kernel.
import { DisposedError, ShapeError } from '../errors';
import type { KernelOutputs, SequenceCall } from '../native/binding';
import { RnnKernel } from '../native/rnn-kernel';
import { checkOptionsObject } from '../options';
import { randomSeed } from '../random';
import { copyOfShape, describe, formatShape, sizeOf, toTensor, toTensorOfShape, type Tensor, type TensorLike } from '../tensor';
import { checkLengths, checkSequenceSize, checkSignal, outputBuffer, sharedOutputs } from './call-checks';
import { resolveConfig, type RNNConfig, type RNNOptions } from './config';
import { fromGluonNames } from './gluon-names';
import { checkPrefix, keyMismatch, partialModelNote, selectRnn } from './module-prefix';
import { initialParameters } from './init';
import { parameterSlots, type ParameterSlot } from './parameters';
import { RNNStream, type StreamOptions } from './stream';
import { warn } from '../warnings';

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

export interface LoadStateDictOptions {
  /** The module path of the RNN in a whole model's state_dict, e.g. 'rnn.' or 'encoder.rnn.'. */
  prefix?: string;
}

export interface LoadStateDictResult {
  /** The module path the RNN's keys were under ('' for a bare nn.RNN state_dict). */
  prefix: string;
  /** Keys outside the RNN (other modules' weights), which were not loaded. */
  unusedKeys: string[];
}

export interface RNNOutput {
  output: Tensor;
  hn: Tensor;
}

const FORWARD_OPTIONS = ['h0', 'lengths', 'out'] as const;
const ASYNC_FORWARD_OPTIONS = ['h0', 'lengths', 'out', 'signal'] as const;

/**
 * Where an RNN keeps its kernel, for the library's own callers (the batcher): a registered symbol, so
 * an RNN made by another copy of the package (two versions in one node_modules) is still understood.
 */
const KERNEL = Symbol.for('vanilla-rnn.kernel');

/** @internal the kernel an RNN runs on. */
export function kernelOf(rnn: RNN): RnnKernel {
  const kernel = (rnn as unknown as Record<symbol, RnnKernel | null>)[KERNEL];
  if (kernel === null) throw new DisposedError('RNN: this RNN was disposed; create another to run');
  return kernel!;
}

export class RNN {
  readonly config: Readonly<RNNConfig>;
  private readonly slots: ParameterSlot[];
  private parameters: Map<string, Float32Array>;

  constructor(options: RNNOptions) {
    const { config, seed } = resolveConfig(options);
    this.config = Object.freeze(config);
    const kernel = new RnnKernel({
      inputSize: config.inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers, direction: config.direction,
      activations: config.activations, clip: config.clip ?? Infinity, outputsInProcessingOrder: false,
    });
    Object.defineProperty(this, KERNEL, { value: kernel, writable: true });
    this.slots = parameterSlots({ ...config, numDirections: this.numDirections });
    this.parameters = initialParameters(this.slots, config.hiddenSize, seed ?? randomSeed());
    this.uploadWeights(this.parameters);
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
   * too. A whole model's state_dict works as well: the RNN's keys are those under `prefix`
   * ("encoder.rnn."), or under the one module that holds an nn.RNN's parameters (a warning then
   * names it and the keys left out). All or nothing: each entry is read once and copied as it is
   * checked, and the model changes only once every copy is good.
   */
  loadStateDict(given: Record<string, TensorLike | Float32Array>, options?: LoadStateDictOptions): LoadStateDictResult {
    kernelOf(this); // refuses a disposed RNN
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw new TypeError(`loadStateDict: expected an object of name -> tensor, got ${describe(given)}`);
    }
    const prefix = checkPrefix(checkOptionsObject(options, ['prefix'], 'loadStateDict options').prefix);
    // A snapshot of the entries: a getter in the dict runs once, here, and never between a check and a copy.
    const selection = selectRnn(Object.fromEntries(Object.entries(given)), prefix, 'loadStateDict');
    const dict = fromGluonNames(selection.dict);
    this.checkNames(dict, selection.prefix);
    const copies = new Map(this.slots.map((slot) => [slot.name, copyOfShape(dict[slot.name], slot.shape, selection.prefix + slot.name)]));
    this.replaceParameters(copies);
    const note = partialModelNote(selection, 'loadStateDict');
    if (note) warn(note, 'VANILLA_RNN_PARTIAL_MODEL');
    return { prefix: selection.prefix, unusedKeys: selection.unused };
  }

  /**
   * Lets go of the weights and the native kernel (a forwardAsync already started finishes with them);
   * afterwards every call throws a DisposedError. Idempotent.
   */
  dispose(): void {
    (this as unknown as Record<symbol, RnnKernel | null>)[KERNEL] = null;
    this.parameters = new Map();
  }

  get disposed(): boolean {
    return (this as unknown as Record<symbol, RnnKernel | null>)[KERNEL] === null;
  }

  /** Copies of the parameters under PyTorch's names. */
  stateDict(): Record<string, Tensor> {
    kernelOf(this); // refuses a disposed RNN, whose parameters are gone
    const dict: Record<string, Tensor> = {};
    for (const slot of this.slots) dict[slot.name] = { data: Float32Array.from(this.parameters.get(slot.name)!), shape: slot.shape.slice() };
    return dict;
  }

  /** A stateful stream over this model: push chunks of a sequence, in any split. */
  createStream(options: StreamOptions): RNNStream {
    kernelOf(this); // refuses a disposed RNN
    return new RNNStream(this, options);
  }

  /** Runs the whole stack over a batch: input [T, B, D] ([B, T, D] with batchFirst) or unbatched [T, D]. */
  forward(input: TensorLike, options?: ForwardOptions): RNNOutput {
    kernelOf(this); // refuses a disposed RNN before checking its arguments
    const o = checkOptionsObject(options, FORWARD_OPTIONS, 'forward options');
    const outs = checkOptionsObject(o.out ?? undefined, ['output', 'hn'], 'out');
    const { call, shapes } = this.plan(input, o);
    const output = outputBuffer(outs.output, sizeOf(shapes.output), 'out.output');
    const hn = outputBuffer(outs.hn, sizeOf(shapes.hn), 'out.hn');
    kernelOf(this).run(call, { output, hn }); // the binding refuses outputs that overlap the inputs
    return { output: { data: output, shape: shapes.output }, hn: { data: hn, shape: shapes.hn } };
  }

  /**
   * forward() on the libuv thread pool: the event loop stays free. The inputs are copied when the
   * call is made, so the caller may reuse or transfer its buffers at once; the results arrive in
   * new buffers, or in `out` (over a SharedArrayBuffer).
   */
  forwardAsync(input: TensorLike, options?: AsyncForwardOptions): Promise<RNNOutput> {
    try {
      kernelOf(this); // refuses a disposed RNN before checking its arguments
      const o = checkOptionsObject(options, ASYNC_FORWARD_OPTIONS, 'forwardAsync options');
      const signal = checkSignal(o.signal);
      signal?.throwIfAborted();
      const { call, shapes } = this.plan(input, o);
      const out = sharedOutputs(o.out, shapes);
      return kernelOf(this).runAsync(call, { signal, out }).then((results) => withShapes(results, shapes));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Checks a call's input and options and works out the shapes of its results. */
  private plan(input: TensorLike, o: Record<string, unknown>): { call: SequenceCall; shapes: { output: number[]; hn: number[] } } {
    const x = toTensor(input, 'input');
    const { steps, batch, batched } = this.geometryOf(x);
    const shapes = { output: this.outputShape(steps, batch, batched), hn: this.stateShape(batch, batched) };
    const { h0, lengths } = o; // each option read once: a getter runs once
    const call: SequenceCall = {
      input: x.data, steps, batch, batchFirst: batched && this.config.batchFirst,
      h0: h0 === undefined || h0 === null ? null : toTensorOfShape(h0, shapes.hn, 'h0').data,
      lengths: lengths === undefined || lengths === null ? null : checkLengths(lengths, batch, steps),
      mask: null,
    };
    return { call, shapes };
  }

  private geometryOf(x: Tensor): { steps: number; batch: number; batched: boolean } {
    const d = this.config.inputSize;
    const rank = x.shape.length;
    if ((rank !== 2 && rank !== 3) || x.shape[rank - 1] !== d) {
      const batchedShape = this.config.batchFirst ? `[B, T, ${d}]` : `[T, B, ${d}]`;
      throw new ShapeError(`input: expected shape ${batchedShape} or unbatched [T, ${d}], got ${formatShape(x.shape)}`);
    }
    const batched = rank === 3;
    const steps = batched && this.config.batchFirst ? x.shape[1] : x.shape[0];
    const batch = !batched ? 1 : this.config.batchFirst ? x.shape[0] : x.shape[1];
    if (steps === 0) throw new ShapeError(`input: the sequence length must be at least 1 (as in PyTorch), got shape ${formatShape(x.shape)}`);
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

  private checkNames(dict: Record<string, unknown>, prefix: string): void {
    const mismatch = keyMismatch(this.parameterNames, Object.keys(dict), prefix);
    if (mismatch) throw new RangeError(`loadStateDict: ${mismatch}`);
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

  private uploadWeights(parameters: Map<string, Float32Array>): void {
    const bias = this.config.bias;
    for (let layer = 0; layer < this.config.numLayers; layer++) {
      for (let direction = 0; direction < this.numDirections; direction++) {
        const get = (role: string) => parameters.get(`${role}_l${layer}${direction === 1 ? '_reverse' : ''}`)!;
        kernelOf(this).setWeights({
          layer, direction, weightIh: get('weight_ih'), weightHh: get('weight_hh'),
          biasIh: bias ? get('bias_ih') : null, biasHh: bias ? get('bias_hh') : null,
        });
      }
    }
  }
}

function withShapes(results: KernelOutputs, shapes: { output: number[]; hn: number[] }): RNNOutput {
  return { output: { data: results.output, shape: shapes.output }, hn: { data: results.hn, shape: shapes.hn } };
}
