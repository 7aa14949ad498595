// Keras InputLayer: a model input's declared shape (batch first) and dtype. Inputs arrive as
// float32; integer inputs (token ids) are exact up to 2^24.
import { MalformedFileError, UnsupportedError } from '../../../errors';
import type { Json } from '../description';
import { refuseSet, type LayerContext } from '../fields';
import type { Shape } from '../layer';

const DTYPES = ['float32', 'int32', 'int64', 'int16', 'int8', 'uint8', 'bool'];

export function inputShape(config: Json, context: LayerContext): Shape {
  refuseSet(config, ['sparse', 'ragged'], context);
  const dtype = config.dtype ?? 'float32';
  if (!DTYPES.includes(dtype as string)) throw new UnsupportedError(`${context.what}: input dtype ${JSON.stringify(dtype)} is not supported; inputs are float32 (or integers held as float32)`);
  const shape = config.batch_shape ?? config.batch_input_shape;
  if (!Array.isArray(shape) || shape.length === 0) throw new MalformedFileError(`${context.what}: needs batch_shape (or batch_input_shape), got ${JSON.stringify(shape)}`, { base: 'TypeError' });
  if (shape.length > 16) throw new UnsupportedError(`${context.what}: batch_shape of rank ${shape.length} is beyond the 16 supported`);
  return shape.map((d, i) => {
    if (d === null) return null;
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0 || d > 2 ** 31 - 1) throw new MalformedFileError(`${context.what}: batch_shape[${i}] must be null or a non-negative integer, got ${JSON.stringify(d)}`);
    return d;
  });
}
