// A child process for test/worker-lifecycle.test.ts, over the compiled package (dist/): a native
// abort here ends this process, not the test runner.
//
//   node --expose-gc worker-lifecycle-child.js terminate <call kind> <cycles>
//     Workers loop over one call kind; each is terminated at a random moment (mostly within 20 ms of
//     its first call, sometimes later), `cycles` times in all, a few workers at a time.
//   node --expose-gc worker-lifecycle-child.js worker-exit <cycles>
//     Workers run every async call kind at once and call process.exit() themselves at a random moment.
//   node worker-lifecycle-child.js main-exit
//     The main thread and two workers start async calls of every kind; the main thread calls
//     process.exit() at a random moment while they are in flight.
//
// The first two print one line `lifecycle-json: {...}` with the cycles run and RSS figures; main-exit
// prints `main-exit-json: {...}` with the calls in flight just before it exits.
'use strict';

const path = require('node:path');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const ROOT = path.resolve(__dirname, '..', '..');
const MODELS = path.join(ROOT, 'test', 'fixtures', 'models');
// Loaded by the threads that call it: in the terminate and worker-exit modes only the workers load
// the addon, so it is unloaded whenever the last of them ends (as in a pool of workers).
const loadLib = () => require(path.join(ROOT, 'dist', 'index.js'));

// The shape: x [200, 4, 64], H = 256 (a few milliseconds of work per call).
const T = 200;
const B = 4;
const D = 64;
const H = 256;
const fill = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 0.5);
const sharedFloats = (n) => new Float32Array(new SharedArrayBuffer(n * 4));

// ---- in a worker: the call kinds -----------------------------------------------------------

const calls = { started: 0, settled: 0 };

/** `count` loops, each awaiting `call` again as soon as it settles. */
function lanes(count, call) {
  return Array.from({ length: count }, async (_, lane) => {
    for (;;) {
      calls.started++;
      try {
        await call(lane);
      } finally {
        calls.settled++;
      }
    }
  });
}

async function ignoreAbort(promise) {
  try {
    await promise;
  } catch (error) {
    if (error.name !== 'AbortError') throw error;
  }
}

function abortSoon() {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), Math.random() * 4);
  return controller.signal;
}

// Each returns promises that never settle while the worker runs (or runs a sync loop forever).
const CALL_KINDS = {
  'forwardAsync': ({ rnn, x }) => lanes(3, () => rnn.forwardAsync(x)),
  // The out buffers belong to the parent thread: they outlive the worker that writes them.
  'forwardAsync out': ({ rnn, x, outs }) => lanes(3, (lane) => rnn.forwardAsync(x, { out: outs[lane] })),
  'forwardAsync signal': ({ rnn, x, outs }) => lanes(3, (lane) =>
    ignoreAbort(rnn.forwardAsync(x, { signal: abortSoon(), out: lane === 0 ? outs[lane] : undefined }))),
  'model.run onnx': ({ models }) => lanes(3, () => models.onnx.run({ x: models.torchInput })),
  'model.run safetensors': ({ models }) => lanes(3, () => models.safetensors.run({ x: models.torchInput })),
  'model.run tfjs': ({ models }) => lanes(1, () => models.tfjs.run({ input: models.tfjsInput })),
  'batcher.run': ({ rnn }) => {
    const batcher = loadLib().createBatcher(rnn, { maxBatchSize: 4, maxDelayMs: 1 });
    const sequence = { data: fill(T * D, 2), shape: [T, D] };
    return lanes(8, () => batcher.run(sequence, { signal: new AbortController().signal }));
  },
  'stream.push': ({ rnn }) => {
    const stream = rnn.createStream({ batchSize: B });
    const chunk = { data: fill(20 * B * D, 3), shape: [20, B, D] };
    parentPort.postMessage('started');
    for (;;) stream.push(chunk);
  },
  'forward': ({ rnn, x }) => {
    parentPort.postMessage('started');
    for (;;) rnn.forward(x);
  },
};
const ASYNC_KINDS = ['forwardAsync', 'forwardAsync out', 'forwardAsync signal', 'model.run onnx',
  'model.run safetensors', 'batcher.run'];

async function loadModels(kinds) {
  if (!kinds.some((kind) => kind.startsWith('model.run'))) return null;
  const { loadModel } = loadLib();
  const [onnx, safetensors, tfjs] = await Promise.all([
    loadModel(path.join(MODELS, 'torch_1layer_tanh.onnx')),
    loadModel(path.join(MODELS, 'torch_1layer_tanh.safetensors')),
    loadModel(path.join(MODELS, 'tfjs_rnn_dense')),
  ]);
  // Inputs long enough that a call lasts milliseconds, as in a service.
  return { onnx, safetensors, tfjs, torchInput: { data: fill(2000 * 64 * 4, 4), shape: [2000, 64, 4] },
    tfjsInput: { data: fill(512 * 10 * 3, 5), shape: [512, 10, 3] } };
}

