// A seeded, bounded fuzz suite over every public entry point: each call works or throws an Error
// subclass with a message; none crashes, hangs or allocates without bound.
// VANILLA_RNN_FUZZ_ITERATIONS scales it (default: just over 10,000 calls in a few seconds).
import { afterAll, describe, expect, it } from 'vitest';
import {
  createBatcher, Dense, getNumThreads, RNN, setKernelPath, setNumThreads, SimpleRNN,
} from '../lib/index';
import { between, junk, maybe, pick, seeded, type Rng } from './support/fuzz-values';

const ITERATIONS = Number(process.env.VANILLA_RNN_FUZZ_ITERATIONS ?? 1800);
// A soak (VANILLA_RNN_FUZZ_ITERATIONS=40000) takes longer than vitest's default 5 s per test.
const TEST_TIMEOUT = Math.max(30_000, ITERATIONS * 2);
const counts = { calls: 0, worked: 0, threw: 0, byType: {} as Record<string, number> };

function record(outcome: unknown): void {
  counts.calls++;
  if (outcome === undefined) {
    counts.worked++;
    return;
  }
  counts.threw++;
  expect(outcome).toBeInstanceOf(Error);
  expect((outcome as Error).message.length).toBeGreaterThan(0);
  const type = (outcome as Error).constructor.name;
  counts.byType[type] = (counts.byType[type] ?? 0) + 1;
}

function attempt(call: () => unknown): unknown {
  try {
    call();
    record(undefined);
  } catch (error) {
    record(error);
  }
  return undefined;
}

async function attemptAsync(call: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('fuzz: call did not settle in 10 s')), 10_000); });
  try {
    await Promise.race([call(), timeout]);
    record(undefined);
  } catch (error) {
    if ((error as Error).message.startsWith('fuzz: call did not settle')) throw error;
    record(error);
  } finally {
    clearTimeout(timer);
  }
}

function validOptions(rng: Rng) {
  return { inputSize: between(rng, 1, 6), hiddenSize: between(rng, 1, 8), numLayers: between(rng, 1, 2),
    bidirectional: rng() < 0.3, batchFirst: rng() < 0.5, nonlinearity: pick(rng, ['tanh', 'relu'] as const) };
}

function fuzzOptions(rng: Rng): Record<string, unknown> {
  const options: Record<string, unknown> = validOptions(rng);
  const keys = ['inputSize', 'hiddenSize', 'numLayers', 'bidirectional', 'batchFirst', 'nonlinearity', 'bias', 'direction',
    'activations', 'clip', 'layout', 'seed', 'bogus'];
  for (let i = between(rng, 0, 2); i > 0; i--) options[pick(rng, keys)] = junk(rng);
  if (rng() < 0.1) options.activations = [pick(rng, ['Elu', 'HardSigmoid', 'x', { name: 'Affine', alpha: junk(rng) }])];
  return options;
}

function inputFor(rnn: RNN, rng: Rng): unknown {
  const { inputSize, batchFirst } = rnn.config;
  const steps = between(rng, 0, 5);
  const batch = between(rng, 0, 3);
  const shape = rng() < 0.2 ? [steps, inputSize] : batchFirst ? [batch, steps, inputSize] : [steps, batch, inputSize];
  return { data: new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => rng() * 2 - 1), shape };
}

function forwardOptions(rnn: RNN, rng: Rng): unknown {
  const options: Record<string, unknown> = {};
  if (rng() < 0.3) options.h0 = junk(rng);
  if (rng() < 0.3) options.lengths = rng() < 0.5 ? [between(rng, -1, 6), between(rng, 0, 6)] : junk(rng);
  if (rng() < 0.2) options.out = rng() < 0.5 ? { output: junk(rng), hn: junk(rng) } : junk(rng);
  if (rng() < 0.05) options.extra = 1;
  return rng() < 0.05 ? junk(rng) : options;
}

