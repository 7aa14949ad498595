// The addon is context-aware: it loads in worker_threads at once, each computing correct results,
// weights move between threads over SharedArrayBuffers, and terminating a busy worker is safe.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { RNN, type Tensor } from '../lib/index';
import { expectClose, expectExact } from './support/fixtures';
import { loadTorchFixture, rnnFromFixture } from './support/torch-fixture';

const ENTRY = path.resolve(__dirname, '..', 'dist', 'index.js');

// The worker script runs the compiled package (dist/), as a user's worker would.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { RNN } = require(workerData.entry);
parentPort.on('message', (job) => {
  if (job.spin) { const rnn = new RNN({ inputSize: 64, hiddenSize: 512, seed: 1 });
    const x = { data: new Float32Array(400 * 16 * 64).fill(0.01), shape: [400, 16, 64] };
    parentPort.postMessage('spinning'); for (;;) rnn.forward(x); }
  const rnn = new RNN(job.config);
  rnn.loadStateDict(job.weights);
  const out = job.out ? { output: job.out } : undefined;
  const { output, hn } = rnn.forward(job.input, { h0: job.h0, out });
  rnn.forwardAsync(job.input, { h0: job.h0 }).then((async) => parentPort.postMessage({ output, hn, asyncOutput: async.output }));
});`;

function startWorker(): Worker {
  return new Worker(WORKER_SOURCE, { eval: true, workerData: { entry: ENTRY } });
}

function runInWorker(worker: Worker, job: unknown): Promise<{ output: Tensor; hn: Tensor; asyncOutput: Tensor }> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage(job);
  });
}

function shared(t: Tensor): Tensor {
  const data = new Float32Array(new SharedArrayBuffer(t.data.byteLength));
  data.set(t.data);
  return { data, shape: t.shape };
}

describe('worker_threads', () => {
  it('4 workers and the main thread compute the fixture at once, weights shared without copies', async () => {
    const f = loadTorchFixture('three_layers_bidirectional.json');
    const weights = Object.fromEntries(Object.entries(rnnFromFixture(f).stateDict()).map(([k, t]) => [k, shared(t)]));
    const workers = Array.from({ length: 4 }, startWorker);
    try {
      const outputs = workers.map(() => new Float32Array(new SharedArrayBuffer(f.output.data.byteLength)));
      const results = await Promise.all(workers.map((w, i) => runInWorker(w, { config: f.config, weights, input: shared(f.input), h0: f.h0, out: outputs[i] })));
      const main = new RNN(f.config);
      main.loadStateDict(weights);
      expectClose(main.forward(f.input).output.data, f.output.data, 'main thread');
      results.forEach((r, i) => {
        expectClose(r.output.data, f.output.data, `worker ${i} output`);
        expectClose(r.hn.data, f.hn.data, `worker ${i} hn`);
        expectExact(r.asyncOutput.data, r.output.data, `worker ${i} async`);
        expectClose(outputs[i], f.output.data, `worker ${i} wrote its SharedArrayBuffer out buffer`);
      });
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });

  it('a worker terminated in the middle of a call neither crashes nor stops the others', async () => {
    const busy = startWorker();
    await new Promise<void>((resolve) => { busy.once('message', () => resolve()); busy.postMessage({ spin: true }); });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await busy.terminate()).toBe(1);
    const f = loadTorchFixture('tanh_small.json');
    const worker = startWorker();
    try {
      const result = await runInWorker(worker, { config: f.config, weights: f.weights, input: f.input, h0: null });
      expectClose(result.output.data, f.output.data, 'output after a termination');
    } finally {
      await worker.terminate();
    }
  });
});