async function callContext(kinds, outs) {
  const rnn = new (loadLib().RNN)({ inputSize: D, hiddenSize: H, seed: 1 });
  return { rnn, x: { data: fill(T * B * D, 1), shape: [T, B, D] }, outs, models: await loadModels(kinds) };
}

async function runWorker({ kinds, outs, exitAfterMs }) {
  const context = await callContext(kinds, outs);
  if (exitAfterMs !== undefined) {
    kinds.forEach((kind) => CALL_KINDS[kind](context));
    setTimeout(() => process.exit(0), exitAfterMs);
    parentPort.postMessage('started');
    return;
  }
  const [kind] = kinds;
  const running = CALL_KINDS[kind](context);
  // Only async kinds get here: their first calls are queued.
  parentPort.postMessage('started');
  await Promise.all(running);
}

// ---- in the child's main thread ------------------------------------------------------------

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Mostly within 20 ms of the first call, a fifth of the time up to 150 ms later. */
function randomMoment() {
  return Math.random() < 0.8 ? Math.random() * 20 : 20 + Math.random() * 130;
}

function outBuffers(count) {
  return Array.from({ length: count }, () => ({ output: sharedFloats(T * B * H), hn: sharedFloats(B * H) }));
}

/** Starts a worker and resolves once its first calls are under way. */
function startWorker(data) {
  const worker = new Worker(__filename, { workerData: data });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  const started = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    exited.then((code) => reject(new Error(`worker exited with code ${code} before it started`)));
  });
  return { worker, started, exited };
}

async function oneCycle(mode, kind) {
  if (mode === 'worker-exit') {
    const { started, exited } = startWorker({ kinds: ASYNC_KINDS, outs: outBuffers(3), exitAfterMs: randomMoment() });
    await started;
    const code = await exited;
    if (code !== 0) throw new Error(`a worker that called process.exit(0) exited with code ${code}`);
    return;
  }
  const { worker, started, exited } = startWorker({ kinds: [kind], outs: outBuffers(3) });
  await started;
  await delay(randomMoment());
  await worker.terminate();
  await exited;
}

async function settledRss() {
  for (let i = 0; i < 4; i++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().rss;
}

const LANES = 3; // workers alive at once
const WARMUP_CYCLES = 9;

async function cycles(mode, kind, count) {
  let next = 0;
  const runLane = async (until) => {
    while (next < until) {
      next++;
      await oneCycle(mode, kind);
    }
  };
  const runTo = (until) => Promise.all(Array.from({ length: LANES }, () => runLane(until)));
  await runTo(WARMUP_CYCLES);
  const rssAfterWarmup = await settledRss();
  await runTo(count);
  const rssEnd = await settledRss();
  const MiB = 2 ** 20;
  return { mode, kind, cycles: next, rssAfterWarmupMiB: rssAfterWarmup / MiB, rssEndMiB: rssEnd / MiB,
    growthMiB: (rssEnd - rssAfterWarmup) / MiB };
}

async function mainExit() {
  const context = await callContext(ASYNC_KINDS, outBuffers(3));
  const workers = [0, 1].map(() => startWorker({ kinds: ASYNC_KINDS, outs: outBuffers(3) }));
  await Promise.all(workers.map((w) => w.started));
  ASYNC_KINDS.forEach((kind) => CALL_KINDS[kind](context));
  await delay(randomMoment());
  const figures = { started: calls.started, inFlight: calls.started - calls.settled };
  process.stdout.write(`main-exit-json: ${JSON.stringify(figures)}\n`);
  process.exit(0);
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'main-exit') return mainExit();
  const [kind, count] = mode === 'terminate' ? [args[0], Number(args[1])] : [null, Number(args[0])];
  if (mode === 'terminate' && !(kind in CALL_KINDS)) throw new Error(`unknown call kind '${kind}'`);
  if (!(mode === 'terminate' || mode === 'worker-exit') || !(count > WARMUP_CYCLES)) {
    throw new Error('usage: terminate <call kind> <cycles> | worker-exit <cycles> | main-exit');
  }
  const figures = await cycles(mode, kind, count);
  process.stdout.write(`lifecycle-json: ${JSON.stringify(figures)}\n`);
}

if (isMainThread) {
  main().catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
} else {
  runWorker(workerData).catch((error) => {
    process.stderr.write(`worker: ${error.stack}\n`);
    process.exit(1);
  });
}
