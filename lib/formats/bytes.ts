// Little-endian number decoding into float32, independent of the host's byte order and of the
// alignment of the bytes (a header of any length puts the data at any offset).

export type NumberKind = 'f2' | 'bf2' | 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';

export const ITEM_SIZES: Record<NumberKind, number> = {
  f2: 2, bf2: 2, f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, b1: 1,
};

/** IEEE 754 half precision to a number (exact: every half is a float32). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function reader(view: DataView, kind: NumberKind, little: boolean): (offset: number) => number {
  switch (kind) {
    case 'f2': return (o) => halfToNumber(view.getUint16(o, little));
    case 'bf2': return (o) => {
      scratch.setUint32(0, view.getUint16(o, little) << 16);
      return scratch.getFloat32(0);
    };
    case 'f4': return (o) => view.getFloat32(o, little);
    case 'f8': return (o) => view.getFloat64(o, little);
    case 'i1': return (o) => view.getInt8(o);
    case 'i2': return (o) => view.getInt16(o, little);
    case 'i4': return (o) => view.getInt32(o, little);
    case 'i8': return (o) => Number(view.getBigInt64(o, little));
    case 'u1': return (o) => view.getUint8(o);
    case 'u2': return (o) => view.getUint16(o, little);
    case 'u4': return (o) => view.getUint32(o, little);
    case 'u8': return (o) => Number(view.getBigUint64(o, little));
    case 'b1': return (o) => (view.getUint8(o) === 0 ? 0 : 1);
  }
}

const scratch = new DataView(new ArrayBuffer(4));
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function decodeInto<T extends Float32Array | Float64Array>(out: T, bytes: Uint8Array, offset: number, kind: NumberKind, littleEndian: boolean): T {
  const size = ITEM_SIZES[kind];
  const read = reader(new DataView(bytes.buffer, bytes.byteOffset + offset, out.length * size), kind, littleEndian);
  for (let i = 0; i < out.length; i++) out[i] = read(i * size);
  return out;
}

/**
 * Decodes `count` numbers of `kind` starting at `offset` into a new Float32Array; each value is
 * rounded to the nearest float32 (Math.fround semantics: float64 beyond float32's range becomes
 * ±Infinity, integers beyond 2^24 lose their low bits). The caller has checked the byte range.
 */
export function decodeToFloat32(bytes: Uint8Array, offset: number, count: number, kind: NumberKind, littleEndian = true): Float32Array {
  if (kind === 'f4' && littleEndian && HOST_LITTLE_ENDIAN) {
    // Copied into a fresh, aligned buffer (not slice(): on a Node Buffer it is a view of the pool).
    return new Float32Array(new Uint8Array(bytes.subarray(offset, offset + count * 4)).buffer);
  }
  return decodeInto(new Float32Array(count), bytes, offset, kind, littleEndian);
}

/** Like decodeToFloat32 but keeps the exact values (as float64), for integer tensors. */
export function decodeToFloat64(bytes: Uint8Array, offset: number, count: number, kind: NumberKind, littleEndian = true): Float64Array {
  return decodeInto(new Float64Array(count), bytes, offset, kind, littleEndian);
}

/** The little-endian bytes of a Float32Array: a view of its memory on a little-endian host, else a copy. */
export function float32BytesView(data: Float32Array): Uint8Array {
  return HOST_LITTLE_ENDIAN ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : float32Bytes(data);
}

/** The little-endian bytes of a Float32Array. */
export function float32Bytes(data: Float32Array): Uint8Array {
  if (HOST_LITTLE_ENDIAN) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return out;
}
