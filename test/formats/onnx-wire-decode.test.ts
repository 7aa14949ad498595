// The package's schema-driven decoder reads every fixture model as protobufjs' own decoder does:
// the same fields and values, int64 as numbers and repeated numbers as typed arrays.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import * as protobuf from 'protobufjs';
import { expect, it } from 'vitest';
import { decodeModelProto, schemaPath } from '../../lib/formats/onnx/proto';
import { FIXTURES_DIR } from '../support/fixtures';
import { fixtureBytes } from './helpers/files';

const ModelProto = protobuf.loadSync(schemaPath()).lookupType('onnx.ModelProto');

/** Typed arrays and bytes as plain arrays; fields holding their default (absent on protobufjs' side) dropped. */
function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, plain(v)] as const);
    return Object.fromEntries(entries.filter(([, v]) => !(v === null || v === 0 || v === '' || (Array.isArray(v) && v.length === 0))));
  }
  return value;
}

const models = readdirSync(path.join(FIXTURES_DIR, 'models')).filter((f) => f.endsWith('.onnx'));

it.each(models)('%s decodes to what protobufjs decodes', (name) => {
  const bytes = fixtureBytes(name);
  const theirs = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array, arrays: true, oneofs: true });
  expect(plain(decodeModelProto(bytes, name))).toEqual(plain(theirs));
});
