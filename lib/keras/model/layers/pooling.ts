// Keras GlobalAveragePooling1D and GlobalMaxPooling1D over the time axis of [N, T, D]. The average
// of a masked input is over the kept steps only (NaN for a sequence with none, 0 / 0 as in Keras);
// Keras' max pooling takes no mask.
import { flag, oneOf } from '../fields';
import { expectRank, one, type BuiltLayer, type LayerKind, type Value } from '../layer';
import * as ops from '../../../native/ops';

function poolingKind(op: 'Mean' | 'Max', takesMask: (dialect: string) => boolean): LayerKind {
  return {
    parse(config, context) {
      oneOf(config, 'data_format', ['channels_last'] as const, 'channels_last', context);
      const keepdims = flag(config, 'keepdims', false, context);
      const supportsMasking = takesMask(context.dialect);
      return {
        roles: [],
        supportsMasking,
        summary: { keepdims },
        build(inputs, _weights, context): BuiltLayer {
          const input = one(inputs, context);
          expectRank(input, [3], context);
          const [batch, , width] = input.shape;
          return {
            outputs: [{ shape: keepdims ? [batch, 1, width] : [batch, width], masked: false }],
            call([x]: Value[]) {
              const [n, steps, d] = x.tensor.shape;
              const sizes = { outer: n, axisSize: steps, inner: d };
              const data = x.mask && supportsMasking
                ? ops.maskedReduce({ op, x: x.tensor.data, mask: x.mask, ...sizes })
                : ops.reduce({ op, x: x.tensor.data, ...sizes });
              return [{ tensor: { data, shape: keepdims ? [n, 1, d] : [n, d] }, mask: null }];
            },
          };
        },
      };
    },
  };
}

/** TF.js' pooling layers ignore masks; Keras 2 and 3 average over the kept steps. */
export const GlobalAveragePooling1DLayer = poolingKind('Mean', (dialect) => dialect !== 'tfjs');
export const GlobalMaxPooling1DLayer = poolingKind('Max', () => false);
