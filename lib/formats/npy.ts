// NumPy .npy files (format versions 1.0, 2.0 and 3.0): read into float32 tensors, write float32.
import { writeFileSync } from 'node:fs';
import { MalformedFileError, UnsupportedError } from '../errors';
import { formatShape, formatValue, toTensor, type Tensor, type TensorLike } from '../tensor';
import { decodeToFloat32, float32Bytes, ITEM_SIZES, type NumberKind } from './bytes';
import { checkDim, checkedByteLength } from './checked';
import { parseHeaderDict, type HeaderValue } from './npy-header';
import { readSource } from './source';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const SUPPORTED = "'<f4', '<f8', '<f2', '<i1'..'<i8', '<u1'..'<u8', '|b1' (either byte order)";

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

interface Preamble {
  headerText: string;
  dataOffset: number;
}

function readPreamble(bytes: Uint8Array, label: string): Preamble {
  if (!isNpy(bytes)) {
    const got = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new MalformedFileError(`${label}: not a .npy file: expected the magic bytes 93 4e 55 4d 50 59 ("\\x93NUMPY"), got ${got || 'an empty file'}`, { base: 'Error' });
  }
  if (bytes.length < 10) throw new MalformedFileError(`${label}: truncated .npy file: ${bytes.length} bytes, the preamble alone needs 10`);
  const [major, minor] = [bytes[6], bytes[7]];
  if (major < 1 || major > 3 || minor !== 0) {
    throw new UnsupportedError(`${label}: unsupported .npy format version ${major}.${minor}; expected 1.0, 2.0 or 3.0`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new MalformedFileError(`${label}: truncated .npy file: the header length field is cut off`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > bytes.length) {
    throw new MalformedFileError(`${label}: .npy header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  }
  const header = bytes.subarray(8 + lengthBytes, dataOffset);
  if (major !== 3) return { headerText: Buffer.from(header).toString('latin1'), dataOffset };
  try {
    return { headerText: new TextDecoder('utf-8', { fatal: true }).decode(header), dataOffset };
  } catch {
    throw new MalformedFileError(`${label}: the version 3.0 .npy header is not valid UTF-8`, { base: 'SyntaxError' });
  }
}

/** '<f4' -> f4 little-endian; refuses object, string, complex, datetime and structured dtypes clearly. */
function parseDescr(descr: HeaderValue | undefined, label: string): { kind: NumberKind; littleEndian: boolean } {
  if (typeof descr !== 'string') {
    throw new UnsupportedError(`${label}: structured .npy dtypes (descr ${JSON.stringify(descr)}) are not supported; expected one of ${SUPPORTED}`, { base: 'TypeError' });
  }
  if (/^[<>|=]?O/.test(descr)) {
    throw new UnsupportedError(`${label}: object arrays (dtype '${descr}') are not supported: they hold pickled Python objects, not numbers`, { base: 'TypeError' });
  }
  const match = /^([<>|])([fiub])(\d+)$/.exec(descr);
  const kind = match ? `${match[2]}${match[3]}` as NumberKind : undefined;
  if (!match || !kind || !(kind in ITEM_SIZES) || kind === 'bf2' || (match[1] === '|' && ITEM_SIZES[kind] !== 1)) {
    throw new UnsupportedError(`${label}: unsupported .npy dtype '${descr}'; expected one of ${SUPPORTED}`, { base: 'TypeError' });
  }
  return { kind, littleEndian: match[1] !== '>' };
}

function parseShape(value: HeaderValue | undefined, label: string): number[] {
  if (!Array.isArray(value)) throw new MalformedFileError(`${label}: .npy header 'shape' must be a tuple of integers, got ${JSON.stringify(value)}`, { base: 'TypeError' });
  return value.map((dim, i) => checkDim(dim, `${label}: .npy header shape[${i}]`));
}

function checkKeys(header: Map<string, HeaderValue>, label: string): void {
  const keys = [...header.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') {
    throw new MalformedFileError(`${label}: .npy header must have exactly the keys descr, fortran_order, shape; got ${keys || 'none'}`, { base: 'SyntaxError' });
  }
}

/**
 * Decodes .npy bytes into a float32 tensor (C order). float32 is used as is; every other numeric dtype is
 * converted to the nearest float32: float64 rounds (values beyond ±3.4e38 become ±Infinity), float16 is exact,
 * integers are exact up to 2^24 in magnitude and round beyond, booleans become 0 and 1. Big-endian
 * ('>') data is byte-swapped. Fortran-order and object arrays are refused.
 */
export function decodeNpy(bytes: Uint8Array, label = '<bytes>'): Tensor {
  const { headerText, dataOffset } = readPreamble(bytes, label);
  const header = parseHeaderDict(headerText, label);
  checkKeys(header, label);
  const { kind, littleEndian } = parseDescr(header.get('descr'), label);
  const fortran = header.get('fortran_order');
  if (typeof fortran !== 'boolean') throw new MalformedFileError(`${label}: .npy header 'fortran_order' must be True or False, got ${JSON.stringify(fortran)}`, { base: 'TypeError' });
  if (fortran) {
    throw new UnsupportedError(`${label}: Fortran-order (column-major) .npy arrays are not supported; save a C-order array (numpy.ascontiguousarray)`);
  }
  const shape = parseShape(header.get('shape'), label);
  const available = bytes.length - dataOffset;
  const needed = checkedByteLength(shape, ITEM_SIZES[kind], available, `${label}: .npy data`);
  if (needed !== available) {
    throw new MalformedFileError(`${label}: .npy data is ${available} bytes, shape ${formatShape(shape)} of '${header.get('descr')}' needs ${needed}`);
  }
  return { data: decodeToFloat32(bytes, dataOffset, needed / ITEM_SIZES[kind], kind, littleEndian), shape };
}

/** Reads a .npy file (or its bytes); see decodeNpy for the dtype conversions. */
export function readNpy(pathOrBytes: string | Uint8Array): Tensor {
  const source = readSource(pathOrBytes, 'readNpy');
  return decodeNpy(source.bytes, source.label);
}

function headerFor(shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
}

/** A version 1.0 .npy file ('<f4', C order), its header padded to 64 bytes as numpy writes it. */
export function encodeNpy(tensor: TensorLike): Uint8Array {
  const { data, shape } = toTensor(tensor, 'encodeNpy tensor');
  const dict = headerFor(shape);
  const headerLength = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  if (headerLength > 0xffff) throw new RangeError(`encodeNpy: a ${shape.length}-dimensional shape does not fit a version 1.0 header`);
  const out = new Uint8Array(10 + headerLength + data.length * 4);
  out.set(MAGIC);
  out.set([1, 0, headerLength & 0xff, headerLength >> 8], 6);
  out.set(Buffer.from(dict.padEnd(headerLength - 1, ' ') + '\n', 'latin1'), 10);
  out.set(float32Bytes(data), 10 + headerLength);
  return out;
}

/** Writes a tensor as a version 1.0 '<f4' .npy file. */
export function writeNpy(path: string, tensor: TensorLike): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`writeNpy: expected a file path, got ${formatValue(path)}`);
  writeFileSync(path, encodeNpy(tensor));
}
