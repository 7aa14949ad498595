// Every kernel path passes the fixtures, and results are the same bits for every thread count.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getKernelPath, getNumThreads, RNN, setKernelPath, setNumThreads, supportedKernelPaths } from '../lib/index';
import type { KernelPath as KernelPathName } from '../lib/index';
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
    expect(() => setKernelPath('sse9' as never)).toThrow("path: expected 'auto', 'avx512', 'avx2', 'neon' or 'portable', got 'sse9'");
  });
});

// Shapes that reach every way a call is shared out: random ones, and one for each schedule (sequences
// split between threads, columns split with a barrier each step, projection run ahead of one thread).
function bitwiseCases(): Array<{ name: string; config: ConstructorParameters<typeof RNN>[0]; steps: number; batch: number; lengths?: number[] }> {
  const cases = [];
  for (let seed = 1; seed <= 8; seed++) {
    const rng = mulberry32(seed * 7919);
    const hidden = 16 + Math.floor(rng() * 300);
    const config = { inputSize: 8 + Math.floor(rng() * 100), hiddenSize: hidden, numLayers: 1 + Math.floor(rng() * 2),
      bidirectional: rng() < 0.5, batchFirst: rng() < 0.5, nonlinearity: rng() < 0.7 ? 'tanh' as const : 'relu' as const, seed };
    const steps = 5 + Math.floor(rng() * 60);
    const batch = 1 + Math.floor(rng() * 40);
    const lengths = rng() < 0.4 ? Array.from({ length: batch }, () => 1 + Math.floor(rng() * steps)) : undefined;
    cases.push({ name: `random config ${seed}`, config, steps, batch, lengths });
  }
  cases.push({ name: 'sequences split', config: { inputSize: 24, hiddenSize: 96, seed: 1 }, steps: 30, batch: 48,
    lengths: Array.from({ length: 48 }, (_, b) => 1 + ((b * 7) % 30)) });
  // Sequences split with each share projecting its own rows: both directions (a reverse one reads
  // each sequence from its end), lengths, batch-first rows, and a second layer reading the first.
  cases.push({ name: 'sequences split, both directions, two layers',
    config: { inputSize: 40, hiddenSize: 72, numLayers: 2, bidirectional: true, batchFirst: true, seed: 4 }, steps: 21, batch: 40,
    lengths: Array.from({ length: 40 }, (_, b) => 1 + ((b * 11) % 21)) });
  cases.push({ name: 'columns split', config: { inputSize: 32, hiddenSize: 320, numLayers: 2, seed: 2 }, steps: 12, batch: 4 });
  cases.push({ name: 'projection ahead', config: { inputSize: 64, hiddenSize: 64, bidirectional: true, seed: 3 }, steps: 600, batch: 1 });
  return cases;
}

function expectSameBitsForThreadCounts(path: KernelPathName): void {
  setKernelPath(path);
  for (const c of bitwiseCases()) {
    const rnn = new RNN(c.config);
    const rng = mulberry32(c.steps * 31 + c.batch);
    const inputSize = c.config.inputSize;
    const x = { data: randomFloat32(rng, c.steps * c.batch * inputSize),
      shape: c.config.batchFirst ? [c.batch, c.steps, inputSize] : [c.steps, c.batch, inputSize] };
    const results = [1, 2, 3].map((threads) => {
      setNumThreads(threads);
      return rnn.forward(x, { lengths: c.lengths });
    });
    for (const [i, other] of results.slice(1).entries()) {
      expectExact(other.output.data, results[0].output.data, `${path} ${c.name}, ${i + 2} threads: output`);
      expectExact(other.hn.data, results[0].hn.data, `${path} ${c.name}, ${i + 2} threads: hn`);
    }
  }
}

describe('results are bitwise identical for 1, 2 and 3 threads', () => {
  // Eleven shapes three times over: seconds under the sanitizers.
  it.each(supportedKernelPaths())('on %s', (path) => expectSameBitsForThreadCounts(path), 60_000);
});

// Another process spinning on a core deschedules helpers mid-call: whoever runs must still produce the
// same bits, and every call must finish.
describe('results are bitwise identical for 1, 2 and 3 threads beside a busy neighbour', () => {
  let neighbour: ChildProcess | undefined;
  beforeAll(async () => {
    neighbour = spawn(process.execPath, ['-e', 'process.stdout.write("spinning\\n"); for (;;) {}'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await once(neighbour.stdout!, 'data');
  });
  afterAll(() => {
    neighbour?.kill('SIGKILL');
  });

  it.each(supportedKernelPaths())('on %s', (path) => {
    expect(neighbour?.exitCode).toBeNull();
    expectSameBitsForThreadCounts(path);
  }, 60_000);
});
