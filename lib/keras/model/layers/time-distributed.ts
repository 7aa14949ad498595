// Keras TimeDistributed: the wrapped layer applied to every step of [N, T, ...], run once over the
// N * T steps as a batch. The mask passes through; the wrapped layer sees none, so only layers that
// take no mask may be wrapped.
import { MalformedFileError, UnsupportedError } from '../../../errors';
import type { Tensor } from '../../../tensor';
import { isObject } from '../config';
import type { WeightRole } from '../description';
import { describeShape, one, type BuiltLayer, type LayerKind, type ParsedLayer, type Value } from '../layer';

/** The wrapped kinds: layers that work on each sample alone and take no mask. */
export type InnerKinds = Record<string, LayerKind>;

export function timeDistributed(inner: InnerKinds): LayerKind {
  return {
    parse(config, context) {
      const layer = config.layer;
      if (!isObject(layer) || typeof layer.class_name !== 'string' || !isObject(layer.config)) {
        throw new MalformedFileError(`${context.what}: config.layer must be { class_name, config }, got ${JSON.stringify(layer)}`, { base: 'TypeError' });
      }
      const kind = inner[layer.class_name];
      if (!kind) throw new UnsupportedError(`${context.what}: wraps a ${layer.class_name}; TimeDistributed supports ${Object.keys(inner).join(', ')}`);
      const wrapped: ParsedLayer = kind.parse(layer.config, { ...context, what: `${context.what} wrapping ${layer.class_name}` });
      const roles: WeightRole[] = wrapped.roles.map((r) => ({ name: r.name, scope: ['layer', ...r.scope] }));
      return {
        roles,
        supportsMasking: true,
        summary: { layer: { className: layer.class_name, ...wrapped.summary } },
        build(inputs, weights, context): BuiltLayer {
          const input = one(inputs, context);
          if (input.shape.length < 3) throw new MalformedFileError(`${context.what}: needs inputs of rank 3 or more, got ${describeShape(input.shape)}`);
          const [batch, steps, ...rest] = input.shape;
          const built = wrapped.build([{ shape: [null, ...rest], masked: false }], weights, { ...context, what: `${context.what} wrapping ${layer.class_name}` });
          if (built.outputs.length !== 1) throw new MalformedFileError(`${context.what}: the wrapped layer gives ${built.outputs.length} outputs`);
          return {
            outputs: [{ shape: [batch, steps, ...built.outputs[0].shape.slice(1)], masked: input.masked }],
            call([x]: Value[]) {
              const [n, t, ...dims] = x.tensor.shape;
              const [y] = built.call([{ tensor: { data: x.tensor.data, shape: [n * t, ...dims] }, mask: null }]);
              const tensor: Tensor = { data: y.tensor.data, shape: [n, t, ...y.tensor.shape.slice(1)] };
              return [{ tensor, mask: x.mask }];
            },
          };
        },
      };
    },
  };
}
