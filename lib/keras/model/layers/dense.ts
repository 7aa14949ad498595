// Keras Dense over the last axis of any rank (one sgemm for all rows), its activation fused when
// the kernel has it, else applied after.
import { denseForward } from '../../../native/dense';
import { sizeOf } from '../../../tensor';
import { resolveActivation } from '../activations';
import { checkFloat32, flag, positiveInteger, refuseSet } from '../fields';
import { checkWeight, featureSize, one, role, type BuiltLayer, type LayerKind, type Value } from '../layer';

export const DenseLayer: LayerKind = {
  parse(config, context) {
    checkFloat32(config, context);
    refuseSet(config, ['lora_rank', 'quantization_config'], context);
    const units = positiveInteger(config, 'units', context);
    const useBias = flag(config, 'use_bias', true, context);
    const activation = resolveActivation(config.activation, context.dialect, context);
    return {
      roles: [role('kernel'), ...(useBias ? [role('bias')] : [])],
      supportsMasking: true,
      summary: { units, activation: activation.name, useBias },
      build(inputs, weights, context): BuiltLayer {
        const input = one(inputs, context);
        const inputSize = featureSize(input, context);
        checkWeight(weights[0], [inputSize, units], 'kernel', context);
        if (useBias) checkWeight(weights[1], [units], 'bias', context);
        const [kernel, bias] = [weights[0].data, useBias ? weights[1].data : null];
        const fused = activation.dense;
        return {
          outputs: [{ shape: [...input.shape.slice(0, -1), units], masked: input.masked }],
          call([x]: Value[]) {
            const shape = [...x.tensor.shape.slice(0, -1), units];
            const rows = sizeOf(x.tensor.shape.slice(0, -1));
            const output = new Float32Array(rows * units);
            denseForward({ input: x.tensor.data, rows, inputSize, kernel, bias, units, activation: fused ?? { name: 'Affine', alpha: 1, beta: 0 }, output });
            const y = { data: output, shape };
            return [{ tensor: fused ? y : activation.apply(y), mask: x.mask }];
          },
        };
      },
    };
  },
};
