// The typed interface of the compiled addon (native/binding), used only by lib/native/: one plain
// object per call, enums as strings that the binding maps once. The forward calls are the exception:
// they take their fields as arguments (an object's properties cost about 0.75 µs to read through
// Node-API, more than a whole small call), in the order of SequenceCall, mapped in rnn-kernel.ts alone.
// Arguments arrive checked by lib/; the binding re-checks only what memory safety needs (buffer types
// and sizes, lengths within the steps, outputs apart from inputs).
import type { KernelActivation } from './kernel-activation';
import { loadAddon } from './load';
import type { OpsAddon } from './ops-binding';

/** The step kernel's instruction-set paths: x86-64 SIMD, arm64 NEON, and plain C++ everywhere. */
export type KernelPath = 'avx512' | 'avx2' | 'neon' | 'portable';
export type Direction = 'forward' | 'reverse' | 'bidirectional';


export interface RnnSpec {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  direction: Direction;
  /** One per direction. */
  activations: KernelActivation[];
  /** Infinity for none. */
  clip: number;
  /** Keras go_backwards: a reverse direction's outputs in processing order. */
  outputsInProcessingOrder: boolean;
}

export interface LayerWeights {
  layer: number;
  direction: number;
  weightIh: Float32Array;
  weightHh: Float32Array;
  biasIh: Float32Array | null;
  biasHh: Float32Array | null;
}

/** What a forward call reads: input [T, B, D] ([B, T, D] with batchFirst), h0 [L*nd, B, H]. */
export interface SequenceCall {
  input: Float32Array;
  steps: number;
  batch: number;
  batchFirst: boolean;
  h0: Float32Array | null;
  /** [B], each in 1..steps. */
  lengths: Int32Array | null;
  /** [B, T] Keras mask: 0 skips the step. */
  mask: Uint8Array | null;
}

export interface KernelOutputs {
  output: Float32Array;
  hn: Float32Array;
}

export type AsyncDone = (error: Error | null, output: ArrayBuffer | Float32Array, hn: ArrayBuffer | Float32Array) => void;

export interface NativeRnn {
  setWeights(weights: LayerWeights): void;
  forward(input: Float32Array, steps: number, batch: number, batchFirst: boolean, h0: Float32Array | null,
    lengths: Int32Array | null, mask: Uint8Array | null, output: Float32Array, hn: Float32Array): void;
  /**
   * Copies the inputs and queues the work on the libuv pool; returns a function that cancels work not
   * yet started. output and hn: Float32Arrays over a SharedArrayBuffer, or both null for new ArrayBuffers.
   */
  forwardAsync(input: Float32Array, steps: number, batch: number, batchFirst: boolean, h0: Float32Array | null,
    lengths: Int32Array | null, mask: Uint8Array | null, output: Float32Array | null, hn: Float32Array | null,
    done: AsyncDone): () => void;
}

/** output [rows, units] = act(input [rows, inputSize] kernel [inputSize, units] + bias). */
export interface DenseCall {
  input: Float32Array;
  rows: number;
  inputSize: number;
  kernel: Float32Array;
  bias: Float32Array | null;
  units: number;
  activation: KernelActivation | 'Softmax';
  output: Float32Array;
}

interface Addon extends OpsAddon {
  NativeRnn: new (spec: RnnSpec) => NativeRnn;
  dense(call: DenseCall): void;
  setNumThreads(threads: number): void;
  getNumThreads(): number;
  setKernelPath(path: KernelPath | 'auto'): void;
  getKernelPath(): KernelPath;
  supportedKernelPaths(): KernelPath[];
}

export const addon = loadAddon() as Addon;
