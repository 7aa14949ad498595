// Decodes a message by its schema (protobufjs reflection over onnx.proto) with protobufjs' Reader,
// so memory follows the file: every repeated number goes straight into a typed array of exactly its
// count (a first pass counts, a second fills), int64 values are numbers rather than Long objects
// (protobufjs kept one per packed value, some 100 bytes for a 1-byte varint), and unknown fields are
// skipped. The recursion is bounded: scanWire has refused deep nesting before this runs.
import * as protobuf from 'protobufjs';
import { readVarint64 } from './varint';

type Plain = Record<string, unknown>;
type NumberArray = Float32Array | Float64Array | Int32Array;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

interface NumberKind {
  wire: number;
  read(reader: protobuf.Reader): number;
  array(length: number): NumberArray;
  /** Bytes per element when packed, for fixed-width kinds. */
  size?: number;
}

const longBits = (value: protobuf.Long, unsigned: boolean) => protobuf.util.LongBits.from(value).toNumber(unsigned);
const f64 = (length: number) => new Float64Array(length);
const i32 = (length: number) => new Int32Array(length);
const NUMBER_KINDS: Record<string, NumberKind> = {
  double: { wire: FIXED64, size: 8, read: (r) => r.double(), array: f64 },
  float: { wire: FIXED32, size: 4, read: (r) => r.float(), array: (length) => new Float32Array(length) },
  int32: { wire: VARINT, read: (r) => r.int32(), array: i32 },
  sint32: { wire: VARINT, read: (r) => r.sint32(), array: i32 },
  uint32: { wire: VARINT, read: (r) => r.uint32(), array: f64 },
  fixed32: { wire: FIXED32, size: 4, read: (r) => r.fixed32(), array: f64 },
  sfixed32: { wire: FIXED32, size: 4, read: (r) => r.sfixed32(), array: i32 },
  int64: { wire: VARINT, read: (r) => readVarint64(r, true), array: f64 },
  uint64: { wire: VARINT, read: (r) => readVarint64(r, false), array: f64 },
  sint64: { wire: VARINT, read: (r) => { const v = readVarint64(r, false); return v % 2 === 0 ? v / 2 : -(v + 1) / 2; }, array: f64 },
  fixed64: { wire: FIXED64, size: 8, read: (r) => longBits(r.fixed64(), true), array: f64 },
  sfixed64: { wire: FIXED64, size: 8, read: (r) => longBits(r.sfixed64(), false), array: f64 },
  bool: { wire: VARINT, read: (r) => (r.bool() ? 1 : 0), array: i32 },
};
const ENUM = NUMBER_KINDS.int32;

interface FieldPlan {
  key: string;
  repeated: boolean;
  oneof: string | null;
  message?: protobuf.Type;
  number?: NumberKind;
  text?: 'string' | 'bytes';
}

interface MessagePlan {
  fields: Map<number, FieldPlan>;
  /** The fields' values when absent. */
  empty(): Plain;
}

const plans = new WeakMap<protobuf.Type, MessagePlan>();

function fieldPlan(field: protobuf.Field): FieldPlan {
  field.resolve();
  const plan: FieldPlan = { key: field.name, repeated: field.repeated, oneof: field.partOf?.name ?? null };
  if (field.resolvedType instanceof protobuf.Type) plan.message = field.resolvedType;
  else if (field.resolvedType instanceof protobuf.Enum) plan.number = ENUM;
  else if (field.type === 'string' || field.type === 'bytes') plan.text = field.type;
  else if (NUMBER_KINDS[field.type]) plan.number = NUMBER_KINDS[field.type];
  else throw new Error(`wire-decode: field ${field.fullName} has type ${field.type}, which the ONNX schema does not use`);
  return plan;
}

function emptyValue(plan: FieldPlan): unknown {
  if (plan.repeated) return plan.number ? plan.number.array(0) : [];
  if (plan.message) return null;
  if (plan.text === 'string') return '';
  if (plan.text === 'bytes') return new Uint8Array(0);
  return 0;
}

function planOf(type: protobuf.Type): MessagePlan {
  let plan = plans.get(type);
  if (!plan) {
    const fields = new Map(type.fieldsArray.map((field) => [field.id, fieldPlan(field)]));
    const all = [...fields.values()];
    plan = { fields, empty: () => Object.fromEntries(all.map((f) => [f.key, emptyValue(f)])) };
    plans.set(type, plan);
  }
  return plan;
}

