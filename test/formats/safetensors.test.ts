// safetensors parsing: the fixture state_dicts, dtype conversions, metadata and hostile files.
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, readSafetensors } from '../../lib/formats/safetensors';
import { FIXTURES_DIR, loadOnnxInitializers } from '../support/fixtures';
import { fixtureBytes, littleEndian, safetensorsBytes, splitSafetensors } from './helpers/files';

describe('safetensors: the fixture state_dicts', () => {
  it('torch_1layer_tanh holds the same weights as the ONNX export of the same module', () => {
    const file = readSafetensors(`${FIXTURES_DIR}/models/torch_1layer_tanh.safetensors`);
    expect([...file.tensors.keys()]).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    expect(file.tensors.get('weight_ih_l0')!.shape).toEqual([8, 4]);
    expect(file.metadata).toEqual({});
    expect(file.dtypes.get('bias_hh_l0')).toBe('F32');
    const onnx = loadOnnxInitializers('models/torch_1layer_tanh.onnx');
    expect(Array.from(file.tensors.get('weight_ih_l0')!.data)).toEqual(Array.from(onnx.get('onnx::RNN_33')!.data));
    expect(Array.from(file.tensors.get('weight_hh_l0')!.data)).toEqual(Array.from(onnx.get('onnx::RNN_34')!.data));
    const bias = [...file.tensors.get('bias_ih_l0')!.data, ...file.tensors.get('bias_hh_l0')!.data];
    expect(bias).toEqual(Array.from(onnx.get('onnx::RNN_35')!.data));
  });

  it('reads every tensor of the bidirectional two-layer state_dict with its shape', () => {
    const file = decodeSafetensors(fixtureBytes('torch_2layer_bidir_relu_batchfirst.safetensors'));
    expect(file.tensors.size).toBe(16);
    expect(file.tensors.get('weight_ih_l1_reverse')!.shape).toEqual([6, 12]);
    expect(file.tensors.get('weight_ih_l1_reverse')!.data.length).toBe(72);
  });
});

describe('safetensors: dtypes and metadata', () => {
  it('F64, F16, BF16, I32 and BOOL are converted to float32; __metadata__ is kept', () => {
    const data = [
      littleEndian('f8', [0.1, 1e300]), littleEndian('f2bits', [0x3c00, 0xc200]), littleEndian('f2bits', [0x3fc0, 0xc080]),
      littleEndian('i4', [-7, 16777217]), Uint8Array.of(0, 3),
    ];
    const header = {
      __metadata__: { nonlinearity: 'relu', format: 'pt' },
      a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
      b: { dtype: 'F16', shape: [2], data_offsets: [16, 20] },
      c: { dtype: 'BF16', shape: [1, 2], data_offsets: [20, 24] },
      d: { dtype: 'I32', shape: [2], data_offsets: [24, 32] },
      e: { dtype: 'BOOL', shape: [2], data_offsets: [32, 34] },
      empty: { dtype: 'F32', shape: [0, 3], data_offsets: [34, 34] },
    };
    const file = decodeSafetensors(safetensorsBytes(header, Buffer.concat(data)));
    expect(Array.from(file.tensors.get('a')!.data)).toEqual([Math.fround(0.1), Infinity]);
    expect(Array.from(file.tensors.get('b')!.data)).toEqual([1, -3]);
    expect(Array.from(file.tensors.get('c')!.data)).toEqual([1.5, -4]);
    expect(Array.from(file.tensors.get('d')!.data)).toEqual([-7, 16777216]);
    expect(Array.from(file.tensors.get('e')!.data)).toEqual([0, 1]);
    expect(file.tensors.get('empty')!.shape).toEqual([0, 3]);
    expect(file.metadata).toEqual({ nonlinearity: 'relu', format: 'pt' });
    expect(file.dtypes.get('c')).toBe('BF16');
  });

  it('data at an unaligned offset (a header of odd length) is read correctly', () => {
    const header = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, pad: 'x' } as Record<string, unknown>;
    delete header.pad;
    const bytes = safetensorsBytes({ ...header, __metadata__: { k: 'odd' } }, littleEndian('f4', [1.25, -2]));
    expect(Array.from(decodeSafetensors(bytes).tensors.get('w')!.data)).toEqual([1.25, -2]);
  });
});

