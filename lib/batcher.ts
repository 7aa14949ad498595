// Dynamic batching: concurrent single-sequence requests merged into one forwardAsync call with
// `lengths`. A sequence inside a batch with lengths gets exactly the bits it gets alone, so each
// caller receives what an unbatched forward of its sequence returns.
import { checkOptionsObject, positiveInteger } from './options';
import type { RNN, RNNOutput } from './rnn';
import { copyOfShape, formatShape, formatValue, toOwnedTensor, type Tensor, type TensorLike } from './tensor';

export interface BatcherOptions {
  /** The most sequences merged into one call (default 64). */
  maxBatchSize?: number;
  /** How long the first request of a batch waits for company (default 2 ms). */
  maxDelayMs?: number;
}

export interface BatcherRunOptions {
  /** Initial state [numLayers * nd, H]; zeros when absent. */
  h0?: TensorLike | Float32Array | null;
  signal?: AbortSignal;
}

export interface Batcher {
  /** Runs one unbatched sequence [T, D]; resolves to output [T, nd*H] and hn [numLayers*nd, H]. */
  run(sequence: TensorLike, options?: BatcherRunOptions): Promise<RNNOutput>;
  /** Stops accepting requests, runs what is queued, and resolves when every request has settled. */
  close(): Promise<void>;
  /** Requests queued or in flight. */
  readonly pending: number;
}

interface Request {
  x: Tensor;
  h0: Float32Array | null;
  signal?: AbortSignal;
  onAbort?: () => void;
  resolve: (result: RNNOutput) => void;
  reject: (error: unknown) => void;
  settled: boolean;
}

export function createBatcher(rnn: RNN, options?: BatcherOptions): Batcher {
  return new DynamicBatcher(rnn, options);
}

class DynamicBatcher implements Batcher {
  private readonly maxBatchSize: number;
  private readonly maxDelayMs: number;
  private readonly stateRows: number;
  private queue: Request[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly rnn: RNN, options?: BatcherOptions) {
    const o = checkOptionsObject(options, ['maxBatchSize', 'maxDelayMs'], 'createBatcher options');
    this.maxBatchSize = o.maxBatchSize === undefined ? 64 : positiveInteger(o.maxBatchSize, 'maxBatchSize');
    const delay = o.maxDelayMs === undefined ? 2 : o.maxDelayMs;
    if (typeof delay !== 'number' || !(delay >= 0) || !Number.isFinite(delay)) {
      throw new RangeError(`maxDelayMs: expected a non-negative number, got ${formatValue(delay)}`);
    }
    this.maxDelayMs = delay;
    this.stateRows = rnn.config.numLayers * rnn.numDirections;
  }

  get pending(): number {
    return this.queue.length + this.inFlight.size;
  }

