// The bench's batching figure: 256 concurrent single-sequence requests (T = 10..40, D = 32,
// H = 64: online requests, where a call's fixed cost is comparable to its work), through the
// batcher against one forwardAsync per request.
import { createBatcher } from '../batcher';
import { RNN } from '../rnn';
import type { Tensor } from '../tensor';

const REQUESTS = 256;

function sequences(inputSize: number): Tensor[] {
  return Array.from({ length: REQUESTS }, (_, i) => {
    const steps = 10 + (i % 31);
    return { data: Float32Array.from({ length: steps * inputSize }, (_, j) => Math.sin(i + j)), shape: [steps, inputSize] };
  });
}

async function perSecond(rounds: number, round: () => Promise<unknown>): Promise<number> {
  await round();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await round();
  return (rounds * REQUESTS) / ((performance.now() - start) / 1000);
}

export async function measureBatcherThroughput(options: { quick: boolean }): Promise<{ batchedPerSecond: number; unbatchedPerSecond: number }> {
  const rnn = new RNN({ inputSize: 32, hiddenSize: 64, seed: 1 });
  const inputs = sequences(32);
  const rounds = options.quick ? 2 : 10;
  const batcher = createBatcher(rnn, { maxBatchSize: 64, maxDelayMs: 2 });
  const batchedPerSecond = await perSecond(rounds, () => Promise.all(inputs.map((x) => batcher.run(x))));
  await batcher.close();
  const unbatchedPerSecond = await perSecond(rounds, () => Promise.all(inputs.map((x) => rnn.forwardAsync(x))));
  return { batchedPerSecond, unbatchedPerSecond };
}
