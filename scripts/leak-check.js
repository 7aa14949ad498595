#!/usr/bin/env node
// Leak check: many forward calls, model builds + loads, and thrown errors must keep RSS flat.
// Usage: node --expose-gc scripts/leak-check.js [forwardCalls=200000]
// Model builds and errors are forwardCalls / 20 each (10,000 for the default). A first round of the
// same size sets the high-water mark (allocator pools, V8's heap); the second must not grow RSS by
// more than 64 MiB: far above allocator noise (a few MiB), far below what a leak of one output
// buffer per call would add (200,000 x 2 KiB = 400 MiB) or of one model per build (10,000 x 38 KiB).
// The loop yields now and then, because Node runs the finalizers of collected objects on the loop.
'use strict';

const path = require('node:path');
const { RNN } = require(path.resolve(__dirname, '..', 'dist', 'index.js'));

const forwardCalls = Number(process.argv[2] ?? 200000);
const otherCalls = Math.max(1, Math.floor(forwardCalls / 20));
const BOUND_MIB = 64;

const mib = (bytes) => bytes / (1 << 20);
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function settledRss() {
  for (let i = 0; i < 4; i++) {
    if (global.gc) global.gc();
    await tick();
  }
  return process.memoryUsage().rss;
}

async function round(count) {
  const rnn = new RNN({ inputSize: 16, hiddenSize: 32, numLayers: 2, bidirectional: true, seed: 1 });
  const x = { data: new Float32Array(10 * 2 * 16).fill(0.1), shape: [10, 2, 16] };
  for (let i = 0; i < count; i++) rnn.forward(x, { lengths: i % 2 ? [10, 7] : null });
  const dict = rnn.stateDict();
  for (let i = 0; i < count / 20; i++) {
    new RNN({ inputSize: 16, hiddenSize: 32, numLayers: 2, bidirectional: true, seed: i }).loadStateDict(dict);
    if (i % 100 === 0) await tick();
  }
  for (let i = 0; i < count / 20; i++) {
    try {
      rnn.forward({ data: new Float32Array(5), shape: [5, 1, 1] });
    } catch {
      // expected: a RangeError every time
    }
  }
}

async function main() {
  await round(forwardCalls); // warm-up: workspaces, JIT, allocator pools, the heap's high-water mark
  const before = await settledRss();
  await round(forwardCalls);
  const after = await settledRss();
  const growth = mib(after - before);
  console.log(`leak check: ${forwardCalls} forward calls, ${otherCalls} model builds + loads, ${otherCalls} thrown errors; `
    + `RSS ${mib(before).toFixed(1)} MiB -> ${mib(after).toFixed(1)} MiB (growth ${growth.toFixed(1)} MiB, bound ${BOUND_MIB} MiB)`);
  process.exitCode = growth <= BOUND_MIB ? 0 : 1;
}

void main();
