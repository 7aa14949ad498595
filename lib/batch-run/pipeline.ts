// A small bounded pipeline over numbered parts: read(i) -> compute(i) -> write(i), the next parts
// read while one computes and the last ones written while the next computes, so the disk and the
// cores work at once with a few parts in memory, whatever the number of parts.

export interface PipelineStages<In, Out> {
  read(part: number): Promise<In>;
  compute(input: In, part: number): Promise<Out>;
  write(output: Out, part: number): Promise<void>;
  /** Told after each part is computed. */
  computed?(part: number): void;
}

export interface PipelineOptions {
  /** Parts read ahead of the one computing (default 1). */
  readAhead?: number;
  /** Parts whose writes may still run while the next one computes (default 1). */
  writeBehind?: number;
  /** Stops between parts; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A promise whose rejection is handled until someone awaits it: an early failure must not crash the process. */
function held<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * Runs every part through the stages, in order of part for compute. On the first failure (or an
 * abort) it waits for the reads and writes in flight to settle, so nothing touches a file after the
 * promise has rejected, then rejects with that failure.
 */
export async function runPipeline<In, Out>(parts: number, stages: PipelineStages<In, Out>, options: PipelineOptions = {}): Promise<void> {
  const readAhead = options.readAhead ?? 1;
  const writeBehind = options.writeBehind ?? 1;
  const reads: Array<Promise<In>> = [];
  const writes: Array<Promise<void>> = [];
  let nextRead = 0;
  /** Starts the reads of `part` and of the readAhead parts after it. */
  const fill = (part: number) => {
    while (nextRead < parts && nextRead <= part + readAhead) reads.push(held(stages.read(nextRead++)));
  };
  try {
    for (let part = 0; part < parts; part++) {
      options.signal?.throwIfAborted();
      fill(part);
      const input = await reads.shift()!;
      options.signal?.throwIfAborted();
      const output = await stages.compute(input, part);
      stages.computed?.(part);
      writes.push(held(stages.write(output, part)));
      while (writes.length > writeBehind) await writes.shift();
    }
    while (writes.length > 0) await writes.shift();
  } catch (error) {
    await Promise.allSettled([...reads, ...writes]);
    throw error;
  }
}
