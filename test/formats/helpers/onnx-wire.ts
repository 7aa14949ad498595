// ONNX bytes written field by field, for files the schema-driven builder cannot (or would be slow to)
// make: nesting thousands deep, unpacked repeated fields, groups, tens of megabytes of varints.
import * as protobuf from 'protobufjs';

export const concat = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

/** A length-delimited field: a message, a string, bytes or a packed list. */
export function delimited(id: number, bytes: Uint8Array | string): Uint8Array {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return protobuf.Writer.create().uint32((id << 3) | 2).bytes(body).finish();
}

export function varintField(id: number, value: number | bigint): Uint8Array {
  const writer = protobuf.Writer.create().uint32(id << 3);
  return (typeof value === 'bigint' ? writer.int64(value.toString() as never) : writer.int64(value)).finish();
}

/** A packed repeated int64 field (each value as protobufjs writes it, negatives in ten bytes). */
export function packedInt64(id: number, values: Array<number | bigint>): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const v of values) writer.int64(typeof v === 'bigint' ? (v.toString() as never) : v);
  return delimited(id, writer.finish());
}

/** A ModelProto (ir_version 8, opset 14) around the bytes of a GraphProto. */
export function modelAround(graph: Uint8Array): Uint8Array {
  const opset = concat(delimited(1, ''), varintField(2, 14));
  return concat(varintField(1, 8), delimited(8, opset), delimited(7, graph));
}

/** GraphProto bytes nested `levels` deep through If nodes' then_branch attributes (2 + 3 x levels messages). */
export function nestedSubgraphs(levels: number): Uint8Array {
  let graph: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < levels; i++) {
    const attribute = concat(delimited(1, 'then_branch'), varintField(20, 5), delimited(6, graph));
    graph = delimited(1, concat(delimited(4, 'If'), delimited(5, attribute)));
  }
  return graph;
}

/** A graph of one Identity of initializer 't' to output 'y', the initializer given as TensorProto bytes. */
export function identityOf(tensorBytes: Uint8Array): Uint8Array {
  const identity = concat(delimited(1, 't'), delimited(2, 'y'), delimited(4, 'Identity'));
  const output = concat(delimited(1, 'y'), delimited(2, delimited(1, varintField(1, 1))));
  return concat(delimited(1, identity), delimited(5, concat(delimited(8, 't'), tensorBytes)), delimited(12, output));
}

/** Packed int64_data of `count` one-byte values (1), as a TensorProto of shape [count]. */
export function packedOnesInt64(count: number): Uint8Array {
  const head = protobuf.Writer.create().uint32((7 << 3) | 2).uint32(count).finish();
  return concat(packedInt64(1, [count]), varintField(2, 7), head, new Uint8Array(count).fill(1));
}
