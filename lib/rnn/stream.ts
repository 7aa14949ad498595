// Stateful inference: push a sequence in chunks and get the same outputs as one forward of the whole
// sequence (what Keras' stateful=True or a loop over RNNCell is used for).
import { ShapeError, UnsupportedError } from '../errors';
import { checkOptionsObject, positiveInteger } from '../options';
import type { RNNConfig } from './config';
import { formatShape, toTensor, toTensorOfShape, type Tensor, type TensorLike } from '../tensor';

export interface StreamOptions {
  /** Sequences advanced together; every chunk carries this many. */
  batchSize: number;
  /** Initial state [numLayers, batchSize, hiddenSize]; zeros when absent. */
  h0?: TensorLike | Float32Array | null;
}

/** What a stream needs of its RNN (RNN is one): no more, so this file does not depend on the class. */
interface StreamedRnn {
  readonly config: Readonly<RNNConfig>;
  forward(x: Tensor, options: { h0: Tensor; out: { hn: Float32Array } }): { output: Tensor };
}

export class RNNStream {
  private readonly stateShape: number[];
  private current: Float32Array;
  private next: Float32Array;

  /** @internal use rnn.createStream(). */
  constructor(private readonly rnn: StreamedRnn, options: StreamOptions) {
    const o = checkOptionsObject(options, ['batchSize', 'h0'], 'createStream options');
    if (rnn.config.direction !== 'forward') {
      throw new UnsupportedError(`createStream: a ${rnn.config.direction} RNN cannot stream: its backward pass needs the whole sequence`, { base: 'Error' });
    }
    const batchSize = positiveInteger(o.batchSize, 'batchSize');
    this.stateShape = [rnn.config.numLayers, batchSize, rnn.config.hiddenSize];
    this.current = new Float32Array(this.stateShape[0] * batchSize * this.stateShape[2]);
    this.next = new Float32Array(this.current.length);
    this.reset(o.h0 as StreamOptions['h0']);
  }

  /** The state after the last pushed step, [numLayers, batchSize, hiddenSize] (a copy). */
  get state(): Tensor {
    return { data: this.current.slice(), shape: this.stateShape.slice() };
  }

  /** Starts over from h0 (zeros when absent). */
  reset(h0?: TensorLike | Float32Array | null): void {
    if (h0 === undefined || h0 === null) this.current.fill(0);
    else this.current.set(toTensorOfShape(h0, this.stateShape, 'h0').data);
  }

  /** Advances every sequence by the chunk's steps: [t, B, D] ([B, t, D] with batchFirst), or [t, D] when B = 1. */
  push(chunk: TensorLike): { output: Tensor } {
    const x = toTensor(chunk, 'chunk');
    const batchAxis = this.rnn.config.batchFirst ? 0 : 1;
    const batch = x.shape.length === 2 ? 1 : x.shape[batchAxis];
    if (x.shape.length === 3 && batch !== this.stateShape[1]) {
      throw new ShapeError(`chunk: expected ${this.stateShape[1]} sequences (batchSize) on axis ${batchAxis}, got shape ${formatShape(x.shape)}`);
    }
    const h0 = { data: this.current, shape: x.shape.length === 2 ? [this.stateShape[0], this.stateShape[2]] : this.stateShape };
    if (x.shape.length === 2 && this.stateShape[1] !== 1) {
      throw new ShapeError(`chunk: an unbatched [t, D] chunk needs batchSize 1, this stream has ${this.stateShape[1]}`);
    }
    const { output } = this.rnn.forward(x, { h0, out: { hn: this.next } });
    [this.current, this.next] = [this.next, this.current];
    return { output };
  }
}
