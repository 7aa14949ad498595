// Every Keras SimpleRNN fixture (TF.js 4.22, Keras semantics) through the SimpleRNN and Dense layers.
import { describe, expect, it } from 'vitest';
import { Dense, SimpleRNN } from '../lib/index';
import { expectClose, listFixtures, loadJson, tensorOf } from './support/fixtures';

describe('Keras SimpleRNN fixtures', () => {
  for (const file of listFixtures('keras')) {
    it(file.replace(/\.json$/, ''), () => {
      const f = loadJson(`keras/${file}`);
      const layer = new SimpleRNN(f.config);
      const names = f.config.useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel'];
      layer.setWeights(names.map((name) => tensorOf(f.weights[name])));
      const { output, state } = layer.call(tensorOf(f.input), { initialState: tensorOf(f.initialState), mask: f.mask ?? null });
      expect(output.shape).toEqual(f.output.shape);
      expectClose(output.data, tensorOf(f.output).data, 'output');
      if (f.state) expectClose(state!.data, tensorOf(f.state).data, 'state');
      else expect(state).toBeUndefined();
      if (f.dense) {
        const dense = new Dense({ units: f.dense.units });
        dense.setWeights([tensorOf(f.dense.kernel), tensorOf(f.dense.bias)]);
        expectClose(dense.call(output).data, tensorOf(f.dense.output).data, 'dense output');
      }
    });
  }
});
