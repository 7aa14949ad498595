// A TF.js weightsManifest: groups of shard files whose concatenated bytes hold the weights in order.
// The manifest is checked and each group's byte length known before any shard is read, so the
// shards are read for exactly the bytes their weights take.
import { constants as bufferConstants } from 'node:buffer';
import { type Tensor } from '../../tensor';
import { decodeToFloat32, ITEM_SIZES, type NumberKind } from '../bytes';
import { checkDim, elementCount } from '../checked';

type Json = Record<string, unknown>;

interface Weight {
  name: string;
  shape: number[];
  kind: NumberKind;
  scale: number;
  min: number;
  byteLength: number;
}

/** One group of the manifest, checked: its shard paths and the bytes its weights take. */
export interface WeightGroup {
  /** `<label>: weightsManifest[i]`, for errors. */
  what: string;
  paths: string[];
  weights: Weight[];
  byteLength: number;
}

/** Reads a group's shards: their bytes concatenated, exactly `group.byteLength` of them. */
export type ShardReader = (group: WeightGroup) => Promise<Uint8Array>;

/**
 * Stored dtypes: float32 as is, int32 and bool converted to float32 (exact up to 2^24; bool as 0/1);
 * quantized weights (uint8/uint16 affine with scale and min, or float16) dequantized as TF.js does.
 */
const DTYPES: Record<string, NumberKind> = { float32: 'f4', int32: 'i4', bool: 'b1' };
const QUANTIZED: Record<string, NumberKind> = { uint8: 'u1', uint16: 'u2', float16: 'f2' };

function layoutOf(entry: Json, what: string): Pick<Weight, 'kind' | 'scale' | 'min'> {
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

function checkWeight(entry: unknown, what: string, names: Set<string>): Weight {
  const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Json;
  const name = String(e.name);
  const where = `${what} weight '${name}'`;
  if (names.has(name)) throw new RangeError(`${where}: listed twice`);
  names.add(name);
  if (!Array.isArray(e.shape)) throw new TypeError(`${where}: shape must be an array, got ${JSON.stringify(e.shape)}`);
  const shape = e.shape.map((d, i) => checkDim(d, `${where} shape[${i}]`));
  const layout = layoutOf(e, where);
  return { name, shape, ...layout, byteLength: elementCount(shape, where) * ITEM_SIZES[layout.kind] };
}

function checkGroup(group: unknown, index: number, label: string, names: Set<string>): WeightGroup {
  const what = `${label}: weightsManifest[${index}]`;
  if (typeof group !== 'object' || group === null || !Array.isArray((group as Json).weights)) throw new TypeError(`${what}: expected { paths, weights }`);
  const { paths, weights } = group as { paths: unknown; weights: unknown[] };
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) throw new TypeError(`${what}: paths must be an array of file names, got ${JSON.stringify(paths)}`);
  const checked = weights.map((entry) => checkWeight(entry, what, names));
  const byteLength = checked.reduce((n, w) => n + w.byteLength, 0);
  if (byteLength > bufferConstants.MAX_LENGTH) {
    throw new RangeError(`${what}: its weights take ${byteLength} bytes, more than the ${bufferConstants.MAX_LENGTH} one buffer may hold`);
  }
  return { what, paths, weights: checked, byteLength };
}

function decodeGroup(group: WeightGroup, bytes: Uint8Array, into: Map<string, Tensor>): void {
  let offset = 0;
  for (const { name, shape, kind, scale, min, byteLength } of group.weights) {
    const data = decodeToFloat32(bytes, offset, byteLength / ITEM_SIZES[kind], kind);
    if (scale !== 1 || min !== 0) data.forEach((v, i) => { data[i] = v * scale + min; });
    into.set(name, { data, shape });
    offset += byteLength;
  }
}

/** Checks the whole manifest, then reads and decodes each group's shards. */
export async function readWeights(manifest: unknown, read: ShardReader, label: string): Promise<Map<string, Tensor>> {
  if (manifest === undefined || manifest === null) return new Map();
  if (!Array.isArray(manifest)) throw new TypeError(`${label}: weightsManifest must be an array of groups`);
  const names = new Set<string>();
  const groups = manifest.map((group, i) => checkGroup(group, i, label, names));
  const weights = new Map<string, Tensor>();
  for (const group of groups) {
    decodeGroup(group, await read(group), weights);
  }
  return weights;
}
