// Keras Masking: a step is kept when any of its features differs from mask_value; the others are
// zeroed, and the mask goes on to the layers after.
import { type Tensor } from '../../../tensor';
import { finiteNumber } from '../fields';
import { one, type BuiltLayer, type LayerKind, type Value } from '../layer';
import { fromFloats, notEqual } from '../masks';
import * as ops from '../../../native/ops';

function keep(x: Tensor, value: number): Float32Array {
  const width = x.shape[x.shape.length - 1];
  const differs = notEqual(x, value);
  return ops.reduce({ op: 'Max', x: differs, outer: width === 0 ? 0 : differs.length / width, axisSize: width, inner: 1 });
}

export const MaskingLayer: LayerKind = {
  parse(config, context) {
    const maskValue = finiteNumber(config, 'mask_value', 0, context);
    return {
      roles: [],
      supportsMasking: true,
      summary: { maskValue },
      build(inputs, _weights, context): BuiltLayer {
        const input = one(inputs, context);
        return {
          outputs: [{ shape: input.shape, masked: true }],
          call([x]: Value[]) {
            const rows = x.tensor.shape.slice(0, -1);
            const kept = keep(x.tensor, maskValue);
            const zeroed = ops.binary({ op: 'Mul', a: x.tensor.data, aShape: x.tensor.shape, b: kept, bShape: [...rows, 1] });
            return [{ tensor: zeroed, mask: fromFloats(kept) }];
          },
        };
      },
    };
  },
};
