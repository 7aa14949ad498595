#!/usr/bin/env node
// Leak check over the compiled package (dist/): N forward calls of every kind (sync with fresh
// outputs, sync into caller-owned buffers, stream pushes, forwardAsync, batcher runs), N/20 model
// builds (new RNN + loadStateDict, and loadModel of a fixture file when dist exports loadModel),
// and N/20 thrown errors or rejections of every kind (JS checks, the addon's own checks, async
// rejections, aborts of queued and running work, failed loads). RSS is measured after a warm-up
// round and again after the measured round, both after full garbage collections.
//
// Usage: node [--expose-gc] scripts/leak-check.js [--forwards N] [--builds N] [--errors N]
//                                                       [--warmup F] [--bound-mib M] [--shared-signal 1]
//        (or VANILLA_RNN_LEAK_FORWARDS / _BUILDS / _ERRORS / _WARMUP / _BOUND_MIB; it re-runs itself
//        with --expose-gc when needed). Defaults: 200,000 forwards, 10,000 builds, 10,000 errors,
//        a warm-up round of the same size (F = 1), bound 64 MiB. Exit code 0 within the bound, 1 past it.
//
// The bound, 64 MiB of RSS growth between the end of the warm-up and the end of the measured round:
// - above the noise: the warm-up round is as large as the measured one, so allocator pools, V8's
//   heap and the models' workspaces have reached their high-water mark before the first measure;
//   what is left is fragmentation, malloc arenas of the thread pool and V8 heap sizing (measured on
//   the development machine: -6 to +27 MiB over runs of 4,000 to 200,000 forward calls);
// - below any leak that matters: every call carries enough memory that losing it once per call
//   crosses the bound. A forward call's results are 6 KiB (output [10, 2, 64] + hn [4, 2, 32]
//   floats): 200,000 leaked results would be 1.2 GiB, and a leak of 336 bytes per call is enough
//   to fail. A model is 55 KiB of weights (2 layers, bidirectional, H = 32): 10,000 leaked models
//   would be 540 MiB. Every error call carries a 64 KiB input (or a 4 KiB weight tensor for loads)
//   that a leaking error path (a copy made, then not freed when the call fails) would lose: 640 MiB.
// Leaks smaller than that per call (a message string) are LeakSanitizer's job: npm run test:asan.
//
// --shared-signal 1 passes one long-lived AbortSignal to every batcher.run, as a service does with a
// shutdown or per-connection signal. This was a leak (batcher.run never removed its 'abort'
// listener, so the signal kept every request, its input copy and its result: +283 MiB and 40x
// slower over 200,000 calls); it is fixed, and this option keeps the scenario checkable.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

if (typeof global.gc !== 'function') {
  const child = spawnSync(process.execPath, ['--expose-gc', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const root = path.resolve(__dirname, '..');
const lib = require(path.join(root, 'dist', 'index.js'));
const { RNN } = lib;

function option(name, fallback) {
  const flag = process.argv.indexOf(`--${name}`);
  const env = process.env[`VANILLA_RNN_LEAK_${name.toUpperCase().replace(/-/g, '_')}`];
  const value = flag >= 0 ? process.argv[flag + 1] : env;
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new RangeError(`--${name}: expected a non-negative number, got ${value}`);
  return number;
}

const FORWARDS = Math.floor(option('forwards', 200_000));
const BUILDS = Math.floor(option('builds', Math.floor(FORWARDS / 20)));
const ERRORS = Math.floor(option('errors', Math.floor(FORWARDS / 20)));
const WARMUP = option('warmup', 1);
const BOUND_MIB = option('bound-mib', 64);
const SHARED_SIGNAL = option('shared-signal', 0) > 0 ? new AbortController().signal : null;

const MiB = 2 ** 20;
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function settledMemory() {
  // Collected ObjectWraps and ArrayBuffers are finalized on the event loop: alternate gc and ticks.
  for (let i = 0; i < 6; i++) {
    global.gc();
    await tick();
  }
  return process.memoryUsage();
}

// ---- the workload -------------------------------------------------------------------------

const CONFIG = { inputSize: 16, hiddenSize: 32, numLayers: 2, bidirectional: true, seed: 1 };
const T = 10;
const B = 2;
const ERROR_T = 256;
const ERROR_B = 4;
const fill = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 0.5);

function fixtureBytes() {
  const dir = path.resolve(process.env.VANILLA_RNN_FIXTURES ?? path.join(root, 'test', 'fixtures'), 'models');
  const files = ['torch_2layer_bidir_relu_batchfirst.onnx', 'torch_2layer_bidir_relu_batchfirst.safetensors'];
  try {
    return files.map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(dir, f))) }));
  } catch {
    return [];
  }
}

