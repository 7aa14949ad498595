// The bench's batching figures. 256 clients each send their next single-sequence request as soon
// as the last is answered, as a service holding 256 requests in flight does, through the batcher
// and with one forwardAsync per request; the two take turns in rounds, so a slow spell of a shared
// machine falls on both. Sequences are short online requests, and longer ones for contrast.
import { createBatcher } from 'vanilla-rnn';
import { RNN } from 'vanilla-rnn';
import type { Tensor } from 'vanilla-rnn';

export interface BatchingWorkload {
  name: string;
  minSteps: number;
  maxSteps: number;
  inputSize: number;
  hiddenSize: number;
}

export const BATCHING_WORKLOADS: readonly BatchingWorkload[] = [
  { name: 'short requests', minSteps: 1, maxSteps: 16, inputSize: 32, hiddenSize: 64 },
  { name: 'longer sequences', minSteps: 10, maxSteps: 40, inputSize: 32, hiddenSize: 64 },
];

export interface BatchingResult {
  workload: BatchingWorkload;
  batchedPerSecond: number;
  unbatchedPerSecond: number;
  ratio: number;
}

const CLIENTS = 256;

function sequences(w: BatchingWorkload): Tensor[] {
  return Array.from({ length: CLIENTS }, (_, i) => {
    const steps = w.minSteps + (i % (w.maxSteps - w.minSteps + 1));
    return { data: Float32Array.from({ length: steps * w.inputSize }, (_, j) => Math.sin(i + j)), shape: [steps, w.inputSize] };
  });
}

/** Requests answered per second while CLIENTS clients keep one request each in flight. */
async function answeredPerSecond(seconds: number, send: (client: number) => Promise<unknown>): Promise<number> {
  let answered = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    while (performance.now() < end) {
      await send(client);
      answered++;
    }
  }));
  return answered / ((performance.now() - start) / 1000);
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

async function measureWorkload(workload: BatchingWorkload, quick: boolean): Promise<BatchingResult> {
  const rnn = new RNN({ inputSize: workload.inputSize, hiddenSize: workload.hiddenSize, seed: 1 });
  const inputs = sequences(workload);
  const batcher = createBatcher(rnn, { maxBatchSize: 64, maxDelayMs: 2 });
  const rounds = quick ? 1 : 3;
  const seconds = quick ? 0.1 : 1;
  const batched: number[] = [];
  const unbatched: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      batched.push(await answeredPerSecond(seconds, (client) => batcher.run(inputs[client])));
      unbatched.push(await answeredPerSecond(seconds, (client) => rnn.forwardAsync(inputs[client])));
    }
  } finally {
    await batcher.close();
  }
  const result = { workload, batchedPerSecond: median(batched), unbatchedPerSecond: median(unbatched) };
  return { ...result, ratio: result.batchedPerSecond / result.unbatchedPerSecond };
}

export async function measureBatching(options: { quick: boolean }): Promise<BatchingResult[]> {
  const results: BatchingResult[] = [];
  for (const workload of BATCHING_WORKLOADS) results.push(await measureWorkload(workload, options.quick));
  return results;
}
