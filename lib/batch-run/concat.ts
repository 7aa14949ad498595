// Joining .npy files along one axis into one, streaming: each file is copied a slab at a time to
// where it belongs in the result, in its own dtype, under a temporary name until the result is
// whole. Shard files (y.shard-<start>-<end>-axis<k>.npy) are put in the order of their ranges,
// which must follow each other without gap or overlap, and are joined along the axis they name.
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { openNpy, type NpyFile } from '../formats/npy-file';
import { NpyWriter } from '../formats/npy-writer';
import { checkOptionsObject } from '../options';
import { describe, formatShape, sizeOf } from '../tensor';
import type { WrittenFile } from './outputs';
import { runPipeline } from './pipeline';
import { describeSequences, parseShardFileName, type ShardName } from './shards';

export interface ConcatOptions {
  /** The axis to join along; default: the one axis the files' shapes (and shard names) allow. */
  axis?: number;
  signal?: AbortSignal;
}

/** The bytes of one slab copied at a time. */
const CHUNK_BYTES = 16 * 2 ** 20;

interface Piece {
  file: NpyFile;
  shard: ShardName | null;
}

/** Shard files in the order of their ranges, checked to follow each other; other files as given. */
function ordered(pieces: Piece[]): Piece[] {
  if (!pieces.every((p) => p.shard)) return pieces;
  const sorted = [...pieces].sort((a, b) => a.shard!.start - b.shard!.start);
  for (let i = 1; i < sorted.length; i++) {
    const [before, after] = [sorted[i - 1].shard!, sorted[i].shard!];
    if (after.start !== before.end) {
      const what = after.start > before.end ? `${describeSequences(before.end, after.start)} ${after.start - before.end === 1 ? 'is' : 'are'} missing` : 'the shards overlap';
      throw new RangeError(`concatNpy: ${sorted[i - 1].file.label} ends at ${before.end} but ${sorted[i].file.label} starts at ${after.start}: ${what}`);
    }
  }
  return sorted;
}

/** Whether the files can be joined along `axis`: every other dimension agrees, and shards hold their range's count. */
function joinable(pieces: Piece[], axis: number): boolean {
  const first = pieces[0].file.layout.shape;
  return axis >= 0 && axis < first.length && pieces.every(({ file, shard }) => {
    const shape = file.layout.shape;
    return shape.every((dim, i) => i === axis || dim === first[i]) && (!shard || shape[axis] === shard.end - shard.start);
  });
}

/** The axis the shard names give, else the one asked for, else axis 0 of a single file. */
function chooseAxis(pieces: Piece[], asked: number | undefined): number {
  const shapes = pieces.map((p) => `${path.basename(p.file.label)} ${formatShape(p.file.layout.shape)}`).join(', ');
  const mismatch = pieces.find((p) => p.file.layout.descr !== pieces[0].file.layout.descr || p.file.layout.shape.length !== pieces[0].file.layout.shape.length);
  if (mismatch) throw new RangeError(`concatNpy: the files differ in dtype or rank: ${pieces.map((p) => `${path.basename(p.file.label)} '${p.file.layout.descr}' ${formatShape(p.file.layout.shape)}`).join(', ')}`);
  const named = new Set(pieces.map((p) => p.shard?.axis));
  if (named.size > 1) throw new RangeError(`concatNpy: the files name different batch axes or none: ${pieces.map((p) => path.basename(p.file.label)).join(', ')}`);
  const [fromNames] = named;
  if (fromNames !== undefined && asked !== undefined && asked !== fromNames) throw new RangeError(`concatNpy: axis ${asked} was asked for, the shard names say axis ${fromNames}`);
  const axis = fromNames ?? asked ?? (pieces.length === 1 ? 0 : undefined);
  if (axis === undefined) throw new TypeError(`concatNpy: pass axis: the files are not named as shards, so their batch axis is not known (${shapes})`);
  if (!joinable(pieces, axis)) throw new RangeError(`concatNpy: the files cannot be joined along axis ${axis}: ${shapes}`);
  return axis;
}

