// `vanilla-rnn demo`: runs the built-in example models and prints inputs, outputs and timings.
import { performance } from 'node:perf_hooks';
import { RNN, type Tensor } from '../index';
import { DEMO_MODELS, type DemoModel } from './demo-models';

const TIMED_RUNS = 1000;

function rows(t: Tensor, first: number, count: number): number[][] {
  const width = t.shape[t.shape.length - 1];
  return Array.from({ length: count }, (_, r) => Array.from(t.data.subarray((first + r) * width, (first + r + 1) * width)));
}

function formatRow(row: number[]): string {
  return `[${row.map((v) => (Number.isInteger(v) ? String(v) : v.toFixed(4))).join(', ')}]`;
}

/** Sequence b's rows of a [T, B, W] or [B, T, W] tensor. */
function sequence(t: Tensor, b: number, batchFirst: boolean): number[][] {
  const [first, second] = t.shape;
  if (batchFirst) return rows(t, b * second, second);
  return Array.from({ length: first }, (_, step) => rows(t, step * second + b, 1)[0]);
}

function medianMicroseconds(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const start = performance.now();
    run();
    times.push((performance.now() - start) * 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function runOne(model: DemoModel, print: (line: string) => void): void {
  const rnn = new RNN(model.options);
  rnn.loadStateDict(Object.fromEntries(Object.entries(model.weights).map(([k, v]) => [k, Float32Array.from(v)])));
  const start = performance.now();
  const { output, hn } = rnn.forward(model.input);
  const firstCallUs = (performance.now() - start) * 1000;
  const batchFirst = model.options.batchFirst ?? false;
  const batch = model.input.shape[batchFirst ? 0 : 1];
  print(`\n${model.title}\n  ${model.story}`);
  for (let b = 0; b < batch; b++) {
    const input = sequence(model.input, b, batchFirst);
    const shown = model.describeSequence ? model.describeSequence(input) : input.map(formatRow).join(' ');
    print(`  sequence ${b}: input ${shown}`);
    print(`              output ${sequence(output, b, batchFirst).map(formatRow).join(' ')}`);
    print(`              hn     ${formatRow(rows(hn, b, 1)[0])}`);
  }
  const median = medianMicroseconds(() => rnn.forward(model.input));
  print(`  time: first call ${firstCallUs.toFixed(1)} µs, median of ${TIMED_RUNS} calls ${median.toFixed(2)} µs`);
}

export function runDemo(print: (line: string) => void = console.log): void {
  print('vanilla-rnn demo: built-in models, PyTorch nn.RNN semantics, native kernel on OpenBLAS');
  for (const model of DEMO_MODELS) runOne(model, print);
}
