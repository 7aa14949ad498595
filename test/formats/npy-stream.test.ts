// .npy files read and written a slab at a time (openNpy, createNpyWriter): every slab of every dtype
// equals readNpy's conversion cut with sliceAlong, the header follows numpy's rules, hostile files are
// refused as readNpy refuses them, and a file under its target's name is always complete.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNpyWriter, decodeNpy, encodeNpy, openNpy, readNpy } from '../../lib/index';
import { npyHeaderBytes } from '../../lib/formats/npy';
import { PARTIAL_FILE_PATTERN } from '../../lib/formats/partial-file';
import { expectExact, mulberry32, randomFloat32 } from '../support/fixtures';
import { sliceAlong } from '../support/slices';
import { makeFifo, UNIX } from '../support/special-files';
import { concatBytes, fixtureBytes, npyBytes, npyDict } from './helpers/files';

const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-npy-stream-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;
const fresh = (name = 'a.npy') => path.join(scratch, `f${files++}-${name}`);

/** Values every dtype holds exactly (small integers and halves), as bytes of `descr`. */
function encodeValues(descr: string, values: number[]): Uint8Array {
  const little = descr[0] !== '>';
  const kind = descr.slice(1);
  const size = Number(kind.slice(1));
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const at = i * size;
    switch (kind) {
      case 'f4': view.setFloat32(at, v, little); break;
      case 'f8': view.setFloat64(at, v, little); break;
      case 'f2': view.setUint16(at, Number.isInteger(v) && Math.abs(v) < 8 ? halfBits(v) : 0, little); break;
      case 'i1': view.setInt8(at, v); break;
      case 'i2': view.setInt16(at, v, little); break;
      case 'i4': view.setInt32(at, v, little); break;
      case 'i8': view.setBigInt64(at, BigInt(v), little); break;
      case 'u1': view.setUint8(at, Math.abs(v)); break;
      case 'u2': view.setUint16(at, Math.abs(v), little); break;
      case 'u4': view.setUint32(at, Math.abs(v), little); break;
      case 'u8': view.setBigUint64(at, BigInt(Math.abs(v)), little); break;
      case 'b1': view.setUint8(at, v === 0 ? 0 : 1); break;
      default: throw new Error(`test helper: ${descr}`);
    }
  });
  return out;
}

/** The half-precision bits of a small integer. */
function halfBits(v: number): number {
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const exponent = Math.floor(Math.log2(a));
  const fraction = Math.round((a / 2 ** exponent - 1) * 1024);
  return sign | ((exponent + 15) << 10) | fraction;
}

const DTYPES = ['<f4', '>f4', '<f8', '>f8', '<f2', '|i1', '<i2', '>i4', '<i8', '|u1', '<u2', '>u4', '<u8', '|b1'];

describe('openNpy: slabs', () => {
  const shape = [3, 7, 2];
  const values = Array.from({ length: 42 }, (_, i) => (i % 11) - 5);

  it.each(DTYPES)('%s: every slab along every axis is readNpy\'s conversion sliced', async (descr) => {
    const file = fresh();
    writeFileSync(file, npyBytes(npyDict(descr, '(3, 7, 2)'), encodeValues(descr, values)));
    const whole = readNpy(file);
    const npy = await openNpy(file);
    try {
      expect(npy.shape).toEqual(shape);
      expect(npy.layout.descr).toBe(descr);
      for (const axis of [0, 1, 2]) {
        for (const [start, count] of [[0, shape[axis]], [1, 1], [shape[axis] - 2, 2], [0, 0]]) {
          const slab = await npy.readSlab(axis, start, count);
          const want = sliceAlong(whole, axis, start, count);
          expect(slab.shape, `axis ${axis} [${start}, +${count})`).toEqual(want.shape);
          expectExact(slab.data, want.data, `${descr} axis ${axis} [${start}, +${count})`);
        }
      }
    } finally {
      await npy.close();
    }
  });

  it('readSlabBytes gives the file\'s own bytes (no conversion)', async () => {
    const file = fresh();
    const data = encodeValues('>i4', values);
    writeFileSync(file, npyBytes(npyDict('>i4', '(3, 7, 2)'), data));
    const npy = await openNpy(file);
    const bytes = await npy.readSlabBytes(0, 1, 1);
    await npy.close();
    expect(Buffer.from(bytes).equals(Buffer.from(data.subarray(14 * 4, 28 * 4)))).toBe(true);
  });

  it('refuses slabs outside the array, naming the file', async () => {
    const file = fresh();
    writeFileSync(file, encodeNpy({ data: new Float32Array(42), shape }));
    const npy = await openNpy(file);
    try {
      await expect(npy.readSlab(3, 0, 1)).rejects.toThrow(`${file}: axis 3 is outside shape [3, 7, 2]`);
      await expect(npy.readSlab(1, 5, 3)).rejects.toThrow(`${file}: entries 5 .. 7 along axis 1 are outside shape [3, 7, 2]`);
      await expect(npy.readSlab(1, -1, 1)).rejects.toThrow(RangeError);
    } finally {
      await npy.close();
    }
    await expect(npy.readSlab(0, 0, 1)).rejects.toThrow(`${file}: the file was closed`);
  });
});

