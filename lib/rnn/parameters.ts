// The parameters of a stacked RNN under PyTorch's state_dict names, with their shapes.

export interface ParameterSlot {
  name: string; // PyTorch name, e.g. weight_ih_l1_reverse
  layer: number;
  direction: number;
  role: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh';
  shape: number[];
}

export interface ParameterLayout {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  numDirections: number;
  bias: boolean;
}

/** The state_dict entries of an RNN, in PyTorch's order (layer, then direction, then w_ih, w_hh, b_ih, b_hh). */
export function parameterSlots(p: ParameterLayout): ParameterSlot[] {
  const slots: ParameterSlot[] = [];
  for (let layer = 0; layer < p.numLayers; layer++) {
    const inputWidth = layer === 0 ? p.inputSize : p.numDirections * p.hiddenSize;
    for (let direction = 0; direction < p.numDirections; direction++) {
      const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
      const add = (role: ParameterSlot['role'], shape: number[]) =>
        slots.push({ name: role + suffix, layer, direction, role, shape });
      add('weight_ih', [p.hiddenSize, inputWidth]);
      add('weight_hh', [p.hiddenSize, p.hiddenSize]);
      if (p.bias) {
        add('bias_ih', [p.hiddenSize]);
        add('bias_hh', [p.hiddenSize]);
      }
    }
  }
  return slots;
}
