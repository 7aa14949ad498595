// A TensorProto decoded from the wire straight into typed arrays. protobufjs would give each packed
// int64 as a Long object (a 1-byte value of the file became some 100 bytes of heap) and every other
// number as an element of a growing JS array; here a first pass counts each numeric field's elements
// and a second fills arrays of exactly that length, so memory is at most 8 bytes per byte of file.
import * as protobuf from 'protobufjs';
import type { TensorProto } from './proto';
import { readVarint64 } from './varint';

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

type Kind = 'int64' | 'uint64' | 'int32' | 'float' | 'double';

/** The TensorProto fields this package reads, by field number. */
const NUMERIC: Record<number, { key: keyof Numbers; kind: Kind }> = {
  1: { key: 'dims', kind: 'int64' },
  4: { key: 'floatData', kind: 'float' },
  5: { key: 'int32Data', kind: 'int32' },
  7: { key: 'int64Data', kind: 'int64' },
  10: { key: 'doubleData', kind: 'double' },
  11: { key: 'uint64Data', kind: 'uint64' },
};
const DATA_TYPE = 2;
const SEGMENT = 3;
const STRING_DATA = 6;
const NAME = 8;
const RAW_DATA = 9;
const EXTERNAL_DATA = 13;
const DATA_LOCATION = 14;

type Numbers = Pick<TensorProto, 'dims' | 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data'>;

const FIXED_SIZE: Partial<Record<Kind, number>> = { float: 4, double: 8 };

function allocate(kind: Kind, length: number): Float32Array | Float64Array | Int32Array {
  if (kind === 'float') return new Float32Array(length);
  if (kind === 'int32') return new Int32Array(length);
  return new Float64Array(length);
}

function readOne(reader: protobuf.Reader, kind: Kind): number {
  switch (kind) {
    case 'float': return reader.float();
    case 'double': return reader.double();
    case 'int32': return reader.int32();
    case 'int64': return readVarint64(reader, true);
    case 'uint64': return readVarint64(reader, false);
  }
}

/** Varints in bytes [start, end): one per byte without the continuation bit. */
function countVarints(buf: Uint8Array, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) if (buf[i] < 0x80) count++;
  return count;
}

/** How many elements one occurrence of a numeric field adds (packed or not), leaving the reader after it. */
function countOccurrence(reader: protobuf.Reader, wire: number, kind: Kind): number {
  if (wire !== LENGTH_DELIMITED) {
    reader.skipType(wire);
    return 1;
  }
  const length = reader.uint32();
  const start = reader.pos;
  reader.skip(length);
  const size = FIXED_SIZE[kind];
  if (size === undefined) {
    if (length > 0 && reader.buf[start + length - 1] >= 0x80) throw new Error(`packed field of ${kind} at offset ${start} ends inside a varint`);
    return countVarints(reader.buf, start, start + length);
  }
  if (length % size !== 0) throw new Error(`packed field of ${kind} at offset ${start} holds ${length} bytes, not a multiple of ${size}`);
  return length / size;
}

function expectedWire(kind: Kind): number {
  return kind === 'float' ? FIXED32 : kind === 'double' ? FIXED64 : VARINT;
}

/** Reads the tensor's fields, counting numeric elements (fill: false) or storing them (fill: true). */
function walk(reader: protobuf.Reader, end: number, tensor: TensorProto, counts: Record<string, number>, fill: boolean): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    const [id, wire] = [tag >>> 3, tag & 7];
    const numeric = NUMERIC[id];
    if (numeric && wire !== LENGTH_DELIMITED && wire !== expectedWire(numeric.kind)) {
      throw new Error(`TensorProto field ${id} at offset ${reader.pos} has wire type ${wire}`);
    }
    if (numeric && !fill) {
      counts[numeric.key] = (counts[numeric.key] ?? 0) + countOccurrence(reader, wire, numeric.kind);
    } else if (numeric) {
      const target = tensor[numeric.key];
      if (wire !== LENGTH_DELIMITED) {
        target[counts[numeric.key]++] = readOne(reader, numeric.kind);
        continue;
      }
      const stop = reader.uint32() + reader.pos;
      while (reader.pos < stop) target[counts[numeric.key]++] = readOne(reader, numeric.kind);
    } else if (!fill) {
      readScalar(reader, id, wire, tensor);
    } else {
      reader.skipType(wire);
    }
  }
}

/** The non-numeric fields, read on the first pass. */
function readScalar(reader: protobuf.Reader, id: number, wire: number, tensor: TensorProto): void {
  const is = (expected: number) => {
    if (wire !== expected) throw new Error(`TensorProto field ${id} at offset ${reader.pos} has wire type ${wire}, expected ${expected}`);
    return true;
  };
  if (id === DATA_TYPE && is(VARINT)) tensor.dataType = reader.int32();
  else if (id === DATA_LOCATION && is(VARINT)) tensor.dataLocation = reader.int32();
  else if (id === NAME && is(LENGTH_DELIMITED)) tensor.name = reader.string();
  else if (id === RAW_DATA && is(LENGTH_DELIMITED)) tensor.rawData = reader.bytes();
  else {
    if (id === SEGMENT) tensor.segment = {};
    if (id === STRING_DATA) tensor.stringCount++;
    if (id === EXTERNAL_DATA) tensor.externalDataCount++;
    reader.skipType(wire);
  }
}

function emptyTensor(): TensorProto {
  return {
    dims: new Float64Array(0), dataType: 0, segment: null, floatData: new Float32Array(0), int32Data: new Int32Array(0),
    stringCount: 0, int64Data: new Float64Array(0), name: '', rawData: new Uint8Array(0), externalDataCount: 0,
    dataLocation: 0, doubleData: new Float64Array(0), uint64Data: new Float64Array(0),
  };
}

/** Decodes `length` bytes from the reader's position as a TensorProto (the signature protobufjs calls). */
export function decodeTensorProto(reader: protobuf.Reader, length?: number): TensorProto {
  const start = reader.pos;
  const end = length === undefined ? reader.len : start + length;
  if (end > reader.len) throw new RangeError(`index out of range: TensorProto at offset ${start} runs past its message`);
  const tensor = emptyTensor();
  const counts: Record<string, number> = {};
  walk(reader, end, tensor, counts, false);
  for (const { key, kind } of Object.values(NUMERIC)) {
    if (counts[key]) (tensor[key] as unknown) = allocate(kind, counts[key]);
    counts[key] = 0;
  }
  reader.pos = start;
  walk(reader, end, tensor, counts, true);
  return tensor;
}
