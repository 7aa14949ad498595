// A child process for test/worker-lifecycle.test.ts, over the compiled package (dist/): a native
// abort or crash here ends this process, not the test runner.
//
//   node --expose-gc worker-lifecycle-child.js terminate <kinds> <cycles>
//     Workers run every call kind in <kinds> at once (comma-separated names of CALL_KINDS, or `all`);
//     each worker is terminated at a random moment, mostly within 20 ms of its first calls, every fifth
//     cycle up to 130 ms after a call of each of its kinds has succeeded (or the cycle fails); <cycles>
//     workers in all: 9 warm-up ones one at a time with one kind each (the addon is unloaded between
//     them), then the rest 3 at a time with every kind.
//   node --expose-gc worker-lifecycle-child.js worker-exit <kinds> <cycles>
//     The same, but each worker calls process.exit() itself at the random moment.
//   node worker-lifecycle-child.js main-exit <kinds>
//     The main thread and two workers run the kinds; the main thread calls process.exit() at a random
//     moment while its calls and theirs are in flight.
//
// terminate and worker-exit print `lifecycle-json: {...}`: the cycles run, how many workers saw a
// call of each kind succeed, and RSS after the warm-up cycles and at the end, each after full
// garbage collections with no worker alive. main-exit prints `main-exit-json: {...}` just before
// it exits: the main thread's calls started and still in flight.
'use strict';

const path = require('node:path');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const ROOT = path.resolve(__dirname, '..', '..');
const MODELS = path.join(process.env.VANILLA_RNN_FIXTURES ?? path.join(ROOT, 'test', 'fixtures'), 'models');
// Loaded by the threads that make calls: in terminate and worker-exit only the workers load the
// addon, so it is unloaded whenever the last of them ends, as in a pool of workers.
const loadLib = () => require(path.join(ROOT, 'dist', 'index.js'));

// The shape: x [200, 4, 64], H = 256 (milliseconds of work per call).
const T = 200;
const B = 4;
const D = 64;
const H = 256;
const sharedFloats = (n) => new Float32Array(new SharedArrayBuffer(n * 4));

/** The inputs every thread reads: made once per process, shared with the workers without copies. */
function sharedInputs() {
  const tensor = (shape, seed) => {
    const data = sharedFloats(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37 + seed) * 0.5;
    return { data, shape };
  };
  // ONNX and safetensors: torch_1layer_tanh (D = 4, H = 8), long enough for milliseconds of work.
  return { x: tensor([T, B, D], 1), sequence: tensor([T, D], 2), chunk: tensor([20, B, D], 3),
    torch: tensor([500, 32, 4], 4), tfjs: tensor([512, 10, 3], 5) };
}
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SUCCESS_TIMEOUT_MS = 20_000;

