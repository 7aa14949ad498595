// A .npy file of any size read a slab at a time: opened as readNpy opens files (regular files only,
// without blocking, fstat'ed), its header parsed once and its data length checked against the size
// fstat gave, then any range of entries along one axis is read with positioned reads and converted
// to float32 as readNpy converts every dtype it accepts.
import type { FileHandle } from 'node:fs/promises';
import { MAX_KERNEL_SIZE } from '../limits';
import { describe, formatShape, sizeOf, type Tensor } from '../tensor';
import { decodeToFloat32, HOST_LITTLE_ENDIAN } from './bytes';
import { checkNpyDataLength, npyDataOffset, parseNpyHeader, type NpyLayout } from './npy';
import { checkSlab, eachBlock, slabBlocks } from './npy-slab';
import { openFile, readAt, streamedFileSize } from './source';

/** numpy reads headers of at most 10,000 bytes unless told otherwise; any header past this is not an array's. */
export const MAX_STREAMED_HEADER_BYTES = 2 ** 20;
/** The most elements a streamed file may declare: its byte length must stay a safe integer. */
const MAX_STREAMED_ELEMENTS = Math.floor(Number.MAX_SAFE_INTEGER / 8);

export class NpyFile {
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    /** The path, for messages. */
    readonly label: string,
    readonly layout: NpyLayout,
    /** The file's size when it was opened. */
    readonly size: number,
  ) {}

  /** Opens `file` and checks its header against its size; the caller closes it (openNpy is the public entry). */
  static async open(file: string): Promise<NpyFile> {
    const { handle, stats } = await openFile(file);
    try {
      const size = streamedFileSize(stats, file);
      const layout = await readLayout(handle, size, file);
      checkNpyDataLength(layout, size - layout.dataOffset, file, MAX_STREAMED_ELEMENTS);
      return new NpyFile(handle, file, layout, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get shape(): number[] {
    return this.layout.shape.slice();
  }

  /** The entries start .. start + count - 1 along `axis`, in the file's own dtype and byte order. */
  async readSlabBytes(axis: number, start: number, count: number): Promise<Uint8Array> {
    const { bytes, blocks } = this.slab(axis, start, count);
    const out = new Uint8Array(bytes);
    await this.readBlocks(out, blocks);
    return out;
  }

  /** The entries start .. start + count - 1 along `axis` as float32 (see decodeNpy for the conversions). */
  async readSlab(axis: number, start: number, count: number): Promise<Tensor> {
    const shape = this.layout.shape.map((dim, i) => (i === axis ? count : dim));
    const { kind, littleEndian } = this.layout;
    if (kind === 'f4' && littleEndian && HOST_LITTLE_ENDIAN) {
      // Read straight into the tensor's memory: no second copy of the part.
      const { bytes, blocks } = this.slab(axis, start, count);
      const data = new Float32Array(bytes / 4);
      await this.readBlocks(new Uint8Array(data.buffer), blocks);
      return { data, shape };
    }
    const raw = await this.readSlabBytes(axis, start, count);
    return { data: decodeToFloat32(raw, 0, raw.length / this.layout.itemSize, kind, littleEndian), shape };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private slab(axis: number, start: number, count: number): ReturnType<typeof slabBlocks> {
    checkSlab(this.layout, axis, start, count, this.label);
    const elements = sizeOf(this.layout.shape.map((dim, i) => (i === axis ? count : dim)));
    if (elements > MAX_KERNEL_SIZE) {
      throw new RangeError(`${this.label}: ${count} entries along axis ${axis} of ${formatShape(this.layout.shape)} are ${elements} elements, `
        + `more than the ${MAX_KERNEL_SIZE} one run takes; take fewer at a time`);
    }
    return slabBlocks(this.layout, axis, start, count);
  }

  private async readBlocks(into: Uint8Array, blocks: ReturnType<typeof slabBlocks>['blocks']): Promise<void> {
    if (this.closed) throw new Error(`${this.label}: the file was closed`);
    await eachBlock(blocks, (block) => readAt(this.handle, into.subarray(block.offset, block.offset + block.length), block.position, this.size, this.label));
  }
}

/**
 * Opens a .npy file of any size to read it a slab at a time (NpyFile.readSlab); close it when done.
 * Its header is checked against its size at once.
 */
export async function openNpy(file: string): Promise<NpyFile> {
  if (typeof file !== 'string' || file === '') throw new TypeError(`openNpy: expected a file path, got ${describe(file)}`);
  try {
    return await NpyFile.open(file);
  } catch (error) {
    // fs/promises errors carry no JavaScript frames: give them this call's, for --verbose.
    if (error instanceof Error && !/\n\s+at /.test(error.stack ?? '')) Error.captureStackTrace(error);
    throw error;
  }
}

/** The header, read in two steps: its stated length first, checked against the file's size and MAX_STREAMED_HEADER_BYTES. */
async function readLayout(handle: FileHandle, size: number, label: string): Promise<NpyLayout> {
  const prefix = new Uint8Array(Math.min(size, 12));
  await readAt(handle, prefix, 0, size, label);
  const dataOffset = npyDataOffset(prefix, label, size);
  if (dataOffset > MAX_STREAMED_HEADER_BYTES) {
    throw new RangeError(`${label}: the .npy header is ${dataOffset} bytes long, more than the ${MAX_STREAMED_HEADER_BYTES} taken (numpy writes a few hundred)`);
  }
  const header = new Uint8Array(dataOffset);
  await readAt(handle, header, 0, size, label);
  return parseNpyHeader(header, label);
}
