// Every kernel path passes the fixtures, and results are the same bits
// for every thread count.
import { afterAll, describe, expect, it } from 'vitest';
import { getKernelPath, getNumThreads, RNN, setKernelPath, setNumThreads, supportedKernelPaths } from '../lib/index';
import { expectClose, expectExact, listFixtures, mulberry32, randomFloat32 } from './support/fixtures';
import { isExactFixture, loadTorchFixture, runFixture } from './support/torch-fixture';

const initialThreads = getNumThreads();
afterAll(() => {
  setKernelPath('auto');
  setNumThreads(initialThreads);
});

describe.each(supportedKernelPaths())('kernel path %s', (path) => {
  for (const file of listFixtures('torch')) {
    it(`passes ${file}`, () => {
      setKernelPath(path);
      expect(getKernelPath()).toBe(path);
      const fixture = loadTorchFixture(file);
      const { output, hn } = runFixture(fixture);
      const compare = isExactFixture(fixture.name) ? expectExact : expectClose;
      compare(output.data, fixture.output.data, `${path} ${fixture.name} output`);
      compare(hn.data, fixture.hn.data, `${path} ${fixture.name} hn`);
    });
  }
});

describe('the portable path exists everywhere', () => {
  it('is listed and refuses unknown names', () => {
    expect(supportedKernelPaths()).toContain('portable');
    expect(() => setKernelPath('sse9' as never)).toThrow("path: expected 'auto', 'avx512', 'avx2' or 'portable', got 'sse9'");
  });
});

describe('results are bitwise identical for 1, 2 and 3 threads', () => {
  // Sizes large enough that the pass really splits: projection tasks, bidirectional teams, column splits.
  for (let seed = 1; seed <= 8; seed++) {
    it(`random config ${seed}`, () => {
      setKernelPath('auto');
      const rng = mulberry32(seed * 7919);
      const hidden = 16 + Math.floor(rng() * 300);
      const config = { inputSize: 8 + Math.floor(rng() * 100), hiddenSize: hidden, numLayers: 1 + Math.floor(rng() * 2),
        bidirectional: rng() < 0.5, batchFirst: rng() < 0.5, nonlinearity: rng() < 0.7 ? 'tanh' as const : 'relu' as const, seed };
      const steps = 5 + Math.floor(rng() * 60);
      const batch = 1 + Math.floor(rng() * 40);
      const x = { data: randomFloat32(rng, steps * batch * config.inputSize), shape: config.batchFirst ? [batch, steps, config.inputSize] : [steps, batch, config.inputSize] };
      const lengths = rng() < 0.4 ? Array.from({ length: batch }, () => 1 + Math.floor(rng() * steps)) : undefined;
      const rnn = new RNN(config);
      const results = [1, 2, 3].map((threads) => {
        setNumThreads(threads);
        return rnn.forward(x, { lengths });
      });
      for (const other of results.slice(1)) {
        expectExact(other.output.data, results[0].output.data, `output ${JSON.stringify(config)}`);
        expectExact(other.hn.data, results[0].hn.data, 'hn');
      }
    });
  }
});
