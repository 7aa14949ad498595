// A slab of a C-order array: the entries start .. start + count - 1 along one axis. In a .npy file
// it is one block per index before the axis (one for axis 0, T for a time-major [T, B, D] cut along
// B), each count * inner items long; in memory the blocks follow each other. The part readers and
// writers move slabs with positioned reads and writes, a few blocks at a time.
import { aroundAxis, formatShape } from '../tensor';

export interface SlabBlock {
  /** Where the block starts in the file. */
  position: number;
  /** Where it starts in the slab's bytes. */
  offset: number;
  length: number;
}

/** The most bytes one read or write moves (Node refuses 2 GiB and more; smaller pieces share the threads). */
const MAX_BLOCK_BYTES = 64 * 2 ** 20;
/** Positioned reads or writes in flight at once for one slab (libuv runs 4 at a time by default). */
const IN_FLIGHT = 8;

export interface SlabGeometry {
  shape: readonly number[];
  itemSize: number;
  dataOffset: number;
}

/** Refuses an axis or a range outside the array. */
export function checkSlab(geometry: SlabGeometry, axis: number, start: number, count: number, label: string): void {
  const { shape } = geometry;
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new RangeError(`${label}: axis ${axis} is outside shape ${formatShape(shape)}`);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > shape[axis]) {
    throw new RangeError(`${label}: entries ${start} .. ${start + count - 1} along axis ${axis} are outside shape ${formatShape(shape)}`);
  }
}

/** The slab's blocks in file order, adjacent ones merged, none longer than MAX_BLOCK_BYTES. */
export function slabBlocks(geometry: SlabGeometry, axis: number, start: number, count: number): { bytes: number; blocks: SlabBlock[] } {
  const { outer, inner } = aroundAxis(geometry.shape, axis);
  const rowBytes = geometry.shape[axis] * inner * geometry.itemSize;
  const blockBytes = count * inner * geometry.itemSize;
  const merged: SlabBlock[] = [];
  for (let o = 0; o < outer && blockBytes > 0; o++) {
    const position = geometry.dataOffset + o * rowBytes + start * inner * geometry.itemSize;
    const last = merged[merged.length - 1];
    if (last && last.position + last.length === position) last.length += blockBytes;
    else merged.push({ position, offset: o * blockBytes, length: blockBytes });
  }
  const blocks = merged.flatMap((block) => {
    const pieces: SlabBlock[] = [];
    for (let done = 0; done < block.length; done += MAX_BLOCK_BYTES) {
      pieces.push({ position: block.position + done, offset: block.offset + done, length: Math.min(MAX_BLOCK_BYTES, block.length - done) });
    }
    return pieces;
  });
  return { bytes: outer * blockBytes, blocks };
}

/** Runs `move` on every block, IN_FLIGHT at a time; the first failure is thrown once all have settled. */
export async function eachBlock(blocks: readonly SlabBlock[], move: (block: SlabBlock) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (next < blocks.length && !failure) {
      const block = blocks[next++];
      try {
        await move(block);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, blocks.length) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
}
