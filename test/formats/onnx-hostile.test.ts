// ONNX files that are broken or lie, and graphs the interpreter cannot run: each is refused with a
// clear error while the model loads (or, for sizes only known with the inputs, when it runs).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../lib/model';
import { loadJson, tensorOf } from '../support/fixtures';
import { fixtureBytes } from './helpers/files';
import { editFixture, modelBytes, node, tensor, valueInfo } from './helpers/onnx-builder';

const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-onnx-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TORCH = 'torch_1layer_tanh.onnx';
const W = 'onnx::RNN_33'; // [1, 8, 4], 128 raw bytes
const x = () => tensorOf(loadJson('models/torch_1layer_tanh.json').inputs.x);

function asFile(name: string, bytes: Uint8Array): string {
  const file = path.join(scratch, name);
  writeFileSync(file, bytes);
  return file;
}

function editInitializer(edit: (t: any) => void): Uint8Array {
  return editFixture(TORCH, (m) => edit(m.graph.initializer.find((t: any) => t.name === W)));
}

describe('ONNX: broken files', () => {
  it('truncated', async () => {
    const bytes = fixtureBytes(TORCH);
    await expect(loadModel(bytes.slice(0, 800))).rejects.toThrow(/<bytes>: not a valid ONNX model \(protobuf ModelProto\): index out of range/);
    await expect(loadModel(asFile('cut.onnx', bytes.slice(0, 1500)))).rejects.toThrow(/cut.onnx: not a valid ONNX model/);
  });

  it('wrong magic: garbage, another format, an empty file under an .onnx name', async () => {
    await expect(loadModel(asFile('garbage.onnx', new Uint8Array(64).fill(0xff)))).rejects.toThrow(/garbage.onnx: not a valid ONNX model \(protobuf ModelProto\): invalid wire type 7/);
    await expect(loadModel(asFile('zip.onnx', Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00)))).rejects.toThrow(/zip.onnx: not a valid ONNX model/);
    await expect(loadModel(asFile('empty.onnx', new Uint8Array(0)))).rejects.toThrow(/empty.onnx: not a valid ONNX model: the ModelProto has no graph/);
    await expect(loadModel(new Uint8Array(64).fill(0xff))).rejects.toThrow(/<bytes>: cannot tell the model format/);
  });

  it('initializers whose raw_data does not match their dims', async () => {
    const short = editInitializer((t) => { t.rawData = t.rawData.subarray(0, 124); });
    await expect(loadModel(short)).rejects.toThrow(/initializer 'onnx::RNN_33': shape \[1, 8, 4\] needs 128 bytes, only 124 are present/);
    const long = editInitializer((t) => { t.dims = [1, 8, 3]; });
    await expect(loadModel(long)).rejects.toThrow(/initializer 'onnx::RNN_33': shape \[1, 8, 3\] of FLOAT needs 96 bytes, raw_data holds 128/);
    const typed = editInitializer((t) => { delete t.rawData; t.floatData = [1, 2, 3]; });
    await expect(loadModel(typed)).rejects.toThrow(/initializer 'onnx::RNN_33': shape \[1, 8, 4\] needs 32 elements, float_data holds 3/);
  });

  it('dims whose product overflows, negative or beyond 2^53, before any allocation', async () => {
    await expect(loadModel(editInitializer((t) => { t.dims = [2 ** 40, 2 ** 40, 4]; }))).rejects.toThrow(/initializer 'onnx::RNN_33': shape \[1099511627776, 1099511627776, 4\] has more than 2147483647 elements/);
    await expect(loadModel(editInitializer((t) => { t.dims = [1, -8, 4]; }))).rejects.toThrow(/initializer 'onnx::RNN_33' dims\[1\]: expected a non-negative integer dimension, got -8/);
    await expect(loadModel(editInitializer((t) => { t.dims = [2 ** 60]; }))).rejects.toThrow(RangeError);
    await expect(loadModel(editInitializer((t) => { t.dims = [100000, 100000]; }))).rejects.toThrow(/needs 40000000000 bytes|more than 2147483647/);
  });

  it('external data, strings and other unsupported tensor kinds', async () => {
    await expect(loadModel(editInitializer((t) => { t.dataLocation = 1; t.externalData = [{ key: 'location', value: 'w.bin' }]; })))
      .rejects.toThrow(/initializer 'onnx::RNN_33': tensors stored in external data files are not supported/);
    await expect(loadModel(editInitializer((t) => { t.dataType = 8; }))).rejects.toThrow(/initializer 'onnx::RNN_33': unsupported tensor data type STRING/);
    await expect(loadModel(editInitializer((t) => { t.dataType = 17; }))).rejects.toThrow(/unsupported tensor data type FLOAT8E4M3FN/);
  });

  it('a graph that lies about its sizes is stopped before the allocation (ConstantOfShape of [1, B, 2^26])', async () => {
    const bytes = editFixture(TORCH, (m) => {
      const constant = m.graph.node.find((n: any) => n.name === '/Constant_2');
      constant.attribute[0].t.rawData = Buffer.from(new BigInt64Array([2n ** 26n]).buffer);
    });
    const model = await loadModel(bytes);
    expect(() => model.runSync({ x: x() })).toThrow(/node 8 "\/ConstantOfShape" \(ConstantOfShape\): would create 201326592 elements, after 7 already created by this call, more than the 16777216 this model and its inputs justify/);
  });

  it('a graph whose initial state does not fit its RNN fails when it runs, naming the node', async () => {
    const bytes = editFixture(TORCH, (m) => {
      m.graph.node.find((n: any) => n.name === '/Constant_1').attribute[0].t.rawData = Buffer.from(new BigInt64Array([2n]).buffer);
    });
    const model = await loadModel(bytes);
    expect(() => model.runSync({ x: x() })).toThrow(/node 9 "\/RNN" \(RNN\): input initial_h must be a float tensor of shape \[1, 3, 8\], got FLOAT \[2, 3, 8\]/);
  });
});

