// What a service sees: how long the event loop is blocked while 8 large forwards run, sync against
// async (perf_hooks.monitorEventLoopDelay), and, when the batcher exists, its throughput.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RNN } from '../rnn';
import type { Tensor } from '../tensor';

export interface LoopDelay {
  maxMs: number;
  p99Ms: number;
  totalMs: number;
}

export interface ServingReport {
  /** 8 forwards of (T=200, B=8, D=64, H=256), all started at once. */
  sync: LoopDelay;
  async: LoopDelay;
  batcher?: { batchedPerSecond: number; unbatchedPerSecond: number; ratio: number };
}

const CALLS = 8;

async function measureLoop(work: () => Promise<unknown>): Promise<LoopDelay> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const ticker = setInterval(() => {}, 1); // keeps the loop turning so every block is sampled
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, 5)); // the monitor's timer must be running first
  const start = performance.now();
  await work();
  const totalMs = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 5));
  histogram.disable();
  clearInterval(ticker);
  return { maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6, totalMs };
}

function workload(): { rnn: RNN; x: Tensor } {
  const rnn = new RNN({ inputSize: 64, hiddenSize: 256, seed: 1 });
  const data = Float32Array.from({ length: 200 * 8 * 64 }, (_, i) => Math.sin(i));
  return { rnn, x: { data, shape: [200, 8, 64] } };
}

async function batcherThroughput(quick: boolean): Promise<ServingReport['batcher']> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { measureBatcherThroughput } = require('../batching/throughput') as {
      measureBatcherThroughput: (options: { quick: boolean }) => Promise<{ batchedPerSecond: number; unbatchedPerSecond: number }>;
    };
    const result = await measureBatcherThroughput({ quick });
    return { ...result, ratio: result.batchedPerSecond / result.unbatchedPerSecond };
  } catch {
    return undefined;
  }
}

export async function measureServing(quick: boolean): Promise<ServingReport> {
  const { rnn, x } = workload();
  rnn.forward(x);
  // A handler that runs the forwards itself blocks the loop for all of them.
  const sync = await measureLoop(async () => {
    for (let i = 0; i < CALLS; i++) rnn.forward(x);
  });
  const async = await measureLoop(() => Promise.all(Array.from({ length: CALLS }, () => rnn.forwardAsync(x))));
  const batcher = await batcherThroughput(quick);
  return batcher ? { sync, async, batcher } : { sync, async };
}

export function formatServing(report: ServingReport): string[] {
  const row = (name: string, d: LoopDelay) => `| ${name} | ${d.totalMs.toFixed(1)} ms | ${d.maxMs.toFixed(2)} ms | ${d.p99Ms.toFixed(2)} ms |`;
  const lines = ['', `Event loop while ${CALLS} forwards of (T=200, B=8, D=64, H=256) run (perf_hooks.monitorEventLoopDelay):`, '',
    '| calls | all done in | max loop delay | p99 loop delay |', '|---|---:|---:|---:|',
    row(`${CALLS} × forward (sync)`, report.sync), row(`${CALLS} × forwardAsync, concurrent`, report.async)];
  if (report.batcher) {
    const b = report.batcher;
    lines.push('', `Dynamic batching, 256 concurrent single-sequence requests: ${b.batchedPerSecond.toFixed(0)} sequences/s batched against `
      + `${b.unbatchedPerSecond.toFixed(0)} with one forwardAsync per request (${b.ratio.toFixed(1)}×).`);
  }
  return lines;
}
