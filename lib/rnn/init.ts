// PyTorch's initial weights for nn.RNN: every parameter uniform in ±1/sqrt(hiddenSize), from a seed.
import { seededUniform } from '../random';
import { sizeOf } from '../tensor';
import type { ParameterSlot } from './parameters';

export function initialParameters(slots: readonly ParameterSlot[], hiddenSize: number, seed: number): Map<string, Float32Array> {
  const uniform = seededUniform(seed);
  const bound = 1 / Math.sqrt(hiddenSize);
  const parameters = new Map<string, Float32Array>();
  for (const slot of slots) {
    const values = new Float32Array(sizeOf(slot.shape));
    for (let i = 0; i < values.length; i++) values[i] = (uniform() * 2 - 1) * bound;
    parameters.set(slot.name, values);
  }
  return parameters;
}
