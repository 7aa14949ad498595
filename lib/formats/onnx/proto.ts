// Decoding an ONNX ModelProto with protobufjs and the onnx.proto schema shipped next to this file,
// after a walk of the wire format that bounds its nesting and its number of messages (wire-scan.ts);
// TensorProto is decoded by tensor-wire.ts, straight into typed arrays.
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { decodeTensorProto } from './tensor-wire';
import { readVarint64 } from './varint';
import { scanWire } from './wire-scan';

/** protobufjs gives int64 fields as numbers or Long objects (an absent field's default is a Long). */
export type Int64 = number | protobuf.Long;

/** The numeric fields as typed arrays; of string_data and external_data only how many there are. */
export interface TensorProto {
  dims: Float64Array;
  dataType: number;
  segment: object | null;
  floatData: Float32Array;
  int32Data: Int32Array;
  stringCount: number;
  int64Data: Float64Array;
  name: string;
  rawData: Uint8Array;
  externalDataCount: number;
  dataLocation: number;
  doubleData: Float64Array;
  uint64Data: Float64Array;
}

export interface AttributeProto {
  name: string;
  type: number;
  f: number;
  i: Int64;
  s: Uint8Array;
  t: TensorProto | null;
  floats: number[];
  /** Numbers: decoded with NumberReader. */
  ints: number[];
  strings: Uint8Array[];
  refAttrName: string;
}

export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain: string;
  attribute: AttributeProto[];
}

export interface Dimension {
  dimValue?: Int64;
  dimParam?: string;
  value?: 'dimValue' | 'dimParam';
}

export interface ValueInfoProto {
  name: string;
  type: { tensorType?: { elemType: number; shape: { dim: Dimension[] } | null } | null } | null;
}

export interface GraphProto {
  node: NodeProto[];
  name: string;
  initializer: TensorProto[];
  sparseInitializer: object[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

export interface ModelProto {
  irVersion: Int64;
  opsetImport: Array<{ domain: string; version: Int64 }>;
  producerName: string;
  producerVersion: string;
  graph: GraphProto | null;
  functions: object[];
}

export function int64(value: Int64): number {
  return typeof value === 'number' ? value : protobuf.util.LongBits.from(value).toNumber(value.unsigned);
}

/** int64 fields as numbers as they are read, not Long objects kept by the thousand (one per 1-byte varint). */
export class NumberReader extends protobuf.Reader {
  override int64(): never {
    return readVarint64(this, true) as never;
  }

  override uint64(): never {
    return readVarint64(this, false) as never;
  }
}

let modelType: protobuf.Type | null = null;

/** lib/formats/onnx/onnx.proto, from lib/formats/onnx (sources) or dist/formats/onnx (compiled): lib/ ships in the package. */
export function schemaPath(): string {
  return path.resolve(__dirname, '..', '..', '..', 'lib', 'formats', 'onnx', 'onnx.proto');
}

/** The schema's ModelProto, its TensorProto decoded by decodeTensorProto (this Root is the loader's own). */
function modelProtoType(): protobuf.Type {
  if (!modelType) {
    const root = protobuf.loadSync(schemaPath());
    const tensor = root.lookupType('onnx.TensorProto');
    tensor.setup(); // generates the type's functions now, so none replaces the decoder set next
    tensor.decode = decodeTensorProto as unknown as protobuf.Type['decode'];
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** Decodes the bytes; every length is checked against the buffer, so nothing is sized by the file. */
export function decodeModelProto(bytes: Uint8Array, label: string): ModelProto {
  const type = modelProtoType();
  scanWire(bytes, type, label);
  let model: ModelProto;
  try {
    model = type.decode(new NumberReader(bytes)) as unknown as ModelProto;
  } catch (error) {
    throw new Error(`${label}: not a valid ONNX model (protobuf ModelProto): ${(error as Error).message}`);
  }
  if (!model.graph) throw new Error(`${label}: not a valid ONNX model: the ModelProto has no graph`);
  return model;
}
