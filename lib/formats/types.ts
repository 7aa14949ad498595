// What loadModel returns, whatever the file format.
import type { OrtTensorLike, Tensor, TensorLike } from '../tensor';

/** keras: Keras 3's .keras zip; keras-h5: Keras 2's HDF5 model file. */
export type ModelFormat = 'onnx' | 'safetensors' | 'pytorch' | 'tfjs' | 'keras' | 'keras-h5';

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

/** Integer inputs (ONNX sequence_lens, lengths) take onnxruntime's integer tensors too. */
export type Feeds = Record<string, TensorLike | OrtTensorLike<ArrayLike<number | bigint>> | Float32Array | ArrayLike<number> | null | undefined>;

/** Element types by onnxruntime's names. */
export type ElementType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int8' | 'uint8' | 'int16' | 'uint16'
  | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool' | 'string';

/** One input or output as onnxruntime describes it. */
export interface ValueMetadata {
  name: string;
  dtype: ElementType;
  /** Null where the file does not say. */
  shape: Dim[] | null;
}

/** What each format's reader implements; loadModel wraps it into a Model. */
export interface ModelCore {
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
  /** Element types by input and output name, where they are not all float32. */
  readonly valueTypes?: Record<string, ElementType>;
  /** Lets go of what the reader holds (native buffers); called once, by Model.dispose(). */
  release?(): void;
}

/** A loaded model. */
export interface Model extends ModelCore {
  /** The inputs in order, with dtype and shape (as onnxruntime's InferenceSession describes them). */
  readonly inputMetadata: ValueMetadata[];
  readonly outputMetadata: ValueMetadata[];
  /** Lets go of the model's weights; afterwards run and runSync throw a DisposedError. Idempotent. */
  dispose(): void;
  readonly disposed: boolean;
}