describe('openNpy: files it refuses, as readNpy does', () => {
  const write = (bytes: Uint8Array) => {
    const file = fresh();
    writeFileSync(file, bytes);
    return file;
  };

  it('a header that claims more data than the file holds', async () => {
    const file = write(npyBytes(npyDict('<f4', '(1000, 1000)'), new Uint8Array(400)));
    await expect(openNpy(file)).rejects.toThrow(`${file}: .npy data: shape [1000, 1000] needs 4000000 bytes, only 400 are present`);
  });

  it('data past what the header says', async () => {
    const file = write(npyBytes(npyDict('<f4', '(2,)'), new Uint8Array(12)));
    await expect(openNpy(file)).rejects.toThrow(`${file}: .npy data is 12 bytes, shape [2] of '<f4' needs 8`);
  });

  it('a header length past the end of the file, and a header longer than 1 MiB', async () => {
    const bytes = npyBytes(npyDict('<f4', '(2,)'), new Uint8Array(8), 2);
    const long = bytes.slice();
    new DataView(long.buffer).setUint32(8, 5_000_000, true);
    const file = write(long);
    await expect(openNpy(file)).rejects.toThrow(`${file}: .npy header length 5000000 runs past the end of the file (${long.length} bytes)`);
    const padded = npyBytes(npyDict('<f4', '(2,)').padEnd(1_100_000, ' '), new Uint8Array(8), 2);
    const big = write(padded);
    await expect(openNpy(big)).rejects.toThrow(/the \.npy header is \d+ bytes long, more than the 1048576 taken/);
  });

  it('a truncated preamble, not an .npy file, Fortran order, object dtype', async () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1]), /truncated \.npy file: 7 bytes, the preamble alone needs 10/],
      [new Uint8Array(0), /not a \.npy file: .* got an empty file/],
      [fixtureBytes('torch_1layer_tanh.json'), /not a \.npy file/],
      [npyBytes(npyDict('<f4', '(2,)', 'True'), new Uint8Array(8)), /Fortran-order/],
      [npyBytes(npyDict('|O', '(2,)'), new Uint8Array(16)), /object arrays/],
    ];
    for (const [bytes, error] of cases) {
      const file = write(bytes);
      await expect(openNpy(file)).rejects.toThrow(error);
      expect(() => readNpy(file)).toThrow(error);
    }
  });

  it.runIf(UNIX)('a directory and a FIFO (without blocking), and a missing file', async () => {
    await expect(openNpy(scratch)).rejects.toThrow(`${scratch}: expected a regular file, got a directory`);
    const fifo = makeFifo(fresh('fifo'));
    await expect(openNpy(fifo)).rejects.toThrow(`${fifo}: expected a regular file, got a FIFO`);
    await expect(openNpy(path.join(scratch, 'missing.npy'))).rejects.toThrow(/ENOENT/);
    await expect(openNpy('' as string)).rejects.toThrow('openNpy: expected a file path, got string');
  });

  it('a file that shrinks after it was opened: the read says the file changed', async () => {
    const file = write(encodeNpy({ data: new Float32Array(1000), shape: [10, 100] }));
    const npy = await openNpy(file);
    truncateSync(file, 500);
    await expect(npy.readSlab(0, 5, 5)).rejects.toThrow(`${file}: the file changed while it was read`);
    await npy.close();
  });
});

