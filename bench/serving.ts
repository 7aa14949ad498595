// What a service sees: how long the event loop is blocked while 8 large forwards run, sync against
// async (perf_hooks.monitorEventLoopDelay), and the batcher's throughput.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type BatchingResult, measureBatching } from './batching-throughput';
import { RNN } from 'vanilla-rnn';
import type { Tensor } from 'vanilla-rnn';

export interface LoopDelay {
  maxMs: number;
  p99Ms: number;
  totalMs: number;
}

export interface ServingReport {
  /** 8 forwards of (T=200, B=8, D=64, H=256), all started at once. */
  sync: LoopDelay;
  async: LoopDelay;
  batching: BatchingResult[];
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

/** The run with the median max delay of `runs`: one slow spell of a shared machine is not the figure. */
async function medianLoop(runs: number, work: () => Promise<unknown>): Promise<LoopDelay> {
  const delays: LoopDelay[] = [];
  for (let i = 0; i < runs; i++) delays.push(await measureLoop(work));
  return delays.sort((a, b) => a.maxMs - b.maxMs)[runs >> 1];
}

export async function measureServing(quick: boolean): Promise<ServingReport> {
  const { rnn, x } = workload();
  rnn.forward(x);
  const runs = quick ? 1 : 5;
  // A handler that runs the forwards itself blocks the loop for all of them.
  const sync = await medianLoop(runs, async () => {
    for (let i = 0; i < CALLS; i++) rnn.forward(x);
  });
  const async = await medianLoop(runs, () => Promise.all(Array.from({ length: CALLS }, () => rnn.forwardAsync(x))));
  return { sync, async, batching: await measureBatching({ quick }) };
}

export function formatServing(report: ServingReport): string[] {
  const row = (name: string, d: LoopDelay) => `| ${name} | ${d.totalMs.toFixed(1)} ms | ${d.maxMs.toFixed(2)} ms | ${d.p99Ms.toFixed(2)} ms |`;
  const lines = ['', `Event loop while ${CALLS} forwards of (T=200, B=8, D=64, H=256) run (perf_hooks.monitorEventLoopDelay; the median of 5 runs):`, '',
    '| calls | all done in | max loop delay | p99 loop delay |', '|---|---:|---:|---:|',
    row(`${CALLS} × forward (sync)`, report.sync), row(`${CALLS} × forwardAsync, concurrent`, report.async)];
  lines.push('', 'Dynamic batching: 256 clients each keep one single-sequence request in flight (D=32, H=64), sequences/s:', '',
    '| requests | createBatcher (64, 2 ms) | one forwardAsync each | batched / unbatched |', '|---|---:|---:|---:|',
    ...report.batching.map(({ workload: w, batchedPerSecond, unbatchedPerSecond, ratio }) => `| ${w.name}, T = ${w.minSteps}..${w.maxSteps} | `
      + `${batchedPerSecond.toFixed(0)} | ${unbatchedPerSecond.toFixed(0)} | ${ratio.toFixed(1)}× |`));
  return lines;
}
