// Output memory the batcher reuses from batch to batch. Fresh memory for a merged batch (64
// sequences of 40 steps of 64 floats: 640 KiB) is page-faulted in while the kernel writes it, which
// on a VM costs more than the batch's work. forwardAsync may only write into memory that cannot be
// detached, a SharedArrayBuffer; each batch in flight holds its own.

/** Float32Arrays over one SharedArrayBuffer, handed out as views of the size asked for. */
export class SharedFloats {
  private buffer = new SharedArrayBuffer(0);

  view(length: number): Float32Array {
    if (this.buffer.byteLength < length * 4) this.buffer = new SharedArrayBuffer(length * 4);
    return new Float32Array(this.buffer, 0, length);
  }
}

export interface BatchOutputs {
  output: SharedFloats;
  hn: SharedFloats;
}

/** Output memory for the batches in flight: taken when one is sent, given back when it has settled. */
export class BatchOutputPool {
  private readonly free: BatchOutputs[] = [];

  take(): BatchOutputs {
    return this.free.pop() ?? { output: new SharedFloats(), hn: new SharedFloats() };
  }

  give(outputs: BatchOutputs): void {
    this.free.push(outputs);
  }
}
