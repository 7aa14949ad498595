// Keras Embedding: rows of the table picked by token id (the float input truncated to an integer, as
// Keras casts it); mask_zero masks the positions whose id is 0. An id outside the table is refused.
import { MalformedFileError, UnsupportedError } from '../../../errors';
import { formatShape, type Tensor } from '../../../tensor';
import { checkFloat32, flag, positiveInteger, refuseSet } from '../fields';
import { checkWeight, describeShape, one, role, type BuiltLayer, type LayerKind, type Value } from '../layer';
import { fromFloats, notEqual } from '../masks';
import * as ops from '../../../native/ops';

/** Float32 holds every integer up to 2^24 exactly: a larger table could not be indexed by float ids. */
const MAX_ROWS = 2 ** 24;

function ids(x: Tensor, rows: number, what: string): Int32Array {
  const whole = { outer: 1, axisSize: x.data.length, inner: 1 };
  if (x.data.length > 0) {
    const [min] = ops.reduce({ op: 'Min', x: x.data, ...whole });
    const [max] = ops.reduce({ op: 'Max', x: x.data, ...whole });
    // Truncation toward zero keeps ids in (-1, rows) inside [0, rows); NaN fails both tests.
    if (!(min > -1 && max < rows)) {
      const bad = x.data.findIndex((v) => !(v > -1 && v < rows));
      throw new RangeError(`${what}: token id ${x.data[bad]} at flat index ${bad} of input ${formatShape(x.shape)} is outside the table of ${rows} rows`);
    }
  }
  return new Int32Array(x.data);
}

export const EmbeddingLayer: LayerKind = {
  parse(config, context) {
    checkFloat32(config, context);
    refuseSet(config, ['sparse', 'lora_rank', 'quantization_config'], context);
    const inputDim = positiveInteger(config, 'input_dim', context);
    const outputDim = positiveInteger(config, 'output_dim', context);
    const maskZero = flag(config, 'mask_zero', false, context);
    if (inputDim > MAX_ROWS) throw new UnsupportedError(`${context.what}: input_dim ${inputDim} is above 2^24, the largest id a float32 input holds exactly`);
    const inputLength = config.input_length;
    return {
      roles: [role('embeddings')],
      supportsMasking: false,
      summary: { inputDim, outputDim, maskZero },
      build(inputs, weights, context): BuiltLayer {
        const input = one(inputs, context);
        if (typeof inputLength === 'number' && input.shape.length === 2 && input.shape[1] !== null && input.shape[1] !== inputLength) {
          throw new MalformedFileError(`${context.what}: input_length ${inputLength} differs from its input's shape ${describeShape(input.shape)}`);
        }
        checkWeight(weights[0], [inputDim, outputDim], 'embeddings', context);
        const table = weights[0].data;
        return {
          outputs: [{ shape: [...input.shape, outputDim], masked: maskZero }],
          call([x]: Value[]) {
            const indices = ids(x.tensor, inputDim, context.what);
            const data = ops.gatherRows({ table, rows: inputDim, cols: outputDim, indices });
            return [{ tensor: { data, shape: [...x.tensor.shape, outputDim] }, mask: maskZero ? fromFloats(notEqual(x.tensor, 0)) : null }];
          },
        };
      },
    };
  },
};
