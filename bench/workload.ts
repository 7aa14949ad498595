// What every engine computes for a config: the same weights (PyTorch's initialisation, seeded) and
// the same input, so their outputs can be compared.
import { mulberry32 } from '../test/support/random';
import { RNN } from 'vanilla-rnn';
import type { Tensor } from 'vanilla-rnn';
import { type BenchConfig, numDirections } from './configs';

export interface Workload {
  config: BenchConfig;
  /** PyTorch state_dict names -> tensors. */
  weights: Record<string, Tensor>;
  /** [T, B, D], uniform in [-1, 1). */
  input: Float32Array;
}

const WEIGHT_SEED = 5;
const INPUT_SEED = 7;

export function createWorkload(config: BenchConfig): Workload {
  const rnn = new RNN({
    inputSize: config.inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers,
    bidirectional: config.bidirectional, seed: WEIGHT_SEED,
  });
  const uniform = mulberry32(INPUT_SEED);
  const input = new Float32Array(config.steps * config.batch * config.inputSize);
  for (let i = 0; i < input.length; i++) input[i] = uniform() * 2 - 1;
  return { config, weights: rnn.stateDict(), input };
}

export function outputSize(config: BenchConfig): number {
  return config.steps * config.batch * numDirections(config) * config.hiddenSize;
}

export function stateSize(config: BenchConfig): number {
  return config.numLayers * numDirections(config) * config.batch * config.hiddenSize;
}
