// Small ONNX models built with protobufjs and the package's onnx.proto, for interpreter tests, and
// decode/re-encode of fixture models to make them lie. The type codes are the package's own.
import * as protobuf from 'protobufjs';
import { ATTRIBUTE_TYPES as A } from '../../../lib/formats/onnx/attributes';
import { schemaPath } from '../../../lib/formats/onnx/proto';
import { FLOAT, INT32, INT64 } from '../../../lib/formats/onnx/value';
import { fixtureBytes } from './files';

export { FLOAT, INT32, INT64 };

const ModelProto = protobuf.loadSync(schemaPath()).lookupType('onnx.ModelProto');

type AttributeValue = number | string | number[] | string[] | { float: number } | { floats: number[] } | { tensor: object };

function attribute(name: string, value: AttributeValue): object {
  if (typeof value === 'string') return { name, type: A.STRING, s: Buffer.from(value) };
  if (typeof value === 'number') return { name, type: A.INT, i: value };
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { name, type: A.STRINGS, strings: (value as string[]).map((s) => Buffer.from(s)) };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if ('float' in value) return { name, type: A.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: A.FLOATS, floats: value.floats };
  return { name, type: A.TENSOR, t: value.tensor };
}

export function node(opType: string, input: string[], output: string[], attributes: Record<string, AttributeValue> = {}, name = ''): object {
  return { opType, input, output, name, attribute: Object.entries(attributes).map(([n, v]) => attribute(n, v)) };
}

export function tensor(name: string, dims: number[], values: Array<number | bigint>, dataType = FLOAT): object {
  const raw = dataType === FLOAT ? new Uint8Array(Float32Array.from(values, Number).buffer)
    : dataType === INT32 ? new Uint8Array(Int32Array.from(values, Number).buffer)
      : new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
  return { name, dims, dataType, rawData: raw };
}

export function valueInfo(name: string, dims: Array<number | string> | null, elemType = FLOAT): object {
  const shape = dims ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : undefined;
  return { name, type: { tensorType: { elemType, shape } } };
}

export interface GraphSpec {
  nodes: object[];
  initializers?: object[];
  inputs: object[];
  outputs: object[];
  opset?: number;
}

export function modelBytes(spec: GraphSpec): Uint8Array {
  const model = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: spec.opset ?? 14 }],
    graph: { name: 'test', node: spec.nodes, initializer: spec.initializers ?? [], input: spec.inputs, output: spec.outputs },
  };
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** A fixture model as a plain object (bytes as Buffers), edited by `edit`, encoded again. */
export function editFixture(name: string, edit: (model: any) => void): Uint8Array {
  const model = ModelProto.toObject(ModelProto.decode(fixtureBytes(name)), { longs: Number, defaults: false });
  edit(model);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
