// Keras LayerNormalization (each sample's last axis: (x - mean) / sqrt(var + epsilon) * gamma + beta)
// and BatchNormalization in inference form (the moving mean and variance per channel of the last
// axis). Both take only the last axis; epsilon defaults to Keras' 1e-3; center and scale say which
// of beta and gamma the file holds.
import { MalformedFileError, UnsupportedError } from '../../../errors';
import { sizeOf } from '../../../tensor';
import type { Json } from '../description';
import { checkFloat32, finiteNumber, flag, refuseSet, type LayerContext } from '../fields';
import { checkWeight, describeShape, featureSize, one, role, type BuiltLayer, type LayerKind, type Symbolic, type Value } from '../layer';
import * as ops from '../../../native/ops';

/** The axis (-1, rank - 1, or a list of just that one), checked to be the last. */
function checkLastAxis(axis: unknown, input: Symbolic, { what }: LayerContext): void {
  const axes = Array.isArray(axis) ? axis : [axis ?? -1];
  const rank = input.shape.length;
  if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== rank - 1)) {
    throw new UnsupportedError(`${what}: config.axis ${JSON.stringify(axis)} is not supported for inputs ${describeShape(input.shape)}; only the last axis is`);
  }
}

function affine(config: Json, context: LayerContext): { center: boolean; scale: boolean; epsilon: number } {
  checkFloat32(config, context);
  const epsilon = finiteNumber(config, 'epsilon', 1e-3, context);
  if (epsilon <= 0) throw new MalformedFileError(`${context.what}: config.epsilon must be positive, got ${epsilon}`);
  return { center: flag(config, 'center', true, context), scale: flag(config, 'scale', true, context), epsilon };
}

const rowsOf = (shape: number[]) => sizeOf(shape.slice(0, -1));

export const LayerNormalizationLayer: LayerKind = {
  parse(config, context) {
    refuseSet(config, ['rms_scaling'], context);
    const { center, scale, epsilon } = affine(config, context);
    return {
      roles: [...(scale ? [role('gamma')] : []), ...(center ? [role('beta')] : [])],
      supportsMasking: true,
      summary: { epsilon, center, scale },
      build(inputs, weights, context): BuiltLayer {
        const input = one(inputs, context);
        checkLastAxis(config.axis, input, context);
        const cols = featureSize(input, context);
        weights.forEach((w, i) => checkWeight(w, [cols], scale && i === 0 ? 'gamma' : 'beta', context));
        const gamma = scale ? weights[0].data : null;
        const beta = center ? weights[scale ? 1 : 0].data : null;
        return {
          outputs: [input],
          call: ([x]: Value[]) => [{
            tensor: { data: ops.layerNorm({ x: x.tensor.data, rows: rowsOf(x.tensor.shape), cols, scale: gamma, bias: beta, epsilon }), shape: x.tensor.shape },
            mask: x.mask,
          }],
        };
      },
    };
  },
};

export const BatchNormalizationLayer: LayerKind = {
  parse(config, context) {
    refuseSet(config, ['renorm', 'virtual_batch_size', 'adjustment'], context);
    const { center, scale, epsilon } = affine(config, context);
    const names = [...(scale ? ['gamma'] : []), ...(center ? ['beta'] : []), 'moving_mean', 'moving_variance'];
    return {
      roles: names.map((name) => role(name)),
      supportsMasking: true,
      summary: { epsilon, center, scale },
      build(inputs, weights, context): BuiltLayer {
        const input = one(inputs, context);
        checkLastAxis(config.axis, input, context);
        const channels = featureSize(input, context);
        weights.forEach((w, i) => checkWeight(w, [channels], names[i], context));
        const get = (name: string) => weights[names.indexOf(name)]?.data ?? null;
        const [gamma, beta, mean, variance] = [get('gamma'), get('beta'), get('moving_mean')!, get('moving_variance')!];
        return {
          outputs: [input],
          call: ([x]: Value[]) => [{
            tensor: {
              data: ops.batchNorm({ x: x.tensor.data, outer: rowsOf(x.tensor.shape), channels, inner: 1, scale: gamma, bias: beta, mean, variance, epsilon }),
              shape: x.tensor.shape,
            },
            mask: x.mask,
          }],
        };
      },
    };
  },
};
