// A plain TypeScript loop as an engine: the tests' reference forward pass (test/support/reference.ts),
// the baseline a user would write without a native addon.
import type { Tensor } from 'vanilla-rnn';
import { referenceForward, type RefDirectionWeights } from '../test/support/reference';
import { type BenchConfig, numDirections } from './configs';
import type { Engine, EngineOutputs } from './engine';
import { outputSize, stateSize, type Workload } from './workload';

function referenceWeights(config: BenchConfig, weights: Record<string, Tensor>): RefDirectionWeights[][] {
  return Array.from({ length: config.numLayers }, (_, layer) => Array.from({ length: numDirections(config) }, (_, direction) => {
    const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
    return {
      wIh: weights[`weight_ih${suffix}`].data, wHh: weights[`weight_hh${suffix}`].data,
      bIh: weights[`bias_ih${suffix}`].data, bHh: weights[`bias_hh${suffix}`].data,
    };
  }));
}

export function createTypescriptEngine(workload: Workload): Engine {
  const { config, input } = workload;
  const weights = referenceWeights(config, workload.weights);
  const refConfig = {
    inputSize: config.inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers,
    direction: config.bidirectional ? 'bidirectional' as const : 'forward' as const,
    activations: [{ name: 'tanh' }], batchFirst: false,
  };
  const out: EngineOutputs = { output: new Float32Array(outputSize(config)), hn: new Float32Array(stateSize(config)) };
  return {
    run: () => {
      const { output, hn } = referenceForward(refConfig, weights, input, config.steps, config.batch);
      out.output.set(output);
      out.hn.set(hn);
    },
    outputs: () => out,
    dispose: async () => {},
  };
}