describe('ONNX: graphs the interpreter refuses while loading', () => {
  it('unsupported operator X (node N), before any run', async () => {
    const bytes = editFixture(TORCH, (m) => { m.graph.node[11].opType = 'LSTM'; });
    await expect(loadModel(bytes)).rejects.toThrow(/unsupported operator LSTM \(node 11 "\/Squeeze"\); supported: Abs, Add, And, ArgMax/);
    const unnamed = modelBytes({ nodes: [node('Identity', ['X'], ['a']), node('Conv', ['a', 'a'], ['Y'])], inputs: [valueInfo('X', [1])], outputs: [valueInfo('Y', null)] });
    await expect(loadModel(unnamed)).rejects.toThrow(/unsupported operator Conv \(node 1\)/);
    const domain = editFixture(TORCH, (m) => { m.graph.node[0].domain = 'com.microsoft'; });
    await expect(loadModel(domain)).rejects.toThrow(/unsupported operator com.microsoft.Shape \(node 0 "\/Shape"\)/);
  });

  it('RNN attributes that are wrong or unknown', async () => {
    const rnnWith = (edit: (attributes: any[]) => void) => editFixture(TORCH, (m) => edit(m.graph.node[9].attribute));
    await expect(loadModel(rnnWith((a) => { a.find((x: any) => x.name === 'hidden_size').i = 9; })))
      .rejects.toThrow(/node 9 "\/RNN" \(RNN\): attribute hidden_size is 9 but W has shape \[1, 8, 4\]/);
    await expect(loadModel(rnnWith((a) => { a[0].strings = [Buffer.from('Swish')]; })))
      .rejects.toThrow(/node 9 "\/RNN" \(RNN\) activations\[0\]: unknown activation "Swish"/);
    await expect(loadModel(rnnWith((a) => { a[0].strings = [Buffer.from('Tanh'), Buffer.from('Tanh')]; })))
      .rejects.toThrow(/attribute 'activations' must list 1 activation\(s\) for direction forward, got 2/);
    await expect(loadModel(rnnWith((a) => { a.push({ name: 'direction', type: 3, s: Buffer.from('sideways') }); })))
      .rejects.toThrow(/attribute 'direction' must be forward, reverse or bidirectional, got 'sideways'/);
    await expect(loadModel(rnnWith((a) => { a.push({ name: 'hidden_size', type: 2, i: 8 }); })))
      .rejects.toThrow(/node 9 "\/RNN" \(RNN\): attribute 'hidden_size' is given twice/);
    await expect(loadModel(rnnWith((a) => { a.push({ name: 'output_sequence', type: 2, i: 1 }); })))
      .rejects.toThrow(/unknown attribute output_sequence; this operator takes activation_alpha/);
    await expect(loadModel(rnnWith((a) => { a.push({ name: 'clip', type: 1, f: -1 }); })))
      .rejects.toThrow(/attribute 'clip' must be positive, got -1/);
    await expect(loadModel(rnnWith((a) => { a.push({ name: 'layout', type: 1, f: 1 }); })))
      .rejects.toThrow(/attribute 'layout' must be INT, got FLOAT/);
  });

  it('RNN weights of the wrong shape: initializers while loading, graph inputs when the call feeds them', async () => {
    const fed = await loadModel(modelBytes({
      nodes: [node('RNN', ['X', 'W', 'R'], ['Y'], { hidden_size: 2 })],
      initializers: [tensor('R', [1, 2, 2], [0, 0, 0, 0])],
      inputs: [valueInfo('X', [1, 1, 1]), valueInfo('W', null)], outputs: [valueInfo('Y', null)],
    }));
    const X = { data: Float32Array.of(1), shape: [1, 1, 1] };
    expect(() => fed.runSync({ X, W: { data: new Float32Array(3), shape: [1, 3, 1] } })).toThrow(/node 0 \(RNN\): attribute hidden_size is 2 but W has shape \[1, 3, 1\]/);
    expect(() => fed.runSync({ X, W: { data: new Float32Array(2), shape: [2, 1] } })).toThrow(/node 0 \(RNN\): input W must have shape \[num_directions, hidden_size, input_size\], got \[2, 1\]/);
    expect(Array.from(fed.runSync({ X, W: { data: Float32Array.of(1, -1), shape: [1, 2, 1] } }).Y.data)).toEqual([Math.fround(Math.tanh(1)), Math.fround(Math.tanh(-1))]);
    const wrongR = editFixture(TORCH, (m) => { m.graph.initializer[1].dims = [1, 4, 16]; });
    await expect(loadModel(wrongR)).rejects.toThrow(/input R must be a float tensor of shape \[1, 8, 8\], got FLOAT \[1, 4, 16\]/);
    const wrongB = editFixture(TORCH, (m) => { m.graph.initializer[2].dims = [2, 8]; });
    await expect(loadModel(wrongB)).rejects.toThrow(/input B must be a float tensor of shape \[1, 16\], got FLOAT \[2, 8\]/);
  });

  it('references to values nothing defines, duplicates, missing outputs', async () => {
    const dangling = editFixture(TORCH, (m) => { m.graph.node[11].input[0] = 'nowhere'; });
    await expect(loadModel(dangling)).rejects.toThrow(/node 11 "\/Squeeze" \(Squeeze\): input 'nowhere' is not a graph input, an initializer or the output of an earlier node/);
    const twice = editFixture(TORCH, (m) => { m.graph.node[1].output[0] = '/Shape_output_0'; });
    await expect(loadModel(twice)).rejects.toThrow(/node 1 "\/Constant" \(Constant\): output '\/Shape_output_0' is already defined elsewhere/);
    const noOutput = editFixture(TORCH, (m) => { m.graph.output[0].name = 'z'; });
    await expect(loadModel(noOutput)).rejects.toThrow(/graph output 'z' is produced by no node/);
    const arity = editFixture(TORCH, (m) => { m.graph.node[11].input.push('x', 'x'); });
    await expect(loadModel(arity)).rejects.toThrow(/node 11 "\/Squeeze" \(Squeeze\): expected 1 to 2 inputs, got 4/);
    const noOpset = editFixture(TORCH, (m) => { m.opsetImport = [{ domain: 'com.example', version: 1 }]; });
    await expect(loadModel(noOpset)).rejects.toThrow(/the model imports no ai.onnx operator set/);
  });
});
