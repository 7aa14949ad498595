// Builds an RNN from a PyTorch fixture (config + state_dict) and runs it on the fixture's input.
import { RNN, type RNNOutput } from '../../lib/index';
import { loadJson, tensorOf, type FixtureTensor } from './fixtures';

export interface TorchFixture {
  name: string;
  config: { inputSize: number; hiddenSize: number; numLayers: number; nonlinearity: 'tanh' | 'relu';
    bias: boolean; batchFirst: boolean; bidirectional: boolean };
  weights: Record<string, FixtureTensor>;
  input: FixtureTensor;
  h0: FixtureTensor | null;
  lengths: number[] | null;
  output: FixtureTensor;
  hn: FixtureTensor;
}

export function loadTorchFixture(file: string): TorchFixture {
  const json = loadJson(`torch/${file}`);
  const weights: Record<string, FixtureTensor> = {};
  for (const [name, tensor] of Object.entries(json.weights)) weights[name] = tensorOf(tensor as never);
  return { name: json.name, config: json.config, weights, input: tensorOf(json.input), h0: tensorOf(json.h0),
    lengths: json.lengths, output: tensorOf(json.output), hn: tensorOf(json.hn) };
}

export function rnnFromFixture(f: TorchFixture): RNN {
  const rnn = new RNN(f.config);
  rnn.loadStateDict(f.weights);
  return rnn;
}

export function runFixture(f: TorchFixture): RNNOutput {
  return rnnFromFixture(f).forward(f.input, { h0: f.h0, lengths: f.lengths });
}

export const isExactFixture = (name: string): boolean => name.startsWith('integer_relu');
