// The ONNX schema the bench writes its models with: the onnx.proto the package ships (its one schema
// home), found through the package's public name, with the type codes read from its enums.
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

const root = protobuf.loadSync(path.join(path.dirname(require.resolve('vanilla-rnn/package.json')), 'lib', 'formats', 'onnx', 'onnx.proto'));
const dataTypes = root.lookupEnum('onnx.TensorProto.DataType').values;
const attributeTypes = root.lookupEnum('onnx.AttributeProto.AttributeType').values;

/** onnx.TensorProto.DataType values. */
export const ONNX_FLOAT = dataTypes.FLOAT;
export const ONNX_INT64 = dataTypes.INT64;

/** onnx.AttributeProto.AttributeType values. */
export const ATTRIBUTE_INT = attributeTypes.INT;
export const ATTRIBUTE_STRING = attributeTypes.STRING;
export const ATTRIBUTE_INTS = attributeTypes.INTS;

/** The ModelProto message type; encode({...}) gives a model file's bytes. */
export function onnxModelType(): protobuf.Type {
  return root.lookupType('onnx.ModelProto');
}
