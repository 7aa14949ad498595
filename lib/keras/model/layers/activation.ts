// Keras Activation: one activation function over the whole tensor; the mask passes through.
import { resolveActivation } from '../activations';
import { one, type BuiltLayer, type LayerKind, type Value } from '../layer';

export const ActivationLayer: LayerKind = {
  parse(config, context) {
    const activation = resolveActivation(config.activation, context.dialect, context);
    return {
      roles: [],
      supportsMasking: true,
      summary: { activation: activation.name },
      build(inputs, _weights, context): BuiltLayer {
        const input = one(inputs, context);
        return {
          outputs: [input],
          call: ([x]: Value[]) => [{ tensor: activation.apply(x.tensor), mask: x.mask }],
        };
      },
    };
  },
};
