// Decoding an ONNX ModelProto by the onnx.proto schema shipped next to this file: a walk of the wire
// format first bounds its nesting and its number of messages (wire-scan.ts), then wire-decode.ts
// decodes it with every int64 a number and every repeated number a typed array. These interfaces are
// the fields the interpreter reads, under the schema's names (protobufjs' camelCase).
import { MalformedFileError } from '../../errors';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { decodeMessage } from './wire-decode';
import { scanWire } from './wire-scan';

export interface TensorProto {
  dims: Float64Array;
  dataType: number;
  segment: object | null;
  floatData: Float32Array;
  int32Data: Int32Array;
  stringData: Uint8Array[];
  int64Data: Float64Array;
  name: string;
  rawData: Uint8Array;
  externalData: object[];
  dataLocation: number;
  doubleData: Float64Array;
  uint64Data: Float64Array;
}

export interface AttributeProto {
  name: string;
  type: number;
  f: number;
  i: number;
  s: Uint8Array;
  t: TensorProto | null;
  floats: Float32Array;
  ints: Float64Array;
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
  dimValue: number;
  dimParam: string;
  /** Which member of the oneof the file set. */
  value?: 'dimValue' | 'dimParam';
}

export interface ValueInfoProto {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: Dimension[] } | null } | null } | null;
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
  irVersion: number;
  opsetImport: Array<{ domain: string; version: number }>;
  producerName: string;
  producerVersion: string;
  graph: GraphProto | null;
  functions: object[];
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

/** Decodes the bytes: walked first (nesting, message count), then decoded by the schema; every length is checked against the buffer. */
export function decodeModelProto(bytes: Uint8Array, label: string): ModelProto {
  const type = modelProtoType();
  scanWire(bytes, type, label);
  let model: ModelProto;
  try {
    model = decodeMessage(protobuf.Reader.create(bytes), type, bytes.length) as unknown as ModelProto;
  } catch (error) {
    throw new MalformedFileError(`${label}: not a valid ONNX model (protobuf ModelProto): ${(error as Error).message}`, { base: 'Error' });
  }
  if (!model.graph) throw new MalformedFileError(`${label}: not a valid ONNX model: the ModelProto has no graph`, { base: 'Error' });
  return model;
}