describe('safetensors: hostile files', () => {
  const fixture = () => fixtureBytes('torch_1layer_tanh.safetensors'); // 272-byte header, 448 data bytes
  const rebuilt = (edit: (header: Record<string, any>) => void, data?: Uint8Array) => {
    const { header, data: original } = splitSafetensors(fixture());
    edit(header);
    return safetensorsBytes(header, data ?? original);
  };

  it('truncated files', () => {
    expect(() => decodeSafetensors(fixture().slice(0, 5), 'w.safetensors')).toThrow(/w.safetensors: truncated safetensors file: 5 bytes, the header length alone needs 8/);
    expect(() => decodeSafetensors(fixture().slice(0, 100))).toThrow(/header length 272 exceeds the 92 bytes after it/);
    expect(() => decodeSafetensors(fixture().slice(0, 600))).toThrow(/tensor 'weight_hh_l0': data_offsets \[128, 384\] lie outside the 320 data bytes/);
  });

  it('a header length that lies: absurd (2^63), too long, too short', () => {
    const absurd = fixture();
    new DataView(absurd.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(() => decodeSafetensors(absurd)).toThrow(/header length 9223372036854775808 exceeds the 720 bytes after it/);
    const longer = fixture();
    longer[0] += 8; // the header swallows data bytes
    expect(() => decodeSafetensors(longer)).toThrow(/the safetensors header is not valid UTF-8 JSON/);
    const trimmed = fixture();
    trimmed[0] -= 1; // the header's one padding space becomes a data byte
    expect(() => decodeSafetensors(trimmed)).toThrow(/the tensors cover 448 data bytes, the file holds 449/);
    const shorter = fixture();
    shorter[0] -= 30;
    expect(() => decodeSafetensors(shorter)).toThrow(/the safetensors header is not valid UTF-8 JSON/);
  });

  it('wrong magic: not JSON, not an object', () => {
    const bytes = fixture();
    bytes[8] = 0x5b; // '[' for '{'
    expect(() => decodeSafetensors(bytes)).toThrow(SyntaxError);
    expect(() => decodeSafetensors(safetensorsBytes([1, 2], new Uint8Array(0)))).toThrow(/the safetensors header must be a JSON object, got array/);
  });

  it('offsets that lie: outside the data, overlapping, leaving gaps, not covering the data', () => {
    expect(() => decodeSafetensors(rebuilt((h) => { h.bias_hh_l0.data_offsets = [416, 4480]; }))).toThrow(/data_offsets \[416, 4480\] lie outside the 448 data bytes/);
    expect(() => decodeSafetensors(rebuilt((h) => { h.bias_hh_l0.data_offsets = [400, 432]; }))).toThrow(/tensor 'bias_hh_l0' at data_offsets \[400, 432\] overlaps the previous tensor/);
    expect(() => decodeSafetensors(rebuilt((h) => { delete h.bias_ih_l0; }))).toThrow(/tensor 'bias_hh_l0' at data_offsets \[416, 448\] leaves a gap after byte 384/);
    expect(() => decodeSafetensors(rebuilt((h) => { delete h.bias_hh_l0; }))).toThrow(/the tensors cover 416 data bytes, the file holds 448/);
    expect(() => decodeSafetensors(rebuilt((h) => { h.bias_hh_l0.data_offsets = [448, 416]; }))).toThrow(/lie outside/);
    expect(() => decodeSafetensors(rebuilt((h) => { h.bias_hh_l0.data_offsets = [416]; }))).toThrow(/data_offsets must be \[begin, end\]/);
  });

  it('shapes that lie about the byte length, or overflow', () => {
    expect(() => decodeSafetensors(rebuilt((h) => { h.weight_ih_l0.shape = [8, 5]; }))).toThrow(/tensor 'weight_ih_l0': shape \[8, 5\] of F32 needs 160 bytes, data_offsets \[0, 128\] hold 128/);
    expect(() => decodeSafetensors(rebuilt((h) => { h.weight_ih_l0.shape = [2 ** 40, 2 ** 40]; }))).toThrow(/has more than 2147483647 elements/);
    expect(() => decodeSafetensors(rebuilt((h) => { h.weight_ih_l0.shape = [1e20]; }))).toThrow(/shape\[0\]: expected a non-negative integer dimension/);
    expect(() => decodeSafetensors(rebuilt((h) => { h.weight_ih_l0.shape = [-8, -4]; }))).toThrow(RangeError);
    expect(() => decodeSafetensors(rebuilt((h) => { h.weight_ih_l0.shape = [100000]; }))).toThrow(/needs 400000 bytes, only 448 are present/);
    expect(() => decodeSafetensors(rebuilt((h) => { h.weight_ih_l0.shape = '8x4'; }))).toThrow(TypeError);
  });

  it('unsupported dtypes and malformed metadata', () => {
    expect(() => decodeSafetensors(rebuilt((h) => { h.weight_ih_l0.dtype = 'F8_E4M3'; }))).toThrow(/unsupported dtype "F8_E4M3"; expected one of F32, F64/);
    expect(() => decodeSafetensors(rebuilt((h) => { h.__metadata__ = { layers: 3 }; }))).toThrow(/__metadata__ must be an object of strings/);
    expect(() => decodeSafetensors(rebuilt((h) => { h.weight_ih_l0 = 5; }))).toThrow(/expected \{ dtype, shape, data_offsets \}, got number/);
  });

  it('bad arguments', () => {
    expect(() => readSafetensors({} as never)).toThrow(/readSafetensors: expected a file path or a Uint8Array, got object/);
  });
});
