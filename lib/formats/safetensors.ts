// safetensors files: an 8-byte little-endian header length, a JSON header naming each tensor's
// dtype, shape and byte range, then the data. Tensors come out as float32.
import { MalformedFileError, UnsupportedError } from '../errors';
import { describe, formatShape, type Tensor } from '../tensor';
import { decodeToFloat32, ITEM_SIZES, type NumberKind } from './bytes';
import { checkDim, checkedByteLength } from './checked';
import { checkJsonNesting } from './nesting';
import { readSource } from './source';

/** The reference implementation's limit on the JSON header. */
const MAX_HEADER_BYTES = 100_000_000;

/**
 * safetensors dtypes read, each converted to the nearest float32: F32 as is, F16 and BF16 exactly,
 * F64 rounded (beyond ±3.4e38 to ±Infinity), integers exactly up to 2^24 in magnitude, BOOL as 0/1.
 */
const DTYPES: Record<string, NumberKind> = {
  F32: 'f4', F64: 'f8', F16: 'f2', BF16: 'bf2', I8: 'i1', I16: 'i2', I32: 'i4', I64: 'i8',
  U8: 'u1', U16: 'u2', U32: 'u4', U64: 'u8', BOOL: 'b1',
};

export interface Safetensors {
  tensors: Map<string, Tensor>;
  /** The header's `__metadata__` (string to string), empty when absent. */
  metadata: Record<string, string>;
  /** Each tensor's dtype in the file, by name. */
  dtypes: Map<string, string>;
}

interface Entry {
  name: string;
  kind: NumberKind;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function readHeader(bytes: Uint8Array, label: string): { header: Record<string, unknown>; dataOffset: number } {
  if (bytes.length < 8) throw new MalformedFileError(`${label}: truncated safetensors file: ${bytes.length} bytes, the header length alone needs 8`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(Math.min(bytes.length - 8, MAX_HEADER_BYTES))) {
    throw new MalformedFileError(`${label}: safetensors header length ${length} exceeds the ${bytes.length - 8} bytes after it (limit ${MAX_HEADER_BYTES})`);
  }
  const dataOffset = 8 + Number(length);
  const json = bytes.subarray(8, dataOffset);
  checkJsonNesting(json, label, 'the safetensors header');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (error) {
    throw new MalformedFileError(`${label}: the safetensors header is not valid UTF-8 JSON (${(error as Error).message})`, { base: 'SyntaxError' });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new MalformedFileError(`${label}: the safetensors header must be a JSON object, got ${describe(header)}`, { base: 'TypeError' });
  }
  return { header: header as Record<string, unknown>, dataOffset };
}

function readMetadata(value: unknown, label: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new MalformedFileError(`${label}: safetensors __metadata__ must be an object of strings, got ${JSON.stringify(value)}`, { base: 'TypeError' });
  }
  return { ...(value as Record<string, string>) };
}

function readEntry(name: string, value: unknown, dataLength: number, label: string): Entry {
  const what = `${label}: tensor '${name}'`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedFileError(`${what}: expected { dtype, shape, data_offsets }, got ${describe(value)}`, { base: 'TypeError' });
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in DTYPES)) {
    throw new UnsupportedError(`${what}: unsupported dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(DTYPES).join(', ')}`, { base: 'TypeError' });
  }
  if (!Array.isArray(shape)) throw new MalformedFileError(`${what}: shape must be an array of integers, got ${describe(shape)}`, { base: 'TypeError' });
  const dims = shape.map((d, i) => checkDim(d, `${what} shape[${i}]`));
  if (!Array.isArray(offsets) || offsets.length !== 2) throw new MalformedFileError(`${what}: data_offsets must be [begin, end], got ${JSON.stringify(offsets)}`, { base: 'TypeError' });
  const [begin, end] = offsets.map((o, i) => checkDim(o, `${what} data_offsets[${i}]`));
  if (begin > end || end > dataLength) {
    throw new MalformedFileError(`${what}: data_offsets [${begin}, ${end}] lie outside the ${dataLength} data bytes`);
  }
  const kind = DTYPES[dtype];
  const needed = checkedByteLength(dims, ITEM_SIZES[kind], dataLength, what);
  if (needed !== end - begin) {
    throw new MalformedFileError(`${what}: shape ${formatShape(dims)} of ${dtype} needs ${needed} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, kind, dtype, shape: dims, begin, end };
}

/** As the reference implementation: the byte ranges must tile the data exactly, no gaps or overlaps. */
function checkTiling(entries: Entry[], dataLength: number, label: string): void {
  let position = 0;
  for (const entry of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (entry.begin !== position) {
      const problem = entry.begin < position ? 'overlaps the previous tensor' : `leaves a gap after byte ${position}`;
      throw new MalformedFileError(`${label}: tensor '${entry.name}' at data_offsets [${entry.begin}, ${entry.end}] ${problem}`);
    }
    position = entry.end;
  }
  if (position !== dataLength) {
    throw new MalformedFileError(`${label}: the tensors cover ${position} data bytes, the file holds ${dataLength}`);
  }
}

/** Parses safetensors bytes; errors name `label`, the tensor and what was expected. */
export function decodeSafetensors(bytes: Uint8Array, label = '<bytes>'): Safetensors {
  const { header, dataOffset } = readHeader(bytes, label);
  const dataLength = bytes.length - dataOffset;
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, value]) => readEntry(name, value, dataLength, label));
  checkTiling(entries, dataLength, label);
  const tensors = new Map<string, Tensor>();
  const dtypes = new Map<string, string>();
  for (const e of entries) {
    const count = (e.end - e.begin) / ITEM_SIZES[e.kind];
    tensors.set(e.name, { data: decodeToFloat32(bytes, dataOffset + e.begin, count, e.kind), shape: e.shape });
    dtypes.set(e.name, e.dtype);
  }
  return { tensors, metadata: readMetadata(header.__metadata__, label), dtypes };
}

/** Reads a safetensors file (or its bytes). */
export function readSafetensors(pathOrBytes: string | Uint8Array): Safetensors {
  const source = readSource(pathOrBytes, 'readSafetensors');
  return decodeSafetensors(source.bytes, source.label);
}
