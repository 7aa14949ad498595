// Hand-built .npy and safetensors bytes, and edits of real fixture bytes, for the format tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR } from '../../support/fixtures';

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURES_DIR, 'models', name)));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
  return out;
}

/** A .npy file with the given header dict text (padded as numpy does), version and data bytes. */
export function npyBytes(dict: string, data: Uint8Array, version = 1): Uint8Array {
  const lengthBytes = version === 1 ? 2 : 4;
  const unpadded = 8 + lengthBytes + dict.length + 1;
  const headerLength = Math.ceil(unpadded / 64) * 64 - 8 - lengthBytes;
  const header = Buffer.from(dict.padEnd(headerLength - 1, ' ') + '\n', version === 3 ? 'utf8' : 'latin1');
  const preamble = new Uint8Array(8 + lengthBytes);
  preamble.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(preamble.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  return concatBytes(preamble, header, data);
}

export function npyDict(descr: string, shape: string, fortran = 'False'): string {
  return `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
}

/** Replaces the header dict of a version 1.0 .npy file, keeping its header length (space padding). */
export function patchNpyHeader(bytes: Uint8Array, edit: (dict: string) => string): Uint8Array {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const text = Buffer.from(bytes.subarray(10, 10 + length)).toString('latin1');
  const dict = edit(text.trimEnd());
  if (dict.length + 1 > length) throw new Error('test helper: the patched header does not fit');
  const out = bytes.slice();
  out.set(Buffer.from(dict.padEnd(length - 1, ' ') + '\n', 'latin1'), 10);
  return out;
}

export function littleEndian(kind: 'f8' | 'i4' | 'i8' | 'f2bits' | 'f4', values: number[]): Uint8Array {
  const size = { f8: 8, i4: 4, i8: 8, f2bits: 2, f4: 4 }[kind];
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (kind === 'f8') view.setFloat64(i * 8, v, true);
    else if (kind === 'i4') view.setInt32(i * 4, v, true);
    else if (kind === 'i8') view.setBigInt64(i * 8, BigInt(v), true);
    else if (kind === 'f2bits') view.setUint16(i * 2, v, true);
    else view.setFloat32(i * 4, v, true);
  });
  return out;
}

/** A safetensors file from a header object (serialised as given) and the data bytes. */
export function safetensorsBytes(header: unknown, data: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(json.length), true);
  return concatBytes(length, json, data);
}

/** A fixture safetensors file split into its header object and data bytes, to edit and rebuild. */
export function splitSafetensors(bytes: Uint8Array): { header: Record<string, any>; data: Uint8Array } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8')), data: bytes.slice(8 + length) };
}
