// The package's ONNX type codes are onnx.proto's: the tables the interpreter and the test builder use
// (value.ts, attributes.ts) list the same names with the same numbers as the shipped schema.
import * as protobuf from 'protobufjs';
import { expect, it } from 'vitest';
import { ATTRIBUTE_TYPES } from '../../lib/formats/onnx/attributes';
import { schemaPath } from '../../lib/formats/onnx/proto';
import { BOOL, DATA_TYPE_NAMES, FLOAT, INT32, INT64 } from '../../lib/formats/onnx/value';

const root = protobuf.loadSync(schemaPath());

it('TensorProto.DataType: every code and name', () => {
  const schema = root.lookupEnum('onnx.TensorProto.DataType').values;
  expect(Object.fromEntries(Object.entries(DATA_TYPE_NAMES).map(([code, name]) => [name, Number(code)]))).toEqual(schema);
  expect([FLOAT, INT32, INT64, BOOL]).toEqual([schema.FLOAT, schema.INT32, schema.INT64, schema.BOOL]);
});

it('AttributeProto.AttributeType: every code and name', () => {
  expect(ATTRIBUTE_TYPES).toEqual(root.lookupEnum('onnx.AttributeProto.AttributeType').values);
});
