// vanilla-rnn as a user calls it: one RNN, and each call allocating its outputs (as onnxruntime's
// session.run does), since that is what a call costs a caller who keeps no buffers of their own.
// `library` is this checkout's package unless another build is being compared (see against-build.ts).
import * as vanilla from 'vanilla-rnn';
import type { Engine, EngineOutputs } from './engine';
import type { Workload } from './workload';

export type VanillaLibrary = Pick<typeof vanilla, 'RNN'>;

export function createVanillaEngine(workload: Workload, library: VanillaLibrary = vanilla): Engine {
  const { config } = workload;
  const rnn = new library.RNN({
    inputSize: config.inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers,
    bidirectional: config.bidirectional,
  });
  rnn.loadStateDict(workload.weights);
  const input = { data: workload.input, shape: [config.steps, config.batch, config.inputSize] };
  let last: EngineOutputs = { output: new Float32Array(0), hn: new Float32Array(0) };
  return {
    run: () => {
      const { output, hn } = rnn.forward(input);
      last = { output: output.data, hn: hn.data };
    },
    outputs: () => last,
    dispose: async () => {},
  };
}
