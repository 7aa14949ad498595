// Dynamic batching: concurrent single-sequence requests merged into one forwardAsync call with
// `lengths`. A sequence inside a batch with lengths gets exactly the bits it gets alone, so each
// caller receives what an unbatched forward of its sequence returns.
//
// The per-request cost is kept to copies and views: inputs are staged in one reused buffer, the
// kernel writes into reused shared memory, and the results of a batch are views of one buffer (as
// Node's pooled Buffers are views of a shared slab), since allocating a typed array per request costs
// more than a short request's work.
import type { KernelOutputs, SequenceCall } from '../native/binding';
import { checkOptionsObject, positiveInteger } from '../options';
import type { RNNOutput } from '../rnn';
import { kernelOf, type RNN } from '../rnn/rnn';
import { copyOfShape, formatShape, formatValue, toTensor, type TensorLike } from '../tensor';
import { BatchOutputPool } from './shared-buffers';
import { InputStaging, type Staged } from './staging';

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
  /** The sequence's values in the staging buffer; steps = staged.length / D. */
  staged: Staged;
  steps: number;
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
  private mergedInput = new Float32Array(0);
  private readonly staging = new InputStaging();
  private readonly beingChecked = new Set<Staged>();
  private readonly outputPool = new BatchOutputPool();

  constructor(private readonly rnn: RNN, options?: BatcherOptions) {
    if (typeof rnn !== 'object' || rnn === null || !kernelOf(rnn)) throw new TypeError(`createBatcher: expected an RNN, got ${formatValue(rnn)}`);
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
    const x = toTensor(sequence, 'sequence');
    const d = this.rnn.config.inputSize;
    if (x.shape.length !== 2 || x.shape[1] !== d || x.shape[0] === 0) {
      throw new RangeError(`sequence: expected shape [T >= 1, ${d}], got ${formatShape(x.shape)}`);
    }
    // Staged before the options are read: their getters could change the caller's buffer, or even
    // run the batcher, whose flushes keep the staged values of requests still being checked.
    const staged = this.staging.add(x.data);
    this.beingChecked.add(staged);
    try {
      const h0Option = o.h0;
      const h0 = h0Option === undefined || h0Option === null ? null
        : copyOfShape(h0Option, [this.stateRows, this.rnn.config.hiddenSize], 'h0');
      const signal = o.signal as AbortSignal | undefined;
      if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`signal: expected an AbortSignal, got ${formatValue(signal)}`);
      signal?.throwIfAborted();
      return { staged, steps: x.shape[0], h0, signal, resolve: () => {}, reject: () => {}, settled: false };
    } catch (error) {
      this.staging.removeLast(staged);
      throw error;
    } finally {
      this.beingChecked.delete(staged);
    }
  }

  private enqueue(request: Request): void {
    // Queued first: a flush from inside the caller's signal (its addEventListener may be its own)
    // then keeps the request's staged input.
    this.queue.push(request);
    if (request.signal) {
      request.onAbort = () => this.settle(request, () => request.reject(request.signal!.reason));
      request.signal.addEventListener('abort', request.onAbort, { once: true });
    }
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
    if (batch.length > 0) {
      // dispatch merges the batch's inputs before its first await; then their staging can go.
      const done = this.dispatch(batch).finally(() => this.inFlight.delete(done));
      this.inFlight.add(done);
    }
    this.staging.keepOnly([...this.beingChecked, ...this.queue.map((request) => request.staged)]);
  }

  // The batch runs batch-first whatever the model's layout: each request's input and output are then
  // one contiguous block, copied in one go (time-major would take a copy per step and request).
  private async dispatch(batch: Request[]): Promise<void> {
    const outputs = this.outputPool.take();
    try {
      const lengths = Int32Array.from(batch, (request) => request.steps);
      const steps = Math.max(...lengths);
      const width = this.rnn.numDirections * this.rnn.config.hiddenSize;
      const call: SequenceCall = {
        input: this.mergeInputs(batch, steps), steps, batch: batch.length, batchFirst: true, h0: this.mergeStates(batch), lengths, mask: null,
      };
      const out = { output: outputs.output.view(batch.length * steps * width), hn: outputs.hn.view(this.stateRows * batch.length * this.rnn.config.hiddenSize) };
      const results = this.split(await kernelOf(this.rnn).runAsync(call, { out }), lengths, steps);
      batch.forEach((request, b) => this.settle(request, () => request.resolve(results[b])));
    } catch (error) {
      for (const request of batch) this.settle(request, () => request.reject(error));
    } finally {
      this.outputPool.give(outputs);
    }
  }

  // [B, T, D]. forwardAsync copies its input when called, so one buffer serves every batch; rows past
  // a sequence's length hold an earlier batch's values, which a call with lengths never reads.
  private mergeInputs(batch: Request[], steps: number): Float32Array {
    const d = this.rnn.config.inputSize;
    const size = steps * batch.length * d;
    if (this.mergedInput.length < size) this.mergedInput = new Float32Array(size);
    const data = this.mergedInput.subarray(0, size);
    batch.forEach((request, b) => data.set(this.staging.view(request.staged), b * steps * d));
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

  // Each request's output rows and state, copied out of the shared memory into one new buffer, of
  // which each result is a view: [output of request 0, its hn, output of request 1, ...].
  private split(result: KernelOutputs, lengths: Int32Array, steps: number): RNNOutput[] {
    const width = this.rnn.numDirections * this.rnn.config.hiddenSize;
    const h = this.rnn.config.hiddenSize;
    const count = lengths.length;
    const stateSize = this.stateRows * h;
    const all = new Float32Array(lengths.reduce((sum, length) => sum + length * width + stateSize, 0));
    const results: RNNOutput[] = [];
    let at = 0;
    for (let b = 0; b < count; b++) {
      const outputSize = lengths[b] * width;
      const output = all.subarray(at, at + outputSize);
      output.set(result.output.subarray(b * steps * width, b * steps * width + outputSize));
      const hn = all.subarray(at + outputSize, at + outputSize + stateSize);
      for (let row = 0; row < this.stateRows; row++) hn.set(result.hn.subarray((row * count + b) * h, (row * count + b + 1) * h), row * h);
      at += outputSize + stateSize;
      results.push({ output: { data: output, shape: [lengths[b], width] }, hn: { data: hn, shape: [this.stateRows, h] } });
    }
    return results;
  }
}
