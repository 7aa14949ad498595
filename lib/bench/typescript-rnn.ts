// A plain TypeScript forward pass, written to be read rather than to be fast: the baseline a user
// would write without a native addon. Same semantics as vanilla-rnn's RNN (tanh, PyTorch's weight
// names and layout, time-major input, zero initial state).
import type { Tensor } from '../tensor';
import { type BenchConfig, layerInputSize, numDirections } from './configs';
import type { EngineOutputs } from './engine';

interface DirectionWeights {
  wIh: Float32Array; // [H, In]
  wHh: Float32Array; // [H, H]
  bIh: Float32Array; // [H]
  bHh: Float32Array; // [H]
}

/** h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) for one direction of one layer. */
function runDirection(config: BenchConfig, x: Float32Array, inputSize: number, w: DirectionWeights, direction: number,
  output: Float32Array, finalState: Float32Array): void {
  const { steps, batch, hiddenSize: h } = config;
  const outputWidth = numDirections(config) * h;
  let previous = new Float32Array(batch * h);
  let current = new Float32Array(batch * h);
  for (let s = 0; s < steps; s++) {
    const t = direction === 1 ? steps - 1 - s : s;
    for (let b = 0; b < batch; b++) {
      const xRow = (t * batch + b) * inputSize;
      for (let j = 0; j < h; j++) {
        let sum = w.bIh[j] + w.bHh[j];
        for (let k = 0; k < inputSize; k++) sum += x[xRow + k] * w.wIh[j * inputSize + k];
        for (let k = 0; k < h; k++) sum += previous[b * h + k] * w.wHh[j * h + k];
        const value = Math.tanh(sum);
        current[b * h + j] = value;
        output[(t * batch + b) * outputWidth + direction * h + j] = value;
      }
    }
    [previous, current] = [current, previous];
  }
  finalState.set(previous);
}

function directionWeights(weights: Record<string, Tensor>, layer: number, direction: number): DirectionWeights {
  const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
  return {
    wIh: weights[`weight_ih${suffix}`].data, wHh: weights[`weight_hh${suffix}`].data,
    bIh: weights[`bias_ih${suffix}`].data, bHh: weights[`bias_hh${suffix}`].data,
  };
}

/** The stack's output [T, B, nd·H] and hn [numLayers·nd, B, H], written into `out`. */
export function typescriptRnnForward(config: BenchConfig, weights: Record<string, Tensor>, input: Float32Array,
  out: EngineOutputs): void {
  const nd = numDirections(config);
  const stateSize = config.batch * config.hiddenSize;
  let x = input;
  for (let layer = 0; layer < config.numLayers; layer++) {
    const isLast = layer === config.numLayers - 1;
    const output = isLast ? out.output : new Float32Array(out.output.length);
    for (let direction = 0; direction < nd; direction++) {
      const state = out.hn.subarray((layer * nd + direction) * stateSize, (layer * nd + direction + 1) * stateSize);
      runDirection(config, x, layerInputSize(config, layer), directionWeights(weights, layer, direction), direction,
        output, state);
    }
    x = output;
  }
}
