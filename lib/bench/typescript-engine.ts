// The plain TypeScript loop as an engine.
import type { Engine, EngineOutputs } from './engine';
import { typescriptRnnForward } from './typescript-rnn';
import { outputSize, stateSize, type Workload } from './workload';

export function createTypescriptEngine(workload: Workload): Engine {
  const { config, weights, input } = workload;
  const out: EngineOutputs = { output: new Float32Array(outputSize(config)), hn: new Float32Array(stateSize(config)) };
  return {
    run: () => typescriptRnnForward(config, weights, input, out),
    outputs: () => out,
    dispose: async () => {},
  };
}
