// Fixture loading and float comparison helpers shared by the tests.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as protobuf from 'protobufjs';
import { expect } from 'vitest';
import { schemaPath } from '../../lib/formats/onnx/proto';
import { FLOAT } from '../../lib/formats/onnx/value';
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
 * graph initializers; they are read here with protobufjs over the package's onnx.proto, a decoder
 * independent of the library's own.
 */
export function loadOnnxInitializers(relPath: string): Map<string, FixtureTensor> {
  const ModelProto = protobuf.loadSync(schemaPath()).lookupType('onnx.ModelProto');
  const model = ModelProto.toObject(ModelProto.decode(readFileSync(path.join(FIXTURES_DIR, relPath))), { longs: Number, bytes: Array }) as {
    graph: { initializer: Array<{ name: string; dims?: number[]; dataType: number; floatData?: number[]; rawData?: number[] }> };
  };
  const result = new Map<string, FixtureTensor>();
  for (const init of model.graph.initializer) {
    if (init.dataType !== FLOAT) throw new Error(`initializer ${init.name}: data_type ${init.dataType} is not float`);
    const data = init.rawData?.length ? new Float32Array(Uint8Array.from(init.rawData).buffer) : Float32Array.from(init.floatData ?? []);
    result.set(init.name, { shape: init.dims ?? [], data });
  }
  return result;
}
