// The ONNX backend node tests copied by test/fixtures/onnx-backend/make_cases.py: each case's model,
// and per data set its inputs and expected outputs, TensorProto files read with the package's onnx.proto.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as protobuf from 'protobufjs';
import { decodeToFloat32 } from '../../lib/formats/bytes';
import { schemaPath } from '../../lib/formats/onnx/proto';
import { FIXTURES_DIR } from './fixtures';

export const ONNX_BACKEND_DIR = path.join(FIXTURES_DIR, 'onnx-backend');
const TensorProto = protobuf.loadSync(schemaPath()).lookupType('onnx.TensorProto');

export interface PbTensor {
  dataType: number;
  shape: number[];
  /** Float32Array for every float type (the values float16 and bfloat16 hold, double rounded), an integer typed array otherwise. */
  data: Float32Array | BigInt64Array | BigUint64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Uint8Array | Int8Array | null;
}

export interface BackendCase {
  name: string;
  operators: string[];
  opset: number;
  model: string;
  dataSets: Array<{ inputs: PbTensor[]; outputs: PbTensor[] }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function typed(t: any): PbTensor['data'] {
  const raw: Buffer | null = t.rawData?.length ? t.rawData : null;
  const bytes = raw && raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  const halves = (kind: 'f2' | 'bf2') => decodeToFloat32(raw ?? new Uint8Array(Uint16Array.from(t.int32Data).buffer), 0, t.dims.reduce((a: number, b: number) => a * b, 1), kind);
  switch (t.dataType) {
    case 1: return bytes ? new Float32Array(bytes) : Float32Array.from(t.floatData);
    case 11: return Float32Array.from(bytes ? new Float64Array(bytes) : t.doubleData);
    case 10: return halves('f2');
    case 16: return halves('bf2');
    case 7: return bytes ? new BigInt64Array(bytes) : BigInt64Array.from(t.int64Data, (v: number) => BigInt(v));
    case 13: return bytes ? new BigUint64Array(bytes) : BigUint64Array.from(t.uint64Data, (v: number) => BigInt(v));
    case 6: return bytes ? new Int32Array(bytes) : Int32Array.from(t.int32Data);
    case 12: return bytes ? new Uint32Array(bytes) : Uint32Array.from(t.uint64Data);
    case 5: return bytes ? new Int16Array(bytes) : Int16Array.from(t.int32Data);
    case 4: return bytes ? new Uint16Array(bytes) : Uint16Array.from(t.int32Data);
    case 9: case 2: return bytes ? new Uint8Array(bytes) : Uint8Array.from(t.int32Data);
    case 3: return bytes ? new Int8Array(bytes) : Int8Array.from(t.int32Data);
    default: return null; // strings: such a case must be refused
  }
}

function readTensor(file: string): PbTensor {
  const t = TensorProto.toObject(TensorProto.decode(readFileSync(file)), { longs: Number, bytes: Buffer, defaults: true });
  return { dataType: t.dataType, shape: (t.dims as number[]).map(Number), data: typed(t) };
}

const numbered = (files: string[], prefix: string) => files.filter((f) => f.startsWith(prefix)).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));

export function backendCases(): BackendCase[] {
  const manifest = JSON.parse(readFileSync(path.join(ONNX_BACKEND_DIR, 'manifest.json'), 'utf8')) as { cases: Record<string, { operators: string[]; opset: number }> };
  return Object.entries(manifest.cases).map(([name, c]) => {
    const dir = path.join(ONNX_BACKEND_DIR, 'node', name);
    const dataSets = readdirSync(dir).filter((d) => d.startsWith('test_data_set')).sort().map((set) => {
      const files = readdirSync(path.join(dir, set));
      const read = (prefix: string) => numbered(files, prefix).map((f) => readTensor(path.join(dir, set, f)));
      return { inputs: read('input_'), outputs: read('output_') };
    });
    return { name, ...c, model: path.join(dir, 'model.onnx'), dataSets };
  });
}

export function supportedOperators(): string[] {
  return (JSON.parse(readFileSync(path.join(ONNX_BACKEND_DIR, 'manifest.json'), 'utf8')) as { supported: string[] }).supported;
}