async function forwards(count, state) {
  const { rnn, x, lengthsA, lengthsB } = state;
  const out = { output: new Float32Array(T * B * 64), hn: new Float32Array(4 * B * 32) };
  const forwardOnly = state.forwardOnly;
  const stream = forwardOnly.createStream({ batchSize: B });
  const chunk = { data: fill(2 * B * 16, 3), shape: [2, B, 16] };
  const batcher = lib.createBatcher ? lib.createBatcher(rnn, { maxBatchSize: 16, maxDelayMs: 0 }) : null;
  const sequence = { data: fill(T * 16, 4), shape: [T, 16] };
  let done = 0;
  let step = 0;
  const counts = { sync: 0, syncOut: 0, stream: 0, async: 0, batcher: 0 };
  // Per cycle of 40 steps: 30 sync, 4 sync into out buffers, 4 stream pushes, 8 async, 16 batcher runs.
  while (done < count) {
    const kind = step++ % 40;
    if (kind < 30) {
      rnn.forward(x, { lengths: kind % 2 ? lengthsA : lengthsB });
      counts.sync++;
      done++;
    } else if (kind < 34) {
      rnn.forward(x, { out });
      counts.syncOut++;
      done++;
    } else if (kind < 38) {
      stream.push(chunk);
      if (counts.stream % 1000 === 999) stream.reset();
      counts.stream++;
      done++;
    } else if (kind < 39 || !batcher) {
      const n = Math.min(8, count - done);
      await Promise.all(Array.from({ length: n }, () => rnn.forwardAsync(x, { lengths: lengthsA, signal: new AbortController().signal })));
      counts.async += n;
      done += n;
    } else {
      const n = Math.min(16, count - done);
      // A fresh signal per request, or one long-lived signal with --shared-signal (see the header).
      await Promise.all(Array.from({ length: n }, () => batcher.run(sequence, { signal: SHARED_SIGNAL ?? new AbortController().signal })));
      counts.batcher += n;
      done += n;
    }
    if (step % 2000 === 0) await tick();
  }
  if (batcher) await batcher.close();
  return counts;
}

async function builds(count, state) {
  const counts = { rnn: 0, loadModel: 0 };
  const files = lib.loadModel ? state.fixtures : [];
  for (let i = 0; i < count; i++) {
    if (files.length > 0 && i % 2 === 1) {
      const { name, bytes } = files[(i >> 1) % files.length];
      // How the safetensors' nn.RNN was built (the file does not say; without it, each load warns).
      const model = await lib.loadModel(bytes, name.endsWith('.safetensors') ? { nonlinearity: 'relu', batchFirst: true } : undefined);
      if (model && typeof model.runSync === 'function' && i % 64 === 1) {
        try {
          model.runSync({ x: { data: fill(3 * 5 * 4, 5), shape: [3, 5, 4] } });
        } catch {
          // the feed's name or shape may differ between fixtures: the load is what is measured
        }
      }
      counts.loadModel++;
    } else {
      const model = new RNN({ ...CONFIG, seed: i });
      model.loadStateDict(state.dict);
      counts.rnn++;
    }
    if (i % 200 === 0) await tick();
  }
  return counts;
}

async function errors(count, state) {
  const { rnn } = state;
  const big = fill(ERROR_T * ERROR_B * 16, 6); // 64 KiB
  const bigInput = { data: big, shape: [ERROR_T, ERROR_B, 16] };
  const badShape = { data: big, shape: [ERROR_T, ERROR_B * 2, 8] };
  const shared = new Float32Array(big.length + ERROR_T * ERROR_B * 64);
  const overlapping = { data: shared.subarray(0, big.length), shape: [ERROR_T, ERROR_B, 16] };
  const overlapOut = { output: shared.subarray(big.length - 64, big.length - 64 + ERROR_T * ERROR_B * 64) };
  const badDict = { ...state.dict, weight_hh_l0: { data: fill(1024, 7), shape: [32, 32, 1] } };
  const batcher = lib.createBatcher ? lib.createBatcher(rnn, { maxBatchSize: 4, maxDelayMs: 0 }) : null;
  const counts = { js: 0, native: 0, rejected: 0, abortedQueued: 0, abortedEarly: 0, load: 0, batcher: 0 };
  const expectFailure = async (what, call) => {
    try {
      await call();
    } catch (error) {
      if (!(error instanceof Error) || !error.message) throw new Error(`${what}: threw ${String(error)}`);
      counts[what]++;
      return;
    }
    throw new Error(`${what}: expected an error`);
  };
  for (let i = 0; i < count; i++) {
    switch (i % 8) {
      case 0: await expectFailure('js', () => rnn.forward(badShape)); break;
      case 1: await expectFailure('native', () => rnn.forward(overlapping, { out: overlapOut })); break;
      case 2: await expectFailure('rejected', () => rnn.forwardAsync(bigInput, { lengths: [1, 2, 3, ERROR_T + 1] })); break;
      case 3: { // queued work aborted: the addon has already copied the 64 KiB input
        const controller = new AbortController();
        const pending = rnn.forwardAsync(bigInput, { signal: controller.signal });
        controller.abort();
        await expectFailure('abortedQueued', () => pending);
        break;
      }
      case 4: await expectFailure('abortedEarly', () => rnn.forwardAsync(bigInput, { signal: AbortSignal.abort() })); break;
      case 5: await expectFailure('load', () => new RNN(CONFIG).loadStateDict(badDict)); break;
      case 6: if (batcher) { await expectFailure('batcher', () => batcher.run(badShape)); break; } // falls through
      default: await expectFailure('js', () => rnn.forward(bigInput, { h0: { data: big, shape: [4, ERROR_B, 32] } }));
    }
    if (i % 200 === 0) await tick();
  }
  if (batcher) await batcher.close();
  return counts;
}

