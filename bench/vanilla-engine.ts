// vanilla-rnn as a user calls it in a hot loop: one RNN, caller-owned output buffers. `library` is
// this checkout's package unless another build is being compared (see against-build.ts).
import * as vanilla from 'vanilla-rnn';
import type { Engine, EngineOutputs } from './engine';
import { outputSize, stateSize, type Workload } from './workload';

export type VanillaLibrary = Pick<typeof vanilla, 'RNN'>;

export function createVanillaEngine(workload: Workload, library: VanillaLibrary = vanilla): Engine {
  const { config } = workload;
  const rnn = new library.RNN({
    inputSize: config.inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers,
    bidirectional: config.bidirectional,
  });
  rnn.loadStateDict(workload.weights);
  const input = { data: workload.input, shape: [config.steps, config.batch, config.inputSize] };
  const out: EngineOutputs = { output: new Float32Array(outputSize(config)), hn: new Float32Array(stateSize(config)) };
  const options = { out };
  return {
    run: () => {
      rnn.forward(input, options);
    },
    outputs: () => out,
    dispose: async () => {},
  };
}
