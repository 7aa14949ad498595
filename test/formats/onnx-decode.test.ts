// Decoding ONNX files: memory proportional to the file (numeric fields straight into typed arrays,
// files of countless tiny messages refused before they are decoded), exact int64 values, and nesting
// refused at a documented depth with a message naming the file, never a stack overflow.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModelProto } from '../../lib/formats/onnx/proto';
import { MAX_NESTING } from '../../lib/formats/onnx/wire-scan';
import { loadModel } from '../../lib/model';
import { measureLoad, RSS_BOUNDS_APPLY, type LoadMeasure } from './helpers/measure-load';
import { modelBytes, node, tensor, valueInfo } from './helpers/onnx-builder';
import { concat, delimited, identityOf, modelAround, nestedSubgraphs, packedInt64, packedOnesInt64, varintField } from './helpers/onnx-wire';

const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-onnx-decode-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MIB = 2 ** 20;
/** Peak RSS may exceed a tiny model's by this many bytes per byte of file (int64 values take 8 bytes each). */
const RSS_PER_FILE_BYTE = 12;

async function measure(name: string, bytes: Uint8Array): Promise<LoadMeasure> {
  const file = path.join(scratch, name);
  writeFileSync(file, bytes);
  return measureLoad(file);
}

const tinyModel = () => modelBytes({ nodes: [node('Identity', ['X'], ['Y'])], inputs: [valueInfo('X', [1])], outputs: [valueInfo('Y', null)] });

describe('ONNX decoding: memory proportional to the file, measured in a child process', () => {
  it(`20 MB of packed 1-byte int64_data loads within ${RSS_PER_FILE_BYTE} bytes of RSS per byte of file`, async () => {
    const baseline = await measure('tiny.onnx', tinyModel());
    const count = 20_000_000;
    const bytes = modelAround(identityOf(packedOnesInt64(count)));
    const measured = await measure('int64.onnx', bytes);
    expect(measured).toMatchObject({ loaded: true });
    if (RSS_BOUNDS_APPLY) expect(measured.maxRssMiB).toBeLessThanOrEqual(baseline.maxRssMiB + (RSS_PER_FILE_BYTE * bytes.length) / MIB);
  }, 180_000);

  it(`20 MB of packed 1-byte attribute ints loads within ${RSS_PER_FILE_BYTE} bytes of RSS per byte of file`, async () => {
    const baseline = await measure('tiny.onnx', tinyModel());
    const count = 20_000_000;
    const ints = concat(protobuf.Writer.create().uint32((8 << 3) | 2).uint32(count).finish(), new Uint8Array(count).fill(1));
    const transpose = concat(delimited(1, 'x'), delimited(2, 'y'), delimited(4, 'Transpose'), delimited(5, concat(delimited(1, 'perm'), varintField(20, 7), ints)));
    const bytes = modelAround(delimited(1, transpose));
    const measured = await measure('ints.onnx', bytes);
    expect(measured).toMatchObject({ loaded: false, type: 'Error' });
    expect(measured.message).toMatch(/ints.onnx: node 0 \(Transpose\): input 'x' is not a graph input/);
    if (RSS_BOUNDS_APPLY) expect(measured.maxRssMiB).toBeLessThanOrEqual(baseline.maxRssMiB + (RSS_PER_FILE_BYTE * bytes.length) / MIB);
  }, 180_000);

  it('20 MB of empty nodes (a 100-byte object each from 2 bytes) is refused before it is decoded', async () => {
    const baseline = await measure('tiny.onnx', tinyModel());
    const bytes = modelAround(Buffer.alloc(20_000_000, Uint8Array.of(0x0a, 0x00))); // GraphProto.node, length 0
    const measured = await measure('nodes.onnx', bytes);
    expect(measured).toMatchObject({ loaded: false, type: 'RangeError' });
    expect(measured.message).toMatch(/nodes.onnx: more than 1250000 messages and byte strings \(1 per 16 bytes of the file, at least 65536\); decoded, this file would take far more memory than its size/);
    if (RSS_BOUNDS_APPLY) expect(measured.maxRssMiB).toBeLessThanOrEqual(baseline.maxRssMiB + (RSS_PER_FILE_BYTE * bytes.length) / MIB);
  }, 180_000);
});

