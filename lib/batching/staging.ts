// The inputs of queued requests, copied as they arrive into one buffer that grows as needed and
// is reused: a request costs a copy, not an allocation (an off-heap typed array costs microseconds,
// more than a short request's share of the batched work).

export interface Staged {
  /** Where the request's values start in the staging buffer; moves when the buffer is compacted. */
  offset: number;
  /** How many values it has. */
  length: number;
}

export class InputStaging {
  private data = new Float32Array(4096);
  private end = 0;

  /** Copies `values` in (a plain Float32Array: set reads its real elements) and says where they are. */
  add(values: Float32Array): Staged {
    if (this.end + values.length > this.data.length) this.grow(this.end + values.length);
    this.data.set(values, this.end);
    const staged = { offset: this.end, length: values.length };
    this.end += values.length;
    return staged;
  }

  /** Takes back the last add (a request refused after its input was staged). */
  removeLast(staged: Staged): void {
    if (staged.offset + staged.length === this.end) this.end = staged.offset;
  }

  view(staged: Staged): Float32Array {
    return this.data.subarray(staged.offset, staged.offset + staged.length);
  }

  /**
   * Frees what lies before every one of `kept` (requests not yet sent). The values are moved down
   * only once they are at most half of what is staged, so a long queue is not copied at each batch.
   */
  keepOnly(kept: Iterable<Staged>): void {
    let from = this.end;
    for (const staged of kept) from = Math.min(from, staged.offset);
    if (from === 0 || from * 2 < this.end) return;
    this.data.copyWithin(0, from, this.end);
    this.end -= from;
    for (const staged of kept) staged.offset -= from;
  }

  private grow(needed: number): void {
    const grown = new Float32Array(Math.max(needed, this.data.length * 2));
    grown.set(this.data.subarray(0, this.end));
    this.data = grown;
  }
}
