// Keras' SimpleRNN layer (names, weight order and semantics of keras.layers.SimpleRNN) on the native kernel.
import { kerasActivation } from '../activations';
import type { SequenceCall } from '../native/binding';
import type { KernelActivation } from '../native/kernel-activation';
import { RnnKernel } from '../native/rnn-kernel';
import { checkOptionsObject, optionalBoolean, positiveInteger } from '../options';
import { randomSeed } from '../random';
import { checkSequenceSize } from '../rnn';
import { describe, formatShape, formatValue, toTensor, toTensorOfShape, type Tensor, type TensorLike } from '../tensor';
import { isDetached, isUint8Array, realLength } from '../typed-arrays';
import { glorotUniform, orthogonal, seededUniform } from './initializers';
import { copyWeightList, tensor, transpose } from './weights';

export interface SimpleRNNOptions {
  units: number;
  activation?: string;
  useBias?: boolean;
  returnSequences?: boolean;
  returnState?: boolean;
  /** Process the sequence backwards; the returned sequence is in processing order, as in Keras. */
  goBackwards?: boolean;
  /** The input feature size, to build the layer before the first call (Keras builds on first call). */
  inputDim?: number;
  seed?: number;
}

/** What call() returns: the state too when the layer was built with returnState: true. */
export type SimpleRNNResult<ReturnState extends boolean> = ReturnState extends true
  ? { output: Tensor; state: Tensor }
  : { output: Tensor; state?: undefined };

export interface SimpleRNNCallOptions {
  /** [N, units], or Keras' one-element list of it. */
  initialState?: TensorLike | Float32Array | [TensorLike | Float32Array] | null;
  /** [N, T] booleans: a false step carries the state over and repeats the previous output. */
  mask?: ArrayLike<ArrayLike<boolean | number>> | Uint8Array | null;
}

const OPTIONS = ['units', 'activation', 'useBias', 'returnSequences', 'returnState', 'goBackwards', 'inputDim', 'seed'];

function maskFrom(value: unknown, batch: number, steps: number): Uint8Array {
  if (isUint8Array(value)) {
    if (isDetached(value)) throw new TypeError('mask: the ArrayBuffer is detached (transferred)');
    const length = realLength(value);
    if (length !== batch * steps) throw new RangeError(`mask: expected ${batch * steps} entries ([N, T] = [${batch}, ${steps}]), got ${length}`);
    return value;
  }
  if (!Array.isArray(value)) throw new TypeError(`mask: expected [N, T] nested arrays of booleans or a Uint8Array, got ${describe(value)}`);
  if (value.length !== batch) throw new RangeError(`mask: expected ${batch} rows (N), got ${value.length}`);
  const mask = new Uint8Array(batch * steps);
  // Index loops, not forEach: forEach skips the holes of a sparse array, which would read as false.
  for (let n = 0; n < batch; n++) {
    const row: unknown = value[n];
    if (!Array.isArray(row) || row.length !== steps) throw new RangeError(`mask[${n}]: expected ${steps} booleans (T), got ${Array.isArray(row) ? row.length : describe(row)}`);
    for (let t = 0; t < steps; t++) {
      const v: unknown = row[t];
      if (typeof v !== 'boolean' && v !== 0 && v !== 1) throw new TypeError(`mask[${n}][${t}]: expected a boolean, got ${formatValue(v)}`);
      mask[n * steps + t] = v ? 1 : 0;
    }
  }
  return mask;
}

/** A built layer: the kernel it runs on and its weights as Keras holds them. */
interface Built {
  kernel: RnnKernel;
  inputDim: number;
  /** [D, units], [units, units], [units] or null. */
  weights: { kernel: Float32Array; recurrent: Float32Array; bias: Float32Array | null };
}

export class SimpleRNN<ReturnState extends boolean = boolean> {
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: ReturnState;
  readonly goBackwards: boolean;
  private readonly kernelActivation: KernelActivation;
  private readonly seed: number;
  private layer: Built | null = null;

  constructor(options: SimpleRNNOptions & { returnState?: ReturnState }) {
    const o = checkOptionsObject(options, OPTIONS, 'SimpleRNN options');
    this.units = positiveInteger(o.units, 'units');
    this.kernelActivation = kerasActivation(o.activation ?? 'tanh', 'activation');
    this.activation = (o.activation ?? 'tanh') as string; // a known name, once kerasActivation accepted it
    this.useBias = optionalBoolean(o.useBias, true, 'useBias');
    this.returnSequences = optionalBoolean(o.returnSequences, false, 'returnSequences');
    this.returnState = optionalBoolean(o.returnState, false, 'returnState') as ReturnState;
    this.goBackwards = optionalBoolean(o.goBackwards, false, 'goBackwards');
    this.seed = o.seed === undefined ? randomSeed() : (o.seed as number);
    if (o.inputDim !== undefined) this.layer = this.initialLayer(positiveInteger(o.inputDim, 'inputDim'));
  }

