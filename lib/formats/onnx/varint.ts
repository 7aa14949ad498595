// int64 and uint64 varints read as numbers, without the Long object protobufjs makes for each.
import type * as protobuf from 'protobufjs';

const TWO_32 = 2 ** 32;
const MAX_VARINT_BYTES = 10;

/**
 * The varint at the reader's position, exact up to 2^53 in magnitude and rounded beyond (as
 * Long.toNumber does); `signed` reads int64, whose negatives are ten bytes of two's complement.
 */
export function readVarint64(reader: protobuf.Reader, signed: boolean): number {
  const { buf } = reader;
  let lo = 0;
  let hi = 0;
  let byte = 0x80;
  for (let i = 0; byte >= 0x80; i++) {
    if (i === MAX_VARINT_BYTES) throw new Error(`invalid varint encoding at offset ${reader.pos}`);
    if (reader.pos >= reader.len) throw new RangeError(`index out of range: ${reader.pos} + 1 > ${reader.len}`);
    byte = buf[reader.pos++];
    if (i < 4) lo |= (byte & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (byte & 0x0f) << 28;
      hi |= (byte & 0x7f) >>> 4;
    } else hi |= (byte & 0x7f) << (7 * i - 32);
  }
  lo >>>= 0;
  hi >>>= 0;
  if (signed && hi >= 0x80000000) {
    const negLo = (~lo + 1) >>> 0;
    const negHi = (~hi + (negLo === 0 ? 1 : 0)) >>> 0;
    return -(negHi * TWO_32 + negLo);
  }
  return hi * TWO_32 + lo;
}
