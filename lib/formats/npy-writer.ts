// A .npy file of any size written a slab at a time: the header first (the whole shape is known
// before the data), then each slab where it belongs with positioned writes, in any order, all under
// a temporary name that commit() renames to the target once every byte is there.
import { checkOptionsObject } from '../options';
import { checkShape, formatShape, formatValue, shapesEqual, sizeOf, toTensor, type Tensor } from '../tensor';
import { float32BytesView, ITEM_SIZES, type NumberKind } from './bytes';
import { npyHeaderBytes } from './npy';
import { checkSlab, eachBlock, slabBlocks, type SlabGeometry } from './npy-slab';
import { PartialFile } from './partial-file';

export interface NpyWriterOptions {
  /** The dtype written, as numpy spells it; default '<f4'. Slabs of other dtypes are given as bytes. */
  descr?: string;
}

/** '<f4' -> 4; the writer takes the dtypes the reader does. */
function itemSizeOf(descr: string): number {
  const kind = /^[<>|]([fiub]\d+)$/.exec(descr)?.[1] as NumberKind | undefined;
  if (!kind || !(kind in ITEM_SIZES)) throw new TypeError(`NpyWriter: unsupported descr '${descr}'`);
  return ITEM_SIZES[kind];
}

/**
 * Starts a .npy file of `shape` to be written a slab at a time (NpyWriter.writeSlab), under a
 * temporary name beside `target` until commit() renames it; abort() removes it.
 */
export async function createNpyWriter(target: string, shape: readonly number[], options?: NpyWriterOptions): Promise<NpyWriter> {
  if (typeof target !== 'string' || target === '') throw new TypeError(`createNpyWriter: expected a file path, got ${formatValue(target)}`);
  return NpyWriter.create(target, checkShape(shape, 'createNpyWriter'), checkOptionsObject(options, ['descr'], 'createNpyWriter options') as NpyWriterOptions);
}

export class NpyWriter {
  private constructor(private readonly file: PartialFile, readonly shape: readonly number[], readonly descr: string, private readonly geometry: SlabGeometry) {}

  /** Starts `target` (written as a temporary file beside it until commit) with the header for `shape`. */
  static async create(target: string, shape: readonly number[], options: NpyWriterOptions = {}): Promise<NpyWriter> {
    const descr = options.descr ?? '<f4';
    const itemSize = itemSizeOf(descr);
    if (!Number.isSafeInteger(sizeOf(shape) * itemSize)) throw new RangeError(`${target}: shape ${formatShape(shape)} is too large for a file`);
    const header = npyHeaderBytes(descr, shape);
    const file = await PartialFile.create(target);
    try {
      await file.writeAt(header, 0);
    } catch (error) {
      await file.abort();
      throw error;
    }
    return new NpyWriter(file, shape.slice(), descr, { shape: shape.slice(), itemSize, dataOffset: header.length });
  }

  get target(): string {
    return this.file.target;
  }

  /** The temporary file the data goes to until commit. */
  get partialPath(): string {
    return this.file.path;
  }

  /** The file's size once complete. */
  get byteLength(): number {
    return this.geometry.dataOffset + sizeOf(this.shape) * this.geometry.itemSize;
  }

  /**
   * Writes `slab`, the entries start .. start + n - 1 along `axis`: a float32 tensor of the
   * writer's shape but n along the axis (for '<f4'), or those entries' bytes in the writer's dtype.
   */
  async writeSlab(axis: number, start: number, slab: Tensor | Uint8Array): Promise<void> {
    const bytes = slab instanceof Uint8Array ? slab : this.float32Slab(axis, slab);
    const { itemSize } = this.geometry;
    const perEntry = sizeOf(this.shape.filter((_, i) => i !== axis)) * itemSize;
    const count = perEntry === 0 ? 0 : bytes.length / perEntry;
    if (!Number.isInteger(count)) throw new RangeError(`${this.target}: a slab of ${bytes.length} bytes is not whole entries along axis ${axis} of ${formatShape(this.shape)}`);
    checkSlab(this.geometry, axis, start, count, this.target);
    const { blocks } = slabBlocks(this.geometry, axis, start, count);
    await eachBlock(blocks, (block) => this.file.writeAt(bytes.subarray(block.offset, block.offset + block.length), block.position));
  }

  /** Writes the whole array at once (any rank, a scalar too). */
  async writeAll(tensor: Tensor): Promise<void> {
    const { data, shape } = toTensor(tensor, `${this.target}: the array`);
    if (!shapesEqual(shape, this.shape)) throw new RangeError(`${this.target}: an array of shape ${formatShape(shape)} is not one of ${formatShape(this.shape)}`);
    if (this.descr !== '<f4') throw new TypeError(`${this.target}: a float32 tensor cannot be written to a '${this.descr}' file`);
    await this.file.writeAt(float32BytesView(data), this.geometry.dataOffset);
  }

  /** Checks that every byte was written, flushes, and renames the file to its target. */
  async commit(): Promise<void> {
    await this.finish();
    await this.file.publish();
  }

  /** The first half of commit (for committing several files together): every byte written, flushed, closed. */
  async finish(): Promise<void> {
    const data = this.byteLength - this.geometry.dataOffset;
    const written = this.file.written - this.geometry.dataOffset;
    if (written !== data) {
      await this.file.abort();
      throw new Error(`${this.target}: ${written} of the ${data} data bytes of shape ${formatShape(this.shape)} were written; the file was not finished`);
    }
    await this.file.finish(this.byteLength);
  }

  /** The second half of commit: the finished file renamed to its target. */
  publish(): Promise<void> {
    return this.file.publish();
  }

  /** Removes the temporary file; resolves to its path when there was one. */
  abort(): Promise<string | null> {
    return this.file.abort();
  }

  private float32Slab(axis: number, slab: Tensor): Uint8Array {
    if (this.descr !== '<f4') throw new TypeError(`${this.target}: a float32 tensor cannot be written to a '${this.descr}' file; pass its bytes`);
    const fits = slab.shape.length === this.shape.length && slab.shape.every((dim, i) => i === axis || dim === this.shape[i]);
    if (!fits) throw new RangeError(`${this.target}: a slab of shape ${formatShape(slab.shape)} does not fit ${formatShape(this.shape)} along axis ${axis}`);
    return float32BytesView(toTensor(slab, `${this.target}: the slab`).data);
  }
}
