// .npy reading and writing: the fixture arrays, round trips, dtype conversions and hostile files.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, readNpy, writeNpy } from '../../lib/formats/npy';
import { FIXTURES_DIR, loadJson, tensorOf } from '../support/fixtures';
import { fixtureBytes, littleEndian, npyBytes, npyDict, patchNpyHeader } from './helpers/files';

const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-npy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TORCH = ['torch_1layer_tanh', 'torch_2layer_bidir_relu_batchfirst', 'torch_3layer_nobias'];

describe('readNpy: the fixture arrays', () => {
  for (const name of TORCH) {
    it(`${name}.input.npy and .output.npy hold the JSON's x and y exactly`, () => {
      const json = loadJson(`models/${name}.json`);
      const input = readNpy(path.join(FIXTURES_DIR, 'models', `${name}.input.npy`));
      const output = readNpy(fixtureBytes(`${name}.output.npy`));
      expect(input.shape).toEqual(json.inputs.x.shape);
      expect(Array.from(input.data)).toEqual(Array.from(tensorOf(json.inputs.x).data));
      expect(output.shape).toEqual(json.outputs.y.shape);
      expect(Array.from(output.data)).toEqual(Array.from(tensorOf(json.outputs.y).data));
    });
  }

  it('encodeNpy writes the fixture files byte for byte', () => {
    const bytes = fixtureBytes('torch_1layer_tanh.input.npy');
    expect(Buffer.from(encodeNpy(decodeNpy(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('writeNpy / encodeNpy', () => {
  for (const shape of [[2, 3], [5], [], [0, 4], [1, 1, 1, 1]]) {
    it(`round-trips shape [${shape}]`, () => {
      const count = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: count }, (_, i) => i * 0.25 - 1);
      const file = path.join(scratch, `round-${shape.join('x') || 'scalar'}.npy`);
      writeNpy(file, { data, shape });
      const back = readNpy(file);
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    });
  }

  it('writes a version 1.0 <f4 C-order header padded to 64 bytes, as numpy does', () => {
    const bytes = encodeNpy({ data: new Float32Array(5), shape: [5] });
    const headerLength = bytes[8] | (bytes[9] << 8);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    expect((10 + headerLength) % 64).toBe(0);
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }");
    expect(header.endsWith('\n')).toBe(true);
    expect(bytes.length).toBe(10 + headerLength + 20);
  });

  it('keeps NaN, infinities and -0 bit for bit', () => {
    const data = Float32Array.of(NaN, Infinity, -Infinity, -0, 3.5);
    const back = decodeNpy(encodeNpy({ data, shape: [5] }));
    expect(new Uint32Array(back.data.buffer)).toEqual(new Uint32Array(data.buffer));
  });

  it('accepts nested arrays and refuses what is not a tensor', () => {
    writeNpy(path.join(scratch, 'nested.npy'), [[1, 2], [3, 4]]);
    expect(readNpy(path.join(scratch, 'nested.npy')).shape).toEqual([2, 2]);
    expect(() => writeNpy(path.join(scratch, 'bad.npy'), { data: [1, 2], shape: [2] } as never)).toThrow(TypeError);
    expect(() => writeNpy(path.join(scratch, 'bad.npy'), { data: new Float32Array(3), shape: [2] })).toThrow(/shape \[2\] needs 2 elements, data has 3/);
    expect(() => writeNpy('', { data: new Float32Array(1), shape: [1] })).toThrow(/expected a file path/);
  });
});

describe('readNpy: dtype conversions', () => {
  const read = (descr: string, data: Uint8Array, shape: string, version = 1) => decodeNpy(npyBytes(npyDict(descr, shape), data, version));

  it('<f8 rounds to the nearest float32, beyond float32 range to Infinity', () => {
    const t = read('<f8', littleEndian('f8', [1.5, 0.1, 1e300, -1e300, -2.25]), '(5,)');
    expect(Array.from(t.data)).toEqual([1.5, Math.fround(0.1), Infinity, -Infinity, -2.25]);
  });

  it('<i4 and <i8 become float32 (exact below 2^24, rounded above)', () => {
    expect(Array.from(read('<i4', littleEndian('i4', [-3, 0, 16777217, 2147483647]), '(2, 2)').data)).toEqual([-3, 0, 16777216, 2147483648]);
    expect(Array.from(read('<i8', littleEndian('i8', [-(2 ** 40), 5]), '(2,)').data)).toEqual([-(2 ** 40), 5]);
  });

  it('|u1, |i1, |b1 and <f2 are converted; >f4 and >i4 (big-endian) are byte-swapped', () => {
    expect(Array.from(read('|u1', Uint8Array.of(0, 255), '(2,)').data)).toEqual([0, 255]);
    expect(Array.from(read('|i1', Uint8Array.of(0x80, 0x7f), '(2,)').data)).toEqual([-128, 127]);
    expect(Array.from(read('|b1', Uint8Array.of(0, 1, 2), '(3,)').data)).toEqual([0, 1, 1]);
    expect(Array.from(read('<f2', littleEndian('f2bits', [0x3c00, 0xc000, 0x0001, 0x7c00]), '(4,)').data)).toEqual([1, -2, 2 ** -24, Infinity]);
    expect(Array.from(read('>f4', Uint8Array.of(0x3f, 0xc0, 0, 0), '(1,)').data)).toEqual([1.5]);
    expect(Array.from(read('>i4', Uint8Array.of(0xff, 0xff, 0xff, 0xfe), '(1,)').data)).toEqual([-2]);
  });

  it('reads format versions 2.0 and 3.0', () => {
    expect(Array.from(read('<f4', littleEndian('f4', [7, 8]), '(2,)', 2).data)).toEqual([7, 8]);
    expect(read('<f4', littleEndian('f4', [7, 8, 9, 10]), '(2, 2)', 3).shape).toEqual([2, 2]);
  });

  it('refuses Fortran order, object, string, complex and structured arrays clearly', () => {
    expect(() => decodeNpy(npyBytes(npyDict('<f4', '(2, 2)', 'True'), new Uint8Array(16)))).toThrow(/Fortran-order \(column-major\) .npy arrays are not supported/);
    expect(() => decodeNpy(npyBytes(npyDict('|O', '(2,)'), new Uint8Array(16)))).toThrow(TypeError);
    expect(() => decodeNpy(npyBytes(npyDict('|O', '(2,)'), new Uint8Array(16)))).toThrow(/object arrays \(dtype '\|O'\) are not supported/);
    expect(() => decodeNpy(npyBytes(npyDict('<U5', '(1,)'), new Uint8Array(20)))).toThrow(/unsupported .npy dtype '<U5'/);
    expect(() => decodeNpy(npyBytes(npyDict('<c8', '(1,)'), new Uint8Array(8)))).toThrow(/unsupported .npy dtype '<c8'/);
    expect(() => decodeNpy(npyBytes(npyDict('|f4', '(1,)'), new Uint8Array(4)))).toThrow(/unsupported .npy dtype '\|f4'/);
    const structured = "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }";
    expect(() => decodeNpy(npyBytes(structured, new Uint8Array(8)))).toThrow(/structured .npy dtypes/);
  });
});

describe('readNpy: hostile files', () => {
  const good = () => fixtureBytes('torch_1layer_tanh.input.npy'); // (6, 3, 4) <f4, 288 data bytes

  it('wrong magic', () => {
    const bytes = good();
    bytes[1] = 0x4f;
    expect(() => decodeNpy(bytes, 'x.npy')).toThrow(/x.npy: not a .npy file: expected the magic bytes 93 4e 55 4d 50 59 \("\\x93NUMPY"\), got 93 4f/);
    expect(() => decodeNpy(new Uint8Array(0))).toThrow(/got an empty file/);
  });

  it('truncated in the preamble, the header and the data', () => {
    expect(() => decodeNpy(good().slice(0, 9))).toThrow(/truncated .npy file: 9 bytes, the preamble alone needs 10/);
    expect(() => decodeNpy(good().slice(0, 60))).toThrow(/header length 118 runs past the end of the file \(60 bytes\)/);
    expect(() => decodeNpy(good().slice(0, 200))).toThrow(RangeError);
    expect(() => decodeNpy(good().slice(0, 200))).toThrow(/needs 288 bytes, only 72 are present/);
  });

  it('a header length that lies (absurd, and v2 with 4 GiB)', () => {
    const bytes = good();
    bytes[8] = 0xff;
    bytes[9] = 0xff;
    expect(() => decodeNpy(bytes)).toThrow(/header length 65535 runs past the end/);
    const v2 = npyBytes(npyDict('<f4', '(1,)'), new Uint8Array(4), 2);
    new DataView(v2.buffer).setUint32(8, 0xffffffff, true);
    expect(() => decodeNpy(v2)).toThrow(/header length 4294967295 runs past the end/);
  });

  it('a shape that lies about the data, either way', () => {
    expect(() => decodeNpy(patchNpyHeader(good(), (d) => d.replace('(6, 3, 4)', '(6, 3, 5)')))).toThrow(/needs 360 bytes, only 288 are present/);
    expect(() => decodeNpy(patchNpyHeader(good(), (d) => d.replace('(6, 3, 4)', '(6, 3, 3)')))).toThrow(/.npy data is 288 bytes, shape \[6, 3, 3\] of '<f4' needs 216/);
  });

  it('dimensions whose product overflows, or that are not integers', () => {
    const huge = (shape: string) => () => decodeNpy(patchNpyHeader(good(), (d) => d.replace('(6, 3, 4)', shape)));
    expect(huge('(99999999999, 99999999999)')).toThrow(/has more than 2147483647 elements/);
    expect(huge('(4294967296, 4294967296, 4)')).toThrow(RangeError);
    expect(huge('(99999999999999999999,)')).toThrow(/shape\[0\]: expected a non-negative integer dimension/);
    expect(huge('(-1, 72)')).toThrow(/shape\[0\]: expected a non-negative integer dimension, got -1/);
  });

  it('headers that are not the dict literal numpy writes are refused, never evaluated', () => {
    const bad = (edit: (d: string) => string) => () => decodeNpy(patchNpyHeader(good(), edit));
    expect(bad((d) => d.replace("'<f4'", "__import__('os').system('echo hi')"))).toThrow(SyntaxError);
    expect(bad((d) => d.replace("'<f4'", "__import__('os')"))).toThrow(/malformed .npy header: expected a string, True, False, an integer or a tuple at offset 10/);
    expect(bad((d) => d.replace("'fortran_order': False, ", ''))).toThrow(/exactly the keys descr, fortran_order, shape; got descr, shape/);
    expect(bad((d) => d.replace("'fortran_order'", "'descr'"))).toThrow(/repeated 'descr'/);
    expect(bad((d) => d.replace('(6, 3, 4)', '(6)'))).toThrow(/after the only element of a 1-tuple/);
    expect(bad((d) => d.replace("'<f4'", "'<f4"))).toThrow(SyntaxError);
    expect(bad((d) => d.replace('False', 'None'))).toThrow(SyntaxError);
    expect(bad((d) => `${d}x`)).toThrow(/expected the end of the header/);
  });

  it('unknown versions and invalid UTF-8 in a version 3.0 header', () => {
    const v4 = good();
    v4[6] = 4;
    expect(() => decodeNpy(v4)).toThrow(/unsupported .npy format version 4.0/);
    const v3 = npyBytes(npyDict('<f4', '(1,)'), new Uint8Array(4), 3);
    v3[20] = 0xff;
    expect(() => decodeNpy(v3)).toThrow(/not valid UTF-8/);
  });

  it('bad arguments', () => {
    expect(() => readNpy(42 as never)).toThrow(/readNpy: expected a file path or a Uint8Array, got number/);
    expect(() => readNpy(path.join(scratch, 'missing.npy'))).toThrow(/ENOENT/);
    expect(readFileSync(path.join(FIXTURES_DIR, 'models', 'torch_1layer_tanh.input.npy')).length).toBe(416);
  });
});