describe('fuzz', () => {
  const threads = getNumThreads();
  afterAll(() => {
    setNumThreads(threads);
    setKernelPath('auto');
    console.log(`fuzz: ${counts.calls} calls, ${counts.worked} worked, ${counts.threw} threw ${JSON.stringify(counts.byType)}`);
  });

  it('RNN: constructor, loadStateDict, forward, streams', () => {
    const rng = seeded(1);
    for (let i = 0; i < ITERATIONS; i++) {
      let rnn: RNN | undefined;
      attempt(() => { rnn = new RNN((rng() < 0.05 ? junk(rng) : fuzzOptions(rng)) as never); });
      if (!rnn) rnn = new RNN(validOptions(rng) as never);
      const model = rnn;
      const dict: Record<string, unknown> = { ...model.stateDict() };
      if (rng() < 0.5) dict[pick(rng, Object.keys(dict))] = junk(rng);
      if (rng() < 0.2) delete dict[pick(rng, Object.keys(dict))];
      if (rng() < 0.1) dict.weight_ih_l9 = junk(rng);
      attempt(() => model.loadStateDict((rng() < 0.05 ? junk(rng) : dict) as never));
      attempt(() => model.forward(maybe(rng, () => inputFor(model, rng)) as never, forwardOptions(model, rng) as never));
      attempt(() => {
        const stream = model.createStream(maybe(rng, () => ({ batchSize: between(rng, 1, 3) })) as never);
        stream.push(maybe(rng, () => inputFor(model, rng)) as never);
        stream.reset(rng() < 0.5 ? undefined : junk(rng) as never);
      });
    }
  }, TEST_TIMEOUT);

  it('forwardAsync', async () => {
    const rng = seeded(2);
    for (let i = 0; i < ITERATIONS / 4; i++) {
      const rnn = new RNN(validOptions(rng) as never);
      const options = forwardOptions(rnn, rng) as Record<string, unknown> | undefined;
      if (options && typeof options === 'object' && 'out' in options) delete options.out;
      if (options && typeof options === 'object' && rng() < 0.1) options.signal = rng() < 0.5 ? AbortSignal.abort() : junk(rng);
      await attemptAsync(() => rnn.forwardAsync(maybe(rng, () => inputFor(rnn, rng)) as never, options as never));
    }
  }, TEST_TIMEOUT);

  it('the batcher', async () => {
    const rng = seeded(5);
    for (let i = 0; i < ITERATIONS / 20; i++) {
      const rnn = new RNN(validOptions(rng) as never);
      let batcher: ReturnType<typeof createBatcher> | undefined;
      attempt(() => { batcher = createBatcher(rnn, maybe(rng, () => ({ maxBatchSize: between(rng, 1, 8), maxDelayMs: between(rng, 0, 2) })) as never); });
      const live = batcher ?? createBatcher(rnn);
      const requests = Array.from({ length: between(rng, 1, 12) }, () => attemptAsync(() => live.run(
        maybe(rng, () => { const steps = between(rng, 1, 4); return { data: new Float32Array(steps * rnn.config.inputSize), shape: [steps, rnn.config.inputSize] }; }) as never,
        maybe(rng, () => ({ h0: rng() < 0.5 ? junk(rng) : undefined, signal: rng() < 0.2 ? AbortSignal.abort() : undefined })) as never)));
      await Promise.all(requests);
      await live.close();
      await attemptAsync(() => live.run([[1]]));
    }
  }, TEST_TIMEOUT);

  it('SimpleRNN and Dense', () => {
    const rng = seeded(3);
    for (let i = 0; i < ITERATIONS; i++) {
      const units = between(rng, 1, 5);
      attempt(() => {
        const layer = new SimpleRNN(maybe(rng, () => ({ units, activation: pick(rng, ['tanh', 'selu', 'linear', 'nope']),
          goBackwards: rng() < 0.5, returnSequences: rng() < 0.5, returnState: rng() < 0.5 })) as never);
        if (rng() < 0.5) layer.setWeights([maybe(rng, () => ({ data: new Float32Array(3 * units), shape: [3, units] })), junk(rng), junk(rng)] as never);
        layer.call(maybe(rng, () => ({ data: new Float32Array(2 * 4 * 3), shape: [2, 4, 3] })) as never,
          maybe(rng, () => ({ mask: rng() < 0.5 ? junk(rng) : undefined, initialState: rng() < 0.5 ? junk(rng) : undefined })) as never);
      });
      attempt(() => {
        const dense = new Dense(maybe(rng, () => ({ units, activation: pick(rng, ['softmax', 'relu', 'gelu']) })) as never);
        if (rng() < 0.5) dense.setWeights([junk(rng), junk(rng)] as never);
        dense.call(maybe(rng, () => ({ data: new Float32Array(6), shape: [2, 3] })) as never);
      });
    }
  }, TEST_TIMEOUT);

  it('runtime settings', () => {
    const rng = seeded(4);
    for (let i = 0; i < ITERATIONS / 2; i++) {
      attempt(() => setNumThreads(maybe(rng, () => between(rng, 1, 3), 0.5) as never));
      attempt(() => setKernelPath(maybe(rng, () => pick(rng, ['auto', 'portable', 'avx2', 'avx512', 'sse']), 0.5) as never));
    }
    setNumThreads(threads);
    setKernelPath('auto');
    expect(counts.calls).toBeGreaterThanOrEqual(ITERATIONS >= 1800 ? 10_000 : 0);
  }, TEST_TIMEOUT);
});