function wrongWire(plan: FieldPlan, wire: number, at: number): Error {
  return new Error(`field '${plan.key}' at offset ${at} has wire type ${wire}`);
}

/** Elements one occurrence of a repeated number field holds (packed or one), leaving the reader after it. */
function countNumbers(reader: protobuf.Reader, kind: NumberKind, wire: number, plan: FieldPlan): number {
  if (wire !== LENGTH_DELIMITED) {
    reader.skipType(wire);
    return 1;
  }
  const length = reader.uint32();
  const start = reader.pos;
  reader.skip(length);
  if (kind.size) {
    if (length % kind.size !== 0) throw new Error(`packed field '${plan.key}' at offset ${start} holds ${length} bytes, not a multiple of ${kind.size}`);
    return length / kind.size;
  }
  if (length > 0 && reader.buf[start + length - 1] >= 0x80) throw new Error(`packed field '${plan.key}' at offset ${start} ends inside a varint`);
  let count = 0;
  for (let i = start; i < start + length; i++) if (reader.buf[i] < 0x80) count++;
  return count;
}

function readSingle(reader: protobuf.Reader, plan: FieldPlan): unknown {
  if (plan.message) return decodeMessage(reader, plan.message, reader.uint32() + reader.pos);
  if (plan.text === 'string') return reader.string();
  if (plan.text === 'bytes') return reader.bytes();
  return plan.number!.read(reader);
}

/** The first pass: every field but repeated numbers read; those counted into `counts`. */
function readFields(reader: protobuf.Reader, plan: MessagePlan, end: number, message: Plain, counts: Map<FieldPlan, number>): void {
  while (reader.pos < end) {
    const at = reader.pos;
    const tag = reader.uint32();
    const [id, wire] = [tag >>> 3, tag & 7];
    const field = plan.fields.get(id);
    if (!field) {
      reader.skipType(wire);
      continue;
    }
    const expected = field.number ? field.number.wire : LENGTH_DELIMITED;
    if (wire !== expected && !(field.repeated && field.number && wire === LENGTH_DELIMITED)) throw wrongWire(field, wire, at);
    if (field.repeated && field.number) {
      counts.set(field, (counts.get(field) ?? 0) + countNumbers(reader, field.number, wire, field));
    } else if (field.repeated) {
      (message[field.key] as unknown[]).push(readSingle(reader, field));
    } else {
      message[field.key] = readSingle(reader, field);
      if (field.oneof) message[field.oneof] = field.key;
    }
  }
}

/** The second pass: the repeated numbers, into arrays of the counted lengths. */
function fillNumbers(reader: protobuf.Reader, plan: MessagePlan, end: number, message: Plain, counts: Map<FieldPlan, number>): void {
  const filled = new Map<FieldPlan, number>();
  for (const [field, count] of counts) {
    message[field.key] = field.number!.array(count);
    filled.set(field, 0);
  }
  while (reader.pos < end) {
    const tag = reader.uint32();
    const [id, wire] = [tag >>> 3, tag & 7];
    const field = plan.fields.get(id);
    if (!field || !filled.has(field)) {
      reader.skipType(wire);
      continue;
    }
    const target = message[field.key] as NumberArray;
    let n = filled.get(field)!;
    if (wire === LENGTH_DELIMITED) {
      const stop = reader.uint32() + reader.pos;
      while (reader.pos < stop) target[n++] = field.number!.read(reader);
    } else {
      target[n++] = field.number!.read(reader);
    }
    filled.set(field, n);
  }
}

/**
 * Decodes the message of `type` in [reader.pos, end). While it does, the reader's length is the
 * message's end, so no value is read across it (protobufjs' own decoders do the same).
 */
export function decodeMessage(reader: protobuf.Reader, type: protobuf.Type, end: number): Plain {
  const outer = reader.len;
  if (end > outer) throw new RangeError(`index out of range: ${type.name} at offset ${reader.pos} runs ${end - outer} bytes past its container`);
  const plan = planOf(type);
  const message = plan.empty();
  const start = reader.pos;
  const counts = new Map<FieldPlan, number>();
  reader.len = end;
  try {
    readFields(reader, plan, end, message, counts);
    if (counts.size > 0) {
      reader.pos = start;
      fillNumbers(reader, plan, end, message, counts);
    }
  } finally {
    reader.len = outer;
  }
  return message;
}