describe('ONNX decoding: TensorProto numeric fields', { timeout: 60_000 }, () => {
  const initializer = (bytes: Uint8Array) => decodeModelProto(modelAround(identityOf(bytes)), 'test').graph!.initializer[0];
  const extremes = [0, 1, -1, 127, 128, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 53 - 1, -(2 ** 53 - 1), Number.MIN_SAFE_INTEGER];

  it('int64_data and dims as exact numbers in typed arrays, packed or one value per tag', () => {
    const packed = initializer(concat(packedInt64(1, [extremes.length]), varintField(2, 7), packedInt64(7, extremes)));
    expect(packed.int64Data).toBeInstanceOf(Float64Array);
    expect(Array.from(packed.int64Data)).toEqual(extremes);
    expect(Array.from(packed.dims)).toEqual([extremes.length]);
    const unpacked = initializer(concat(varintField(1, extremes.length), varintField(2, 7), ...extremes.map((v) => varintField(7, v))));
    expect(Array.from(unpacked.int64Data)).toEqual(extremes);
    const mixed = initializer(concat(varintField(2, 7), packedInt64(7, [1, 2]), varintField(7, 3), packedInt64(7, [4])));
    expect(Array.from(mixed.int64Data)).toEqual([1, 2, 3, 4]);
  });

  it('attribute ints as exact numbers in a typed array', () => {
    const attribute = concat(delimited(1, 'perm'), varintField(20, 7), packedInt64(8, extremes), varintField(3, -5));
    const graph = delimited(1, concat(delimited(4, 'Transpose'), delimited(5, attribute)));
    const decoded = decodeModelProto(modelAround(graph), 'test').graph!.node[0].attribute[0];
    expect(decoded.ints).toBeInstanceOf(Float64Array);
    expect(Array.from(decoded.ints)).toEqual(extremes);
    expect(decoded.i).toBe(-5);
  });

  it('the other numeric fields as the same values protobufjs reads', () => {
    const root = protobuf.Root.fromJSON({ nested: { T: { fields: {
      floatData: { id: 4, type: 'float', rule: 'repeated' }, int32Data: { id: 5, type: 'int32', rule: 'repeated' },
      doubleData: { id: 10, type: 'double', rule: 'repeated' }, uint64Data: { id: 11, type: 'uint64', rule: 'repeated' },
    } } } });
    const T = root.lookupType('T');
    const values = { floatData: [1.5, -2.25, 3e38], int32Data: [-1, 0, 2 ** 31 - 1, -(2 ** 31)], doubleData: [Math.PI, -1e300], uint64Data: [0, 2 ** 40, 2 ** 53] };
    const decoded = initializer(T.encode(T.fromObject(values)).finish());
    expect(decoded.floatData).toBeInstanceOf(Float32Array);
    expect(Array.from(decoded.floatData)).toEqual(values.floatData.map(Math.fround));
    expect(decoded.int32Data).toBeInstanceOf(Int32Array);
    expect(Array.from(decoded.int32Data)).toEqual(values.int32Data);
    expect(Array.from(decoded.doubleData)).toEqual(values.doubleData);
    expect(Array.from(decoded.uint64Data)).toEqual(values.uint64Data);
  });

  it('a packed list that ends inside a varint, a wrong wire type and more than 64 dims are refused', async () => {
    const cut = concat(varintField(2, 7), delimited(7, Uint8Array.of(0x01, 0x80)));
    await expect(loadModel(modelAround(identityOf(cut)))).rejects.toThrow(/<bytes>: not a valid ONNX model \(protobuf ModelProto\): packed field 'int64Data' at offset \d+ ends inside a varint/);
    const fixedDims = concat(Uint8Array.of((1 << 3) | 5, 0, 0, 0, 0), varintField(2, 7));
    await expect(loadModel(modelAround(identityOf(fixedDims)))).rejects.toThrow(/not a valid ONNX model \(protobuf ModelProto\): field 'dims' at offset \d+ has wire type 5/);
    const rank65 = concat(packedInt64(1, new Array(65).fill(1)), varintField(2, 7), packedInt64(7, [5]));
    await expect(loadModel(modelAround(identityOf(rank65)))).rejects.toThrow(/initializer 't': 65 dims, more than the 64 a tensor may have/);
  });

  it('a float initializer built by the builder still loads and runs', async () => {
    const model = await loadModel(modelBytes({
      nodes: [node('Identity', ['w'], ['Y'])], initializers: [tensor('w', [2], [1.5, -2])], inputs: [], outputs: [valueInfo('Y', null)],
    }));
    expect(Array.from(model.runSync({}).Y.data)).toEqual([1.5, -2]);
  });
});

describe(`ONNX decoding: nesting beyond ${MAX_NESTING} messages`, { timeout: 60_000 }, () => {
  it('subgraphs nested thousands deep: an error naming the file and the limit', async () => {
    const file = path.join(scratch, 'deep.onnx');
    writeFileSync(file, modelAround(nestedSubgraphs(5000)));
    await expect(loadModel(file)).rejects.toThrow(/deep.onnx: messages nested more than 100 deep \(GraphProto in AttributeProto at offset \d+\); subgraphs nested this deep are refused/);
  });

  it('the deepest nesting allowed gets past decoding (the If operator is then refused)', async () => {
    const levels = Math.floor((MAX_NESTING - 2) / 3); // ModelProto, GraphProto, then 3 per level
    await expect(loadModel(modelAround(nestedSubgraphs(levels)))).rejects.toThrow(/unsupported operator If \(node 0\)/);
    await expect(loadModel(modelAround(nestedSubgraphs(levels + 1)))).rejects.toThrow(/messages nested more than 100 deep/);
  });

  it('types nested thousands deep (sequence of sequence of ...) and groups nested in an unknown field', async () => {
    let type: Uint8Array = delimited(1, varintField(1, 1)); // TypeProto { tensor_type { elem_type: FLOAT } }
    for (let i = 0; i < 3000; i++) type = delimited(4, delimited(1, type)); // TypeProto { sequence_type { elem_type: ... } }
    const graph = delimited(11, concat(delimited(1, 'x'), delimited(2, type)));
    await expect(loadModel(modelAround(graph))).rejects.toThrow(/<bytes>: messages nested more than 100 deep \((TypeProto|Sequence) in (TypeProto|Sequence)/);
    const groups = concat(new Uint8Array(100_000).fill((9 << 3) | 3), varintField(1, 1)); // GraphProto has no field 9
    await expect(loadModel(modelAround(groups))).rejects.toThrow(/<bytes>: not a valid ONNX model \(protobuf ModelProto\): protobuf groups \(wire type 3 at offset \d+\) do not occur in ONNX files/);
  });
});