  run(sequence: TensorLike, options?: BatcherRunOptions): Promise<RNNOutput> {
    try {
      if (this.closed) throw new Error('batcher.run: the batcher is closed');
      const request = this.checkRequest(sequence, options);
      return new Promise<RNNOutput>((resolve, reject) => {
        Object.assign(request, { resolve, reject });
        this.enqueue(request);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0) this.flush();
    await Promise.all(this.inFlight);
  }

  private checkRequest(sequence: TensorLike, options?: BatcherRunOptions): Request {
    const o = checkOptionsObject(options, ['h0', 'signal'], 'batcher.run options');
    // Copied as they are checked: the caller may reuse its buffers as soon as run() returns (as with
    // forwardAsync), and the merged batch must get exactly what was checked, or one bad request
    // would fail every request merged with it.
    const x = toOwnedTensor(sequence, 'sequence');
    const d = this.rnn.config.inputSize;
    if (x.shape.length !== 2 || x.shape[1] !== d || x.shape[0] === 0) {
      throw new RangeError(`sequence: expected shape [T >= 1, ${d}], got ${formatShape(x.shape)}`);
    }
    const h0 = o.h0 === undefined || o.h0 === null ? null
      : copyOfShape(o.h0, [this.stateRows, this.rnn.config.hiddenSize], 'h0');
    const signal = o.signal as AbortSignal | undefined;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('signal: expected an AbortSignal');
    signal?.throwIfAborted();
    return { x, h0, signal, resolve: () => {}, reject: () => {}, settled: false };
  }

  private enqueue(request: Request): void {
    if (request.signal) {
      request.onAbort = () => this.settle(request, () => request.reject(request.signal!.reason));
      request.signal.addEventListener('abort', request.onAbort, { once: true });
    }
    this.queue.push(request);
    if (this.queue.length >= this.maxBatchSize) this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.maxDelayMs);
  }

  private settle(request: Request, action: () => void): void {
    if (request.settled) return;
    request.settled = true;
    // A long-lived signal (one per connection, say) must not keep settled requests reachable.
    if (request.onAbort) request.signal!.removeEventListener('abort', request.onAbort);
    action();
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue.splice(0, this.maxBatchSize).filter((request) => !request.settled);
    if (this.queue.length > 0 && !this.closed) this.timer = setTimeout(() => this.flush(), this.maxDelayMs);
    if (batch.length === 0) return;
    const done = this.dispatch(batch).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  // The batch runs batch-first whatever the model's layout: each request's input and output are then
  // one contiguous block, copied in one go (time-major would take a copy per step and request).
  private async dispatch(batch: Request[]): Promise<void> {
    try {
      const lengths = Int32Array.from(batch, (request) => request.x.shape[0]);
      const steps = Math.max(...lengths);
      const width = this.rnn.numDirections * this.rnn.config.hiddenSize;
      const call = { input: this.mergeInputs(batch, steps), steps, batch: batch.length, batchFirst: true, h0: this.mergeStates(batch), lengths, mask: null };
      const shapes = { output: [batch.length, steps, width], hn: [this.stateRows, batch.length, this.rnn.config.hiddenSize] };
      const result = await this.rnn.runAsync(call, shapes);
      batch.forEach((request, b) => this.settle(request, () => request.resolve(this.split(result, b, lengths[b], batch.length))));
    } catch (error) {
      for (const request of batch) this.settle(request, () => request.reject(error));
    }
  }

  // [B, T, D], zero-padded past each sequence's length.
  private mergeInputs(batch: Request[], steps: number): Float32Array {
    const d = this.rnn.config.inputSize;
    const data = new Float32Array(steps * batch.length * d);
    batch.forEach(({ x }, b) => data.set(x.data, b * steps * d));
    return data;
  }

  // [L*nd, B, H], zeros for requests without an h0; null when none has one.
  private mergeStates(batch: Request[]): Float32Array | null {
    if (batch.every((request) => request.h0 === null)) return null;
    const h = this.rnn.config.hiddenSize;
    const count = batch.length;
    const data = new Float32Array(this.stateRows * count * h);
    batch.forEach(({ h0 }, b) => {
      if (!h0) return;
      for (let row = 0; row < this.stateRows; row++) data.set(h0.subarray(row * h, (row + 1) * h), (row * count + b) * h);
    });
    return data;
  }

  private split(result: RNNOutput, b: number, length: number, count: number): RNNOutput {
    const width = this.rnn.numDirections * this.rnn.config.hiddenSize;
    const h = this.rnn.config.hiddenSize;
    const steps = result.output.shape[1];
    const output = result.output.data.slice(b * steps * width, (b * steps + length) * width);
    const hn = new Float32Array(this.stateRows * h);
    for (let row = 0; row < this.stateRows; row++) hn.set(result.hn.data.subarray((row * count + b) * h, (row * count + b + 1) * h), row * h);
    return { output: { data: output, shape: [length, width] }, hn: { data: hn, shape: [this.stateRows, h] } };
  }
}
