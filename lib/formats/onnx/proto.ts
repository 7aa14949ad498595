// Decoding an ONNX ModelProto with protobufjs and the onnx.proto schema shipped next to this file.
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

/** protobufjs gives int64 fields as numbers or Long objects. */
export type Int64 = number | { toNumber(): number };

export interface TensorProto {
  dims: Int64[];
  dataType: number;
  segment: object | null;
  floatData: number[];
  int32Data: number[];
  stringData: Uint8Array[];
  int64Data: Int64[];
  name: string;
  rawData: Uint8Array;
  externalData: object[];
  dataLocation: number;
  doubleData: number[];
  uint64Data: Int64[];
}

export interface AttributeProto {
  name: string;
  type: number;
  f: number;
  i: Int64;
  s: Uint8Array;
  t: TensorProto | null;
  floats: number[];
  ints: Int64[];
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
  return typeof value === 'number' ? value : value.toNumber();
}

let modelType: protobuf.Type | null = null;

/** lib/formats/onnx/onnx.proto, from lib/formats/onnx (sources) or dist/formats/onnx (compiled): lib/ ships in the package. */
export function schemaPath(): string {
  return path.resolve(__dirname, '..', '..', '..', 'lib', 'formats', 'onnx', 'onnx.proto');
}

function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.loadSync(schemaPath()).lookupType('onnx.ModelProto');
  return modelType;
}

/** Decodes the bytes; protobufjs checks every length against the buffer, so nothing is sized by the file. */
export function decodeModelProto(bytes: Uint8Array, label: string): ModelProto {
  let model: ModelProto;
  try {
    model = modelProtoType().decode(bytes) as unknown as ModelProto;
  } catch (error) {
    throw new Error(`${label}: not a valid ONNX model (protobuf ModelProto): ${(error as Error).message}`);
  }
  if (!model.graph) throw new Error(`${label}: not a valid ONNX model: the ModelProto has no graph`);
  return model;
}
