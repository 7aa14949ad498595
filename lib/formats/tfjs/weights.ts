// A TF.js weightsManifest: groups of shard files whose concatenated bytes hold the weights in order.
import { type Tensor } from '../../tensor';
import { decodeToFloat32, ITEM_SIZES, type NumberKind } from '../bytes';
import { checkDim, checkedByteLength } from '../checked';

/** Reads one shard, given its path as the manifest writes it. */
export type ShardReader = (path: string) => Uint8Array;

type Json = Record<string, unknown>;

/**
 * Stored dtypes: float32 as is, int32 and bool converted to float32 (exact up to 2^24; bool as 0/1);
 * quantized weights (uint8/uint16 affine with scale and min, or float16) dequantized as TF.js does.
 */
const DTYPES: Record<string, NumberKind> = { float32: 'f4', int32: 'i4', bool: 'b1' };
const QUANTIZED: Record<string, NumberKind> = { uint8: 'u1', uint16: 'u2', float16: 'f2' };

interface Layout {
  kind: NumberKind;
  scale: number;
  min: number;
}

function layoutOf(entry: Json, what: string): Layout {
  const q = entry.quantization;
  if (q === undefined || q === null) {
    const kind = DTYPES[String(entry.dtype)];
    if (!kind) throw new TypeError(`${what}: unsupported dtype ${JSON.stringify(entry.dtype)}; expected float32, int32 or bool`);
    return { kind, scale: 1, min: 0 };
  }
  const { dtype, scale = 1, min = 0 } = q as Json;
  const kind = QUANTIZED[String(dtype)];
  if (!kind || typeof scale !== 'number' || typeof min !== 'number' || !Number.isFinite(scale) || !Number.isFinite(min)) {
    throw new TypeError(`${what}: unsupported quantization ${JSON.stringify(q)}; expected uint8/uint16 with finite scale and min, or float16`);
  }
  return { kind, scale: kind === 'f2' ? 1 : scale, min: kind === 'f2' ? 0 : min };
}

function concatenated(paths: unknown, read: ShardReader, what: string): Uint8Array {
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) throw new TypeError(`${what}: paths must be an array of file names, got ${JSON.stringify(paths)}`);
  const shards = paths.map((p: string) => read(p));
  const out = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  shards.reduce((offset, shard) => (out.set(shard, offset), offset + shard.length), 0);
  return out;
}

function readGroup(group: unknown, index: number, read: ShardReader, label: string, into: Map<string, Tensor>): void {
  const what = `${label}: weightsManifest[${index}]`;
  if (typeof group !== 'object' || group === null || !Array.isArray((group as Json).weights)) throw new TypeError(`${what}: expected { paths, weights }`);
  const bytes = concatenated((group as Json).paths, read, what);
  let offset = 0;
  for (const entry of (group as Json).weights as unknown[]) {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Json;
    const name = String(e.name);
    const where = `${what} weight '${name}'`;
    if (into.has(name)) throw new RangeError(`${where}: listed twice`);
    if (!Array.isArray(e.shape)) throw new TypeError(`${where}: shape must be an array, got ${JSON.stringify(e.shape)}`);
    const shape = e.shape.map((d, i) => checkDim(d, `${where} shape[${i}]`));
    const { kind, scale, min } = layoutOf(e, where);
    const length = checkedByteLength(shape, ITEM_SIZES[kind], bytes.length - offset, `${where} (at byte ${offset} of the shards)`);
    const data = decodeToFloat32(bytes, offset, length / ITEM_SIZES[kind], kind);
    if (scale !== 1 || min !== 0) data.forEach((v, i) => { data[i] = v * scale + min; });
    into.set(name, { data, shape });
    offset += length;
  }
  if (offset !== bytes.length) throw new RangeError(`${what}: the shards hold ${bytes.length} bytes, the weights listed use ${offset}`);
}

export function readWeights(manifest: unknown, read: ShardReader, label: string): Map<string, Tensor> {
  if (manifest === undefined || manifest === null) return new Map();
  if (!Array.isArray(manifest)) throw new TypeError(`${label}: weightsManifest must be an array of groups`);
  const weights = new Map<string, Tensor>();
  manifest.forEach((group, i) => readGroup(group, i, read, label, weights));
  return weights;
}