  /** The input feature size, once known (from inputDim, setWeights or the first call). */
  get inputDim(): number | undefined {
    return this.layer?.inputDim;
  }

  /** Keras get_weights() order: kernel [D, units], recurrent_kernel [units, units], bias [units]. */
  setWeights(weights: Array<TensorLike | Float32Array>): void {
    const u = this.units;
    const names = this.useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'];
    const { inputDim, copies: [kernel, recurrent, bias] } = copyWeightList(weights, names, 'SimpleRNN', this.inputDim,
      (d) => [[d, u], [u, u], [u]]);
    this.layer = this.build(inputDim, { kernel, recurrent, bias: bias ?? null });
  }

  getWeights(): Tensor[] {
    const { inputDim: d, weights: w } = this.built('getWeights');
    const u = this.units;
    const weights = [tensor(w.kernel.slice(), [d, u]), tensor(w.recurrent.slice(), [u, u])];
    if (w.bias) weights.push(tensor(w.bias.slice(), [u]));
    return weights;
  }

  /** x [N, T, D] -> output [N, T, units] (returnSequences) or [N, units]; state [N, units] with returnState. */
  call(input: TensorLike, options?: SimpleRNNCallOptions): SimpleRNNResult<ReturnState> {
    const o = checkOptionsObject(options, ['initialState', 'mask'], 'SimpleRNN.call options');
    const x = toTensor(input, 'x');
    const [batch, steps, d] = this.checkInputShape(x.shape);
    // Keras builds the layer on its first call; a first call that fails leaves it unbuilt.
    const layer = this.layer ?? this.initialLayer(d);
    const call: SequenceCall = {
      input: x.data, steps, batch, batchFirst: true,
      h0: this.initialState(o.initialState, batch),
      lengths: null,
      mask: o.mask === undefined || o.mask === null ? null : maskFrom(o.mask, batch, steps),
    };
    const results = { output: new Float32Array(batch * steps * this.units), hn: new Float32Array(batch * this.units) };
    layer.kernel.run(call, results);
    this.layer = layer;
    const output = this.returnSequences ? tensor(results.output, [batch, steps, this.units]) : this.lastStep(results.output, batch, steps);
    const result = this.returnState ? { output, state: tensor(results.hn, [batch, this.units]) } : { output };
    return result as SimpleRNNResult<ReturnState>;
  }

  private checkInputShape(shape: number[]): number[] {
    if (shape.length !== 3) throw new RangeError(`x: expected shape [N, T, D], got ${formatShape(shape)}`);
    const known = this.inputDim;
    if (shape[1] === 0 || shape[2] === 0 || (known !== undefined && shape[2] !== known)) {
      throw new RangeError(`x: expected shape [N, T >= 1, ${known ?? (shape[2] || 'D >= 1')}], got ${formatShape(shape)}`);
    }
    checkSequenceSize(shape[1], shape[0], shape, 'x');
    return shape;
  }

  private initialState(value: unknown, batch: number): Float32Array | null {
    if (value === undefined || value === null) return null;
    const state = Array.isArray(value) && value.length === 1 && !Array.isArray(value[0]) ? value[0] : value;
    return toTensorOfShape(state, [batch, this.units], 'initialState').data;
  }

  // The output of the last processing step of each sequence: row T-1 (processing order for goBackwards).
  private lastStep(sequence: Float32Array, batch: number, steps: number): Tensor {
    const u = this.units;
    const last = new Float32Array(batch * u);
    for (let n = 0; n < batch; n++) last.set(sequence.subarray(((n * steps) + steps - 1) * u, (n * steps + steps) * u), n * u);
    return tensor(last, [batch, u]);
  }

  /** Keras' initial weights for inputs of `inputDim` features. */
  private initialLayer(inputDim: number): Built {
    const uniform = seededUniform(this.seed);
    const u = this.units;
    return this.build(inputDim, {
      kernel: glorotUniform(inputDim, u, uniform), recurrent: orthogonal(u, uniform), bias: this.useBias ? new Float32Array(u) : null,
    });
  }

  /** Keras' SimpleRNN is one layer, one direction (reverse for goBackwards), with one bias. */
  private build(d: number, weights: Built['weights']): Built {
    const u = this.units;
    const kernel = new RnnKernel({
      inputSize: d, hiddenSize: u, numLayers: 1, direction: this.goBackwards ? 'reverse' : 'forward',
      activations: [this.kernelActivation], clip: Infinity, outputsInProcessingOrder: this.goBackwards,
    });
    kernel.setWeights({
      layer: 0, direction: 0, weightIh: transpose(weights.kernel, d, u), weightHh: transpose(weights.recurrent, u, u),
      biasIh: weights.bias, biasHh: weights.bias ? new Float32Array(u) : null,
    });
    return { kernel, inputDim: d, weights };
  }

  private built(method: string): Built {
    if (!this.layer) throw new Error(`SimpleRNN.${method}: the layer is not built yet; call setWeights, pass inputDim, or call it on an input first`);
    return this.layer;
  }
}
