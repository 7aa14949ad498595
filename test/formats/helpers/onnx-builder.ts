// Small ONNX models built with protobufjs and the package's onnx.proto, for interpreter tests, and
// decode/re-encode of fixture models to make them lie.
import * as protobuf from 'protobufjs';
import { schemaPath } from '../../../lib/formats/onnx/proto';
import { fixtureBytes } from './files';

const ModelProto = protobuf.loadSync(schemaPath()).lookupType('onnx.ModelProto');

export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;

type AttributeValue = number | string | number[] | string[] | { float: number } | { floats: number[] } | { tensor: object };

function attribute(name: string, value: AttributeValue): object {
  if (typeof value === 'string') return { name, type: 3, s: Buffer.from(value) };
  if (typeof value === 'number') return { name, type: 2, i: value };
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { name, type: 8, strings: (value as string[]).map((s) => Buffer.from(s)) };
  if (Array.isArray(value)) return { name, type: 7, ints: value };
  if ('float' in value) return { name, type: 1, f: value.float };
  if ('floats' in value) return { name, type: 6, floats: value.floats };
  return { name, type: 4, t: value.tensor };
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
