// Splitting a batch into contiguous ranges that machines sharing nothing can run on their own, and
// the file names that say which range of the batch a file holds and along which axis:
// y.shard-<start>-<end>-axis<k>.npy (the axis is in the name: a shape alone cannot always tell it).
import * as path from 'node:path';
import { formatValue } from '../tensor';

/** Sequences start .. end - 1 of the batch. */
export interface SequenceRange {
  start: number;
  end: number;
}

/** The index-th (from 0) of `count` contiguous ranges covering `sequences`, their sizes differing by at most one. */
export function shardRange(sequences: number, index: number, count: number): SequenceRange {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`shard: expected a shard count of at least 1, got ${formatValue(count)}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`shard: expected an index from 0 to ${count - 1} (shards are numbered from 0), got ${formatValue(index)}`);
  }
  const at = (i: number) => Math.floor((i * sequences) / count);
  return { start: at(index), end: at(index + 1) };
}

/** Refuses a range that is not within 0 .. sequences. */
export function checkRange(range: SequenceRange, sequences: number, what: string): SequenceRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > sequences) {
    throw new RangeError(`${what}: expected sequences [start, end) with 0 <= start <= end <= ${sequences} (the input's batch), got [${start}, ${end})`);
  }
  return { start, end };
}

/** What a shard file's name says. */
export interface ShardName extends SequenceRange {
  output: string;
  /** The axis the batch runs along in the file. */
  axis: number;
}

export function shardFileName(output: string, range: SequenceRange, axis: number): string {
  return `${output}.shard-${range.start}-${range.end}-axis${axis}.npy`;
}

const SHARD_NAME = /^(.+)\.shard-(\d+)-(\d+)-axis(\d+)\.npy$/;

/** The output name, range and axis a shard file's name states, or null when it is not named as a shard. */
export function parseShardFileName(file: string): ShardName | null {
  const match = SHARD_NAME.exec(path.basename(file));
  if (!match) return null;
  const [start, end, axis] = [Number(match[2]), Number(match[3]), Number(match[4])];
  if (![start, end, axis].every(Number.isSafeInteger) || end < start) return null;
  return { output: match[1], start, end, axis };
}

/** "sequence 4" or "sequences 4 .. 9". */
export function describeSequences(start: number, end: number): string {
  return end - start === 1 ? `sequence ${start}` : `sequences ${start} .. ${end - 1}`;
}
