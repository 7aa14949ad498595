// The one entry to the native RNN, for every model that runs on it (RNN, Keras' SimpleRNN, the
// batcher through its RNN): a checked call goes in, the kernel writes the results.
import { addon, type KernelOutputs, type LayerWeights, type NativeRnn, type RnnSpec, type SequenceCall } from './binding';

export interface AsyncRunOptions {
  signal?: AbortSignal;
  /** Float32Arrays over a SharedArrayBuffer to write the results into; new buffers when absent. */
  out?: KernelOutputs | null;
}

/** @internal */
export class RnnKernel {
  private readonly native: NativeRnn;

  constructor(readonly spec: Readonly<RnnSpec>) {
    this.native = new addon.NativeRnn(spec);
  }

  setWeights(weights: LayerWeights): void {
    this.native.setWeights(weights);
  }

  /** Writes into `outputs`, which must not overlap the inputs (the binding refuses it). */
  run(call: SequenceCall, { output, hn }: KernelOutputs): void {
    const { input, steps, batch, batchFirst, h0, lengths, mask } = call;
    this.native.forward(input, steps, batch, batchFirst, h0, lengths, mask, output, hn);
  }

  /**
   * run() on the libuv thread pool. The inputs are copied when the call is made. Aborting drops
   * work not yet started; work already started runs to its end, and while it writes the caller's
   * `out` the rejection waits, so a caller who reuses `out` after it never races the kernel.
   */
  runAsync(call: SequenceCall, { signal, out }: AsyncRunOptions = {}): Promise<KernelOutputs> {
    return new Promise((resolve, reject) => {
      let aborted = false;
      const onAbort = () => {
        cancel();
        aborted = true;
        if (!out) reject(signal!.reason);
      };
      const done = (error: Error | null, output: ArrayBuffer | Float32Array, hn: ArrayBuffer | Float32Array) => {
        signal?.removeEventListener('abort', onAbort);
        if (aborted) reject(signal!.reason);
        else if (error) reject(error);
        else resolve(out ?? { output: new Float32Array(output as ArrayBuffer), hn: new Float32Array(hn as ArrayBuffer) });
      };
      const { input, steps, batch, batchFirst, h0, lengths, mask } = call;
      const cancel = this.native.forwardAsync(input, steps, batch, batchFirst, h0, lengths, mask, out?.output ?? null, out?.hn ?? null, done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