async function round(scale, state) {
  const f = Math.round(FORWARDS * scale);
  const b = Math.round(BUILDS * scale);
  const e = Math.round(ERRORS * scale);
  const started = performance.now();
  const forwardCounts = await forwards(f, state);
  const buildCounts = await builds(b, state);
  const errorCounts = await errors(e, state);
  return { forwards: f, builds: b, errors: e, forwardCounts, buildCounts, errorCounts, seconds: (performance.now() - started) / 1000 };
}

async function main() {
  const rnn = new RNN(CONFIG);
  const state = {
    rnn,
    forwardOnly: new RNN({ ...CONFIG, bidirectional: false }),
    x: { data: fill(T * B * 16, 1), shape: [T, B, 16] },
    lengthsA: [T, 7],
    lengthsB: null,
    dict: rnn.stateDict(),
    fixtures: fixtureBytes(),
  };
  const start = await settledMemory();
  const warmup = await round(WARMUP, state);
  const before = await settledMemory();
  const measured = await round(1, state);
  const after = await settledMemory();
  const growth = (after.rss - before.rss) / MiB;
  const figures = {
    forwards: measured.forwards, builds: measured.builds, errors: measured.errors,
    forwardKinds: measured.forwardCounts, buildKinds: measured.buildCounts, errorKinds: measured.errorCounts,
    rssStartMiB: +(start.rss / MiB).toFixed(1), rssAfterWarmupMiB: +(before.rss / MiB).toFixed(1), rssEndMiB: +(after.rss / MiB).toFixed(1),
    growthMiB: +growth.toFixed(1), boundMiB: BOUND_MIB,
    heapUsedMiB: [+(before.heapUsed / MiB).toFixed(1), +(after.heapUsed / MiB).toFixed(1)],
    externalMiB: [+(before.external / MiB).toFixed(1), +(after.external / MiB).toFixed(1)],
    arrayBuffersMiB: [+(before.arrayBuffers / MiB).toFixed(1), +(after.arrayBuffers / MiB).toFixed(1)],
    seconds: { warmup: +warmup.seconds.toFixed(1), measured: +measured.seconds.toFixed(1) },
    loadModel: typeof lib.loadModel === 'function', batcher: typeof lib.createBatcher === 'function', sharedSignal: SHARED_SIGNAL !== null,
    ok: growth <= BOUND_MIB,
  };
  console.log(`leak check: ${measured.forwards} forward calls ${JSON.stringify(measured.forwardCounts)}, `
    + `${measured.builds} model builds + loads ${JSON.stringify(measured.buildCounts)}, `
    + `${measured.errors} thrown errors ${JSON.stringify(measured.errorCounts)}`);
  console.log(`  RSS ${figures.rssStartMiB} MiB at start, ${figures.rssAfterWarmupMiB} MiB after the warm-up round `
    + `(${warmup.seconds.toFixed(1)} s), ${figures.rssEndMiB} MiB after the measured round (${measured.seconds.toFixed(1)} s): `
    + `growth ${figures.growthMiB} MiB, bound ${BOUND_MIB} MiB -> ${figures.ok ? 'ok' : 'LEAK'}`);
  console.log(`  heapUsed ${figures.heapUsedMiB.join(' -> ')} MiB, external ${figures.externalMiB.join(' -> ')} MiB, `
    + `arrayBuffers ${figures.arrayBuffersMiB.join(' -> ')} MiB`);
  console.log(`leak-check-json: ${JSON.stringify(figures)}`);
  process.exitCode = figures.ok ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 2;
});