/** Resolves when every kind has succeeded once, or rejects after SUCCESS_TIMEOUT_MS naming the others. */
function untilEach(kinds, succeeded, allSucceeded) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no call of ${kinds.filter((k) => !succeeded.has(k)).join(', ')} `
      + `succeeded within ${SUCCESS_TIMEOUT_MS} ms`)), SUCCESS_TIMEOUT_MS);
  });
  return Promise.race([allSucceeded, timeout]).finally(() => clearTimeout(timer));
}

// ---- the call kinds ------------------------------------------------------------------------

const calls = { started: 0, settled: 0 };

/**
 * `count` loops over `call`, each yielding to the event loop between calls (as a service does
 * between requests), so that sync and async kinds share one thread. `onFirstSuccess` runs once, when
 * a call first settles as it should (resolved, or for the signal kind possibly aborted).
 */
function lanes(count, call, onFirstSuccess) {
  let succeeded = false;
  for (let lane = 0; lane < count; lane++) {
    (async () => {
      for (;;) {
        calls.started++;
        try {
          await call(lane);
        } finally {
          calls.settled++;
        }
        if (!succeeded) {
          succeeded = true;
          onFirstSuccess();
        }
        await nextTurn();
      }
    })().catch((error) => setImmediate(() => { throw error; }));
  }
}

async function abortedOrDone(promise) {
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

// Each starts its lanes: [lane count, one call].
const CALL_KINDS = {
  'forwardAsync': ({ rnn, inputs }) => [1, () => rnn.forwardAsync(inputs.x)],
  // The out buffers come from the parent thread: they outlive the worker that writes them.
  'forwardAsync out': ({ rnn, inputs, outs }) => [1, () => rnn.forwardAsync(inputs.x, { out: outs[0] })],
  'forwardAsync signal': ({ rnn, inputs, outs }) => [2, (lane) =>
    abortedOrDone(rnn.forwardAsync(inputs.x, { signal: abortSoon(), out: lane === 0 ? outs[1] : undefined }))],
  'model.run onnx': ({ models, inputs }) => [1, () => models.onnx.run({ x: inputs.torch })],
  'model.run safetensors': ({ models, inputs }) => [1, () => models.safetensors.run({ x: inputs.torch })],
  'model.run tfjs': ({ models, inputs }) => [1, () => models.tfjs.run({ simple_rnn_SimpleRNN1_input: inputs.tfjs })],
  'batcher.run': ({ lib, rnn, inputs }) => {
    const batcher = lib.createBatcher(rnn, { maxBatchSize: 4, maxDelayMs: 1 });
    return [3, () => batcher.run(inputs.sequence, { signal: new AbortController().signal })];
  },
  'stream.push': ({ rnn, inputs }) => {
    const stream = rnn.createStream({ batchSize: B });
    return [1, () => stream.push(inputs.chunk)];
  },
  'forward': ({ rnn, inputs }) => [1, () => rnn.forward(inputs.x)],
};
const ALL_KINDS = Object.keys(CALL_KINDS);

async function loadModels(lib, kinds) {
  if (!kinds.some((kind) => kind.startsWith('model.run'))) return null;
  const [onnx, safetensors, tfjs] = await Promise.all([
    lib.loadModel(path.join(MODELS, 'torch_1layer_tanh.onnx')),
    lib.loadModel(path.join(MODELS, 'torch_1layer_tanh.safetensors')),
    lib.loadModel(path.join(MODELS, 'tfjs_rnn_dense')),
  ]);
  return { onnx, safetensors, tfjs };
}

async function startCalls(kinds, inputs, outs, onFirstSuccess) {
  const lib = loadLib();
  const context = { lib, rnn: new lib.RNN({ inputSize: D, hiddenSize: H, seed: 1 }), inputs, outs,
    models: await loadModels(lib, kinds) };
  for (const kind of kinds) {
    const [count, call] = CALL_KINDS[kind](context);
    lanes(count, call, () => onFirstSuccess(kind));
  }
}

function outBuffers() {
  return Array.from({ length: 2 }, () => ({ output: sharedFloats(T * B * H), hn: sharedFloats(B * H) }));
}

// ---- in a worker ---------------------------------------------------------------------------

async function runWorker({ kinds, inputs, outs, exitAt }) {
  const succeeded = new Set();
  let allSucceeded;
  const untilAllSucceeded = new Promise((resolve) => { allSucceeded = resolve; });
  await startCalls(kinds, inputs, outs, (kind) => {
    parentPort.postMessage({ succeeded: kind });
    succeeded.add(kind);
    if (succeeded.size === kinds.length) allSucceeded();
  });
  parentPort.postMessage({ started: true });
  if (exitAt === undefined) return;
  if (exitAt.late) await untilEach(kinds, succeeded, untilAllSucceeded);
  await delay(exitAt.ms);
  process.exit(0);
}

// ---- in the child's main thread ------------------------------------------------------------

const LATE_EVERY = 5;

/**
 * When a cycle ends its worker: mostly within 20 ms of its first calls (most still queued or
 * running); every LATE_EVERY-th cycle once a call of every kind has succeeded in it, then up to
 * 130 ms later (the calls in flight are then at any stage).
 */
function randomMoment(cycle) {
  const late = cycle % LATE_EVERY === LATE_EVERY - 1;
  return { late, ms: late ? Math.random() * 130 : Math.random() * 20 };
}

/**
 * One worker from start to exit. Resolves with the kinds whose calls succeeded in it; rejects if it
 * threw, or exited otherwise than it was meant to.
 */
async function workerCycle(mode, kinds, inputs, cycle) {
  const moment = randomMoment(cycle);
  const exitAt = mode === 'worker-exit' ? moment : undefined;
  const worker = new Worker(__filename, { workerData: { kinds, inputs, outs: outBuffers(), exitAt } });
  const succeeded = new Set();
  let failure = null;
  let onStarted;
  let onAllSucceeded;
  const started = new Promise((resolve) => { onStarted = resolve; });
  const allSucceeded = new Promise((resolve) => { onAllSucceeded = resolve; });
  worker.on('message', (message) => {
    if (message.succeeded) succeeded.add(message.succeeded);
    if (succeeded.size === kinds.length) onAllSucceeded();
    if (message.started) onStarted();
  });
  worker.on('error', (error) => { failure = failure ?? error; });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  if (mode === 'terminate') {
    await Promise.race([started, exited]);
    if (moment.late) await Promise.race([untilEach(kinds, succeeded, allSucceeded), exited]).catch((error) => { failure = failure ?? error; });
    await delay(moment.ms);
    await worker.terminate();
  }
  const code = await exited;
  if (failure) throw failure;
  if (mode === 'worker-exit' && code !== 0) throw new Error(`a worker that called process.exit(0) exited with code ${code}`);
  return succeeded;
}

async function settledRss() {
  for (let i = 0; i < 4; i++) {
    global.gc();
    await nextTurn();
  }
  return process.memoryUsage().rss;
}

const WORKERS_AT_ONCE = 3;
const WARMUP_CYCLES = 9;

async function cycles(mode, kinds, count) {
  const inputs = sharedInputs();
  const succeededIn = Object.fromEntries(kinds.map((kind) => [kind, 0]));
  let next = 0;
  const runOne = async (until, kindsOf) => {
    while (next < until) {
      const cycle = next++;
      for (const kind of await workerCycle(mode, kindsOf(cycle), inputs, cycle)) succeededIn[kind]++;
    }
  };
  // First one worker at a time, each with one kind (a call alone computes on the kernel's helper
  // threads too): between two of them no thread holds the addon, and Node unloads it.
  await runOne(WARMUP_CYCLES, (cycle) => [kinds[cycle % kinds.length]]);
  const rssAfterWarmup = await settledRss();
  await Promise.all(Array.from({ length: WORKERS_AT_ONCE }, () => runOne(count, () => kinds)));
  const rssEnd = await settledRss();
  const MiB = 2 ** 20;
  return { mode, kinds, cycles: next, lateCycles: Math.floor(next / LATE_EVERY), succeededIn, rssAfterWarmupMiB: rssAfterWarmup / MiB,
    rssEndMiB: rssEnd / MiB, growthMiB: (rssEnd - rssAfterWarmup) / MiB };
}

async function mainExit(kinds) {
  const inputs = sharedInputs();
  const workers = [0, 1].map(() => new Worker(__filename, { workerData: { kinds, inputs, outs: outBuffers() } }));
  await Promise.all(workers.map((worker) => new Promise((resolve, reject) => {
    worker.on('message', (message) => { if (message.started) resolve(); });
    worker.once('error', reject);
  })));
  await startCalls(kinds, inputs, outBuffers(), () => {});
  await delay(Math.random() * 20);
  const figures = { started: calls.started, inFlight: calls.started - calls.settled };
  process.stdout.write(`main-exit-json: ${JSON.stringify(figures)}\n`);
  process.exit(0);
}

function parseKinds(list) {
  const kinds = list === 'all' ? ALL_KINDS : String(list).split(',');
  for (const kind of kinds) if (!(kind in CALL_KINDS)) throw new Error(`unknown call kind '${kind}'`);
  return kinds;
}

async function main() {
  const [mode, list, count] = process.argv.slice(2);
  const usage = 'usage: terminate|worker-exit <kinds> <cycles> | main-exit <kinds>';
  if (mode === 'main-exit') return mainExit(parseKinds(list));
  if (!(mode === 'terminate' || mode === 'worker-exit') || !(Number(count) > WARMUP_CYCLES)) throw new Error(usage);
  const figures = await cycles(mode, parseKinds(list), Number(count));
  process.stdout.write(`lifecycle-json: ${JSON.stringify(figures)}\n`);
}

if (isMainThread) {
  main().catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
} else {
  runWorker(workerData).catch((error) => setImmediate(() => { throw error; }));
}
