// Byte-level mutations of model and array files, seeded: bit flips, truncations, insertions,
// deletions, duplicated chunks, and the ones aimed at headers that lie: a number in a text header
// (.npy dict, safetensors JSON, model.json) replaced by a huge or negative one, a little-endian
// length prefix set to a huge value, and a protobuf varint made huge (ONNX).
import type { Rng } from './fuzz-junk';
import { between, pick } from './fuzz-junk';

const HUGE_NUMBERS = ['2147483648', '4294967296', '9007199254740993', '99999999999999999999', '1e308', '-1', '-9223372036854775808',
  '0', '3.5', 'NaN', 'Infinity', '18446744073709551615', '65536'];

function flipBits(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = between(rng, 1, 4); i > 0 && out.length > 0; i--) out[between(rng, 0, out.length - 1)] ^= 1 << between(rng, 0, 7);
  return out;
}

function setBytes(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = between(rng, 1, 3); i > 0 && out.length > 0; i--) out[between(rng, 0, out.length - 1)] = pick(rng, [0, 0xff, 0x7f, 0x80, between(rng, 0, 255)]);
  return out;
}

function truncate(rng: Rng, bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, between(rng, 0, Math.max(0, bytes.length - 1)));
}

function insert(rng: Rng, bytes: Uint8Array): Uint8Array {
  const at = between(rng, 0, bytes.length);
  const extra = Uint8Array.from({ length: between(rng, 1, 16) }, () => between(rng, 0, 255));
  return concat(bytes.subarray(0, at), extra, bytes.subarray(at));
}

function remove(rng: Rng, bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) return bytes;
  const at = between(rng, 0, bytes.length - 1);
  return concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + between(rng, 1, 16))));
}

function duplicate(rng: Rng, bytes: Uint8Array): Uint8Array {
  if (bytes.length === 0) return bytes;
  const start = between(rng, 0, bytes.length - 1);
  const chunk = bytes.subarray(start, Math.min(bytes.length, start + between(rng, 1, 64)));
  const at = between(rng, 0, bytes.length);
  return concat(bytes.subarray(0, at), chunk, bytes.subarray(at));
}

/** Replaces one run of ASCII digits (a size, shape or offset in a text header) with a hostile number. */
function replaceNumber(rng: Rng, bytes: Uint8Array): Uint8Array {
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < bytes.length;) {
    if (bytes[i] >= 0x30 && bytes[i] <= 0x39) {
      const start = i;
      while (i < bytes.length && bytes[i] >= 0x30 && bytes[i] <= 0x39) i++;
      runs.push([start, i]);
    } else i++;
  }
  if (runs.length === 0) return flipBits(rng, bytes);
  // Prefer the header: numbers early in the file are sizes, shapes and offsets.
  const [start, end] = runs[Math.floor(rng() ** 2 * runs.length)];
  return concat(bytes.subarray(0, start), new TextEncoder().encode(pick(rng, HUGE_NUMBERS)), bytes.subarray(end));
}

/** Writes a huge little-endian integer over 4 or 8 bytes (safetensors' header length, .npy v2/3's, offsets). */
function hugeLittleEndian(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const width = pick(rng, [2, 4, 8]);
  if (out.length < width) return out;
  const at = rng() < 0.5 ? pick(rng, [0, 6, 8, 10]) : between(rng, 0, out.length - width);
  if (at + width > out.length) return out;
  const view = new DataView(out.buffer, out.byteOffset + at, width);
  if (width === 2) view.setUint16(0, pick(rng, [0xffff, 0x8000, 0]), true);
  else if (width === 4) view.setUint32(0, pick(rng, [0xffffffff, 0x7fffffff, 0x80000000, 0]), true);
  else view.setBigUint64(0, pick(rng, [0xffffffffffffffffn, 0x7fffffffffffffffn, 2n ** 53n + 1n, 2n ** 32n]), true);
  return out;
}

/** Inserts a huge protobuf varint (ten bytes with the high bit set, or a 2^35 length) somewhere. */
function varintBomb(rng: Rng, bytes: Uint8Array): Uint8Array {
  const at = between(rng, 0, bytes.length);
  const bomb = pick(rng, [
    [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80],
    [0xff, 0xff, 0xff, 0xff, 0x0f],
    [0x0a, 0xff, 0xff, 0xff, 0xff, 0x07], // field 1, length-delimited, 2^31-1 bytes long
    [0x3a, 0x80, 0x80, 0x80, 0x80, 0x10], // field 7 (graph), 2^32 bytes long
  ]);
  return concat(bytes.subarray(0, at), Uint8Array.from(bomb), bytes.subarray(at));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const MUTATIONS = [flipBits, setBytes, truncate, insert, remove, duplicate, replaceNumber, replaceNumber, hugeLittleEndian, varintBomb];
export const MUTATION_NAMES = MUTATIONS.map((m) => m.name);

/** One to three random mutations; returns the bytes and the names of the mutations applied. */
export function mutateBytes(rng: Rng, bytes: Uint8Array): { bytes: Uint8Array; applied: string[] } {
  let out = bytes;
  const applied: string[] = [];
  for (let i = between(rng, 1, 3); i > 0; i--) {
    const mutation = pick(rng, MUTATIONS);
    out = mutation(rng, out);
    applied.push(mutation.name);
  }
  return { bytes: out, applied };
}
