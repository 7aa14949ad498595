// What loadModel returns, whatever the file format.
import type { Tensor, TensorLike } from '../tensor';

/** keras: Keras 3's .keras zip; keras-h5: Keras 2's HDF5 model file. */
export type ModelFormat = 'onnx' | 'safetensors' | 'tfjs' | 'keras' | 'keras-h5';

/** A dimension: a number when the file fixes it, a symbolic name ("batch", "seq") when it does not. */
export type Dim = number | string;

/**
 * Which axis of each input and output runs over the independent sequences of a batch: slicing every
 * input along its axis and running the slices gives the whole run's outputs sliced along theirs.
 */
export interface BatchAxes {
  inputs: Record<string, number>;
  outputs: Record<string, number>;
}

export type Feeds = Record<string, TensorLike | Float32Array | ArrayLike<number> | null | undefined>;

export interface Model {
  readonly format: ModelFormat;
  /** The inputs in the file's own names and order; the first is the main input. */
  readonly inputNames: string[];
  /** Inputs that may be left out of the feeds (safetensors' h0 and lengths). */
  readonly optionalInputNames: string[];
  readonly outputNames: string[];
  /** Shapes by name; null where the file does not say. */
  readonly inputShapes: Record<string, Dim[] | null>;
  readonly outputShapes: Record<string, Dim[] | null>;
  /** Null when the file does not make it certain (then a batch can only run whole). */
  readonly batchAxes: BatchAxes | null;
  /** A plain, JSON-serialisable description of the network. */
  readonly config: Record<string, unknown>;
  readonly numParameters: number;
  /** Runs the model with the heavy work off the event loop where the format allows it. */
  run(feeds: Feeds): Promise<Record<string, Tensor>>;
  runSync(feeds: Feeds): Record<string, Tensor>;
}