describe('createNpyWriter', () => {
  const rng = mulberry32(5);

  it('writes numpy\'s header (64-byte aligned, version 1.0) and the bytes encodeNpy writes, slabs in any order', async () => {
    for (const shape of [[5, 4, 3], [1], [0, 3], [7]]) {
      const tensor = { data: randomFloat32(rng, shape.reduce((a, b) => a * b, 1)), shape };
      const target = fresh();
      const writer = await createNpyWriter(target, shape);
      const axis = shape.length - 1;
      const parts = [[2, shape[axis] - 2], [0, 2]].filter(([s, n]) => n > 0 && s + n <= shape[axis]);
      for (const [start, count] of parts) await writer.writeSlab(axis, start, sliceAlong(tensor, axis, start, count));
      if (shape[axis] === 1) await writer.writeSlab(axis, 0, tensor);
      expect(existsSync(target)).toBe(false);
      await writer.commit();
      expect(Buffer.from(readFileSync(target)).equals(Buffer.from(encodeNpy(tensor))), `shape [${shape}]`).toBe(true);
      expect(readdirSync(scratch).filter((f) => PARTIAL_FILE_PATTERN.test(f))).toEqual([]);
    }
  });

  it('the header is padded with spaces and a newline to a multiple of 64, as numpy pads it, also when already aligned', () => {
    for (let dims = 1; dims <= 70; dims++) { // 64 dims make the unpadded header end on a 64-byte boundary
      const header = npyHeaderBytes('<f4', Array(dims).fill(1));
      const length = header[8] | (header[9] << 8);
      expect(header.length % 64).toBe(0);
      expect(header.length).toBe(10 + length);
      const text = Buffer.from(header.subarray(10)).toString('latin1');
      expect(text.endsWith('\n')).toBe(true);
      // numpy pads with 1 to 64 spaces: the dict, a space or more, the newline.
      expect(text.trimEnd().length + 1).toBeLessThan(text.length);
      expect(decodeNpy(concatBytes(header, new Uint8Array(4))).shape).toEqual(Array(dims).fill(1));
    }
  });

  it('a header past 65535 bytes is written as version 2.0 (a 4-byte length), which readNpy reads', () => {
    const shape = Array(30000).fill(1);
    const header = npyHeaderBytes('<f4', shape);
    expect([header[6], header[7]]).toEqual([2, 0]);
    expect(header.length % 64).toBe(0);
    expect(new DataView(header.buffer).getUint32(8, true)).toBe(header.length - 12);
    expect(decodeNpy(concatBytes(header, new Uint8Array(4))).shape).toEqual(shape);
  });

  it('commit refuses a file not every byte of which was written, and removes it', async () => {
    const target = fresh();
    const writer = await createNpyWriter(target, [4, 2]);
    await writer.writeSlab(0, 0, { data: new Float32Array(4), shape: [2, 2] });
    await expect(writer.commit()).rejects.toThrow(`${target}: 16 of the 32 data bytes of shape [4, 2] were written; the file was not finished`);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(writer.partialPath)).toBe(false);
  });

  it('abort removes the temporary file and leaves a file already under the target\'s name as it was', async () => {
    const target = fresh();
    writeFileSync(target, 'an earlier run\'s output');
    const writer = await createNpyWriter(target, [2]);
    expect(path.dirname(writer.partialPath)).toBe(path.dirname(target));
    expect(PARTIAL_FILE_PATTERN.test(path.basename(writer.partialPath))).toBe(true);
    expect(path.basename(writer.partialPath).startsWith(`.${path.basename(target)}.partial-${process.pid}-`)).toBe(true);
    expect(existsSync(writer.partialPath)).toBe(true);
    expect(await writer.abort()).toBe(writer.partialPath);
    expect(existsSync(writer.partialPath)).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('an earlier run\'s output');
    await expect(writer.writeSlab(0, 0, { data: new Float32Array(2), shape: [2] })).rejects.toThrow('was abandoned already');
  });

  it('refuses slabs that do not fit, naming the target', async () => {
    const target = fresh();
    const writer = await createNpyWriter(target, [3, 4]);
    await expect(writer.writeSlab(1, 0, { data: new Float32Array(6), shape: [2, 3] })).rejects.toThrow(`${target}: a slab of shape [2, 3] does not fit [3, 4] along axis 1`);
    await expect(writer.writeSlab(1, 3, { data: new Float32Array(6), shape: [3, 2] })).rejects.toThrow(`${target}: entries 3 .. 4 along axis 1 are outside shape [3, 4]`);
    await expect(writer.writeSlab(0, 0, { data: new Float32Array(5), shape: [1, 4] })).rejects.toThrow('shape [1, 4] needs 4 elements, data has 5');
    await writer.abort();
    await expect(createNpyWriter(fresh(), [2, -1])).rejects.toThrow('createNpyWriter.shape[1]: expected a non-negative integer');
    await expect(createNpyWriter(fresh(), [2], { descr: '|O' })).rejects.toThrow("unsupported descr '|O'");
  });

  it('writes past 4 GiB: a slab at the end of a 4.5 GiB array lands where a reader finds it (the file is sparse)', async () => {
    const target = fresh('big.npy');
    const rows = 2 ** 30 + 2 ** 27; // 4.5 GiB of float32
    const writer = await createNpyWriter(target, [rows, 1]);
    const tail = { data: Float32Array.of(1.5, -2.25, 3), shape: [3, 1] };
    await writer.writeSlab(0, rows - 3, tail);
    await writer.writeSlab(0, 0, { data: Float32Array.of(7), shape: [1, 1] });
    const partial = await openNpy(writer.partialPath);
    try {
      expect(partial.shape).toEqual([rows, 1]);
      expect(partial.size).toBe(writer.byteLength);
      expect(Array.from((await partial.readSlab(0, rows - 3, 3)).data)).toEqual([1.5, -2.25, 3]);
      expect(Array.from((await partial.readSlab(0, 0, 2)).data)).toEqual([7, 0]);
    } finally {
      await partial.close();
    }
    expect(statSync(writer.partialPath).size).toBeGreaterThan(2 ** 32);
    await expect(writer.commit()).rejects.toThrow(/of the 4831838208 data bytes .* were written; the file was not finished/);
    expect(existsSync(target)).toBe(false);
  });
});