/** Copies `piece` into the writer from entry `at` along `axis`, reading the next chunk while the last is written. */
async function copyPiece(piece: Piece, writer: NpyWriter, axis: number, at: number, signal: AbortSignal | undefined): Promise<void> {
  const shape = piece.file.layout.shape;
  const entryBytes = (sizeOf(shape) / Math.max(1, shape[axis])) * piece.file.layout.itemSize;
  const step = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(1, entryBytes)));
  const chunks = Math.ceil(shape[axis] / step);
  const bounds = (chunk: number) => ({ start: chunk * step, count: Math.min(step, shape[axis] - chunk * step) });
  await runPipeline<Uint8Array, Uint8Array>(chunks, {
    read: (chunk) => piece.file.readSlabBytes(axis, bounds(chunk).start, bounds(chunk).count),
    compute: async (bytes) => bytes,
    write: (bytes, chunk) => writer.writeSlab(axis, at + bounds(chunk).start, bytes),
  }, { signal });
}

async function openPieces(files: string[]): Promise<Piece[]> {
  const opened = await Promise.allSettled(files.map(async (file) => ({ file: await openNpy(file), shard: parseShardFileName(file) })));
  const pieces = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = opened.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(pieces.map((p) => p.file.close()));
    throw (failed as PromiseRejectedResult).reason;
  }
  // Shards of different outputs are not one array's.
  const outputs = new Set(pieces.map((p) => p.shard?.output ?? null));
  if (outputs.size > 1) {
    await Promise.all(pieces.map((p) => p.file.close()));
    throw new RangeError(`concatNpy: the files are shards of different outputs (${[...outputs].map((o) => o ?? '(not a shard)').join(', ')})`);
  }
  return pieces;
}

/** Joins `files` along one axis into `target`, streaming; resolves to the file written. */
export async function concatNpy(files: string[], target: string, options?: ConcatOptions): Promise<WrittenFile> {
  if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'string' || f === '')) {
    throw new TypeError(`concatNpy: expected a non-empty array of .npy paths, got ${Array.isArray(files) ? `[${files.map(describe).join(', ')}]` : describe(files)}`);
  }
  if (typeof target !== 'string' || target === '') throw new TypeError(`concatNpy: expected a target path, got ${describe(target)}`);
  const o = checkOptionsObject(options, ['axis', 'signal'], 'concatNpy options') as ConcatOptions;
  if (o.axis !== undefined && !Number.isInteger(o.axis)) throw new TypeError(`concatNpy: axis: expected an integer, got ${describe(o.axis)}`);
  const pieces = await openPieces(files);
  try {
    const sorted = ordered(pieces);
    const axis = chooseAxis(sorted, o.axis);
    const shape = sorted[0].file.layout.shape.map((dim, i) => (i === axis ? sorted.reduce((n, p) => n + p.file.layout.shape[axis], 0) : dim));
    const writer = await NpyWriter.create(target, shape, { descr: sorted[0].file.layout.descr });
    try {
      let at = 0;
      for (const piece of sorted) {
        await copyPiece(piece, writer, axis, at, o.signal);
        at += piece.file.layout.shape[axis];
      }
      await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    return { name: path.basename(target, '.npy'), path: target, shape };
  } finally {
    await Promise.all(pieces.map((p) => p.file.close()));
  }
}

/**
 * Joins the shards in `dir` (as `run --shard` names them) into one <output>.npy per output, in
 * the same folder. Each output's shards must cover sequences 0 .. end without gap or overlap.
 */
export async function concatShards(dir: string, options?: Omit<ConcatOptions, 'axis'>): Promise<WrittenFile[]> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`concatShards: expected a folder path, got ${describe(dir)}`);
  const groups = new Map<string, Array<{ file: string; start: number }>>();
  for (const entry of await readdir(dir)) {
    const shard = parseShardFileName(entry);
    if (!shard) continue;
    if (!groups.has(shard.output)) groups.set(shard.output, []);
    groups.get(shard.output)!.push({ file: path.join(dir, entry), start: shard.start });
  }
  if (groups.size === 0) throw new Error(`concatShards: ${dir} holds no shard files (<output>.shard-<start>-<end>-axis<k>.npy)`);
  const written: WrittenFile[] = [];
  for (const [output, shards] of groups) {
    const first = Math.min(...shards.map((s) => s.start));
    if (first !== 0) throw new RangeError(`concatShards: the shards of '${output}' in ${dir} start at sequence ${first}, not 0: ${describeSequences(0, first)} ${first === 1 ? 'is' : 'are'} missing`);
    written.push({ ...(await concatNpy(shards.map((s) => s.file), path.join(dir, `${output}.npy`), options)), name: output });
  }
  return written;
}
