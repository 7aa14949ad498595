// Fixture loading and float comparison helpers shared by the tests.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
export { mulberry32, randomFloat32 } from './random';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The repository's own copy (test/fixtures); VANILLA_RNN_FIXTURES points at another with the same layout. */
export const FIXTURES_DIR: string = process.env.VANILLA_RNN_FIXTURES ?? path.resolve(REPO_ROOT, 'test', 'fixtures');

/**
 * Third-party trained Keras files, which stay outside the repository (their licences): beside the checkout
 * in ../shared/fixtures/keras-files, or VANILLA_RNN_KERAS_FILES. Null when absent: tests skip with a message.
 */
export const KERAS_FILES_DIR: string | null = (() => {
  const dir = process.env.VANILLA_RNN_KERAS_FILES ?? path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'keras-files');
  return existsSync(dir) ? dir : null;
})();

export type FixtureTensor = { shape: number[]; data: Float32Array };
export type JsonTensor = { shape: number[]; data: number[] };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadJson(relPath: string): any {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, relPath), 'utf8'));
}

export function tensorOf(json: JsonTensor): FixtureTensor;
export function tensorOf(json: JsonTensor | null | undefined): FixtureTensor | null;
export function tensorOf(json: JsonTensor | null | undefined): FixtureTensor | null {
  if (json == null) return null;
  return { shape: [...json.shape], data: Float32Array.from(json.data, Math.fround) };
}

/** Sorted `.json` file names in a fixtures subdirectory such as 'torch' or 'keras'. */
export function listFixtures(subdir: string): string[] {
  return readdirSync(path.join(FIXTURES_DIR, subdir))
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function isClose(got: number, want: number): boolean {
  if (Number.isNaN(got) || Number.isNaN(want)) return Number.isNaN(got) && Number.isNaN(want);
  if (got === want) return true; // also covers equal infinities
  return Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want);
}

function isExact(got: number, want: number): boolean {
  return Object.is(got, want) || got === want;
}

function expectElementwise(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  what: string,
  matches: (g: number, w: number) => boolean,
): void {
  if (got.length !== want.length) {
    expect.fail(`${what}: length ${got.length}, expected ${want.length}`);
  }
  let firstBad = -1;
  let badCount = 0;
  for (let i = 0; i < want.length; i++) {
    if (matches(got[i], want[i])) continue;
    if (firstBad < 0) firstBad = i;
    badCount++;
  }
  if (firstBad >= 0) {
    expect.fail(
      `${what}: ${badCount} of ${want.length} elements differ; first at index ${firstBad}: ` +
        `got ${got[firstBad]}, want ${want[firstBad]}`,
    );
  }
}

/** Element-wise `|got - want| <= 1e-5 + 1e-4 * |want|` (the fixtures' tolerance). */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expectElementwise(got, want, what, isClose);
}

/** Element-wise exact equality, for the integer fixtures. */
export function expectExact(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expectElementwise(got, want, what, isExact);
}

/**
 * Float initializers of an ONNX model file, by name. The onnx_* fixtures keep W, R and B only as
 * graph initializers, so the test reads them with this minimal protobuf walk
 * (ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto dims = 1, float_data = 4,
 * name = 8, raw_data = 9).
 */
export function loadOnnxInitializers(relPath: string): Map<string, FixtureTensor> {
  const model = readFileSync(path.join(FIXTURES_DIR, relPath));
  const result = new Map<string, FixtureTensor>();
  for (const graph of protoFields(model).filter((f) => f.field === 7)) {
    for (const init of protoFields(graph.bytes!).filter((f) => f.field === 5)) {
      const { name, tensor } = decodeFloatTensor(init.bytes!);
      result.set(name, tensor);
    }
  }
  return result;
}

type ProtoField = { field: number; value?: number; bytes?: Uint8Array };

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[pos++];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, pos];
  }
}

function protoFields(buf: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    pos = afterKey;
    if (wireType === 0) {
      const [value, next] = readVarint(buf, pos);
      fields.push({ field, value });
      pos = next;
    } else if (wireType === 2) {
      const [length, start] = readVarint(buf, pos);
      fields.push({ field, bytes: buf.subarray(start, start + length) });
      pos = start + length;
    } else if (wireType === 5 || wireType === 1) {
      const size = wireType === 5 ? 4 : 8;
      fields.push({ field, bytes: buf.subarray(pos, pos + size) });
      pos += size;
    } else {
      throw new Error(`unsupported protobuf wire type ${wireType}`);
    }
  }
  return fields;
}

function littleEndianFloats(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function packedVarints(bytes: Uint8Array): number[] {
  const values: number[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const [value, next] = readVarint(bytes, pos);
    values.push(value);
    pos = next;
  }
  return values;
}

function decodeFloatTensor(buf: Uint8Array): { name: string; tensor: FixtureTensor } {
  let name = '';
  const shape: number[] = [];
  const data: number[] = [];
  for (const f of protoFields(buf)) {
    if (f.field === 1) shape.push(...(f.bytes ? packedVarints(f.bytes) : [f.value!]));
    else if (f.field === 8) name = new TextDecoder().decode(f.bytes);
    else if (f.field === 4 || f.field === 9) data.push(...littleEndianFloats(f.bytes!));
    else if (f.field === 2 && f.value !== 1) throw new Error(`initializer data_type ${f.value} is not float`);
  }
  return { name, tensor: { shape, data: Float32Array.from(data) } };
}
