// The compiled addon's interface; lib/addon-binary.ts finds and loads the binary.
import { loadAddon } from './addon-binary';

export interface NativeActivation {
  kind: number;
  alpha: number;
  beta: number;
}

export interface NativeSpec {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  direction: number; // 0 forward, 1 reverse, 2 bidirectional
  activations: NativeActivation[];
  clip: number; // Infinity for none
  outputsInProcessingOrder: boolean;
}

export interface NativeRnn {
  setWeights(layer: number, direction: number, wIh: Float32Array, wHh: Float32Array,
    bIh: Float32Array | null, bHh: Float32Array | null): void;
  forward(input: Float32Array, steps: number, batch: number, batchFirst: boolean, h0: Float32Array | null,
    lengths: Int32Array | null, mask: Uint8Array | null, output: Float32Array, hn: Float32Array): void;
  /**
   * Copies the inputs, queues the work on the libuv pool; returns a function that cancels work not yet
   * started. The results go to output and hn (over a SharedArrayBuffer), or to new ArrayBuffers when both are null.
   */
  forwardAsync(input: Float32Array, steps: number, batch: number, batchFirst: boolean, h0: Float32Array | null,
    lengths: Int32Array | null, mask: Uint8Array | null,
    callback: (error: Error | null, output: ArrayBuffer | Float32Array, hn: ArrayBuffer | Float32Array, cancelled: boolean) => void,
    output: Float32Array | null, hn: Float32Array | null): () => void;
}

interface Addon {
  NativeRnn: new (spec: NativeSpec) => NativeRnn;
  dense(input: Float32Array, rows: number, inDim: number, kernel: Float32Array, bias: Float32Array | null, units: number,
    activation: number | 'softmax', alpha: number, beta: number, output: Float32Array): void;
  setNumThreads(threads: number): void;
  getNumThreads(): number;
  setKernelPath(path: string): void;
  getKernelPath(): 'avx512' | 'avx2' | 'portable';
  supportedKernelPaths(): Array<'avx512' | 'avx2' | 'portable'>;
  /** C = A B, row-major, with OpenBLAS on `threads` threads for this call (the benchmark's peak). */
  sgemm(m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, threads: number): void;
}

export const addon: Addon = loadAddon() as Addon;
