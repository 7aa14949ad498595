// A seeded, bounded fuzz suite over every public entry point, aimed past the first check: calls
// start valid and get one to three things broken (a shape, a buffer detached or shrunk, an
// overlapping out buffer, a lying header in a model file, ...).
//
// Every call either works or throws (rejects with) an Error subclass with a non-empty message;
// async calls must settle within a per-call timeout; the process must not crash; memory must stay
// bounded. Invariants are checked along the way: inputs are never written, a failed loadStateDict
// changes nothing, successful results have the documented shapes, async equals sync.
//
// Environment:
//   VANILLA_RNN_FUZZ_ITERATIONS  total calls to make (default 13,000: about a second; 100x for a soak)
//   VANILLA_RNN_FUZZ_SEED        base seed (default 20261123); every group derives its own from it
//   VANILLA_RNN_FUZZ_TRACE=1     write each call to stderr before making it (to find a crashing call)
//
// Entry points that do not exist yet (loadModel, readNpy, writeNpy, createBatcher) are detected at
// run time and fuzzed when present; exported functions the suite does not know are listed.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as api from '../lib/index';
import { Dense, getKernelPath, getNumThreads, RNN, setKernelPath, setNumThreads, SimpleRNN, supportedKernelPaths } from '../lib/index';
import { FIXTURES_DIR, mulberry32 } from './support/fixtures';
import { FuzzTally, show } from './support/fuzz-harness';
import {
  between, chance, detach, hostile, junkBuffer, junkDim, junkScalar, junkTensor, maybe, mutateOptions, pick, product, randomData,
  type Rng,
} from './support/fuzz-junk';
import { mutateBytes } from './support/fuzz-mutate';

const DEFAULT_ITERATIONS = 13_000;

const ITERATIONS = Math.max(100, Number(process.env.VANILLA_RNN_FUZZ_ITERATIONS ?? DEFAULT_ITERATIONS));
const SEED = Number(process.env.VANILLA_RNN_FUZZ_SEED ?? 20261123);
const TEST_TIMEOUT = Math.max(120_000, ITERATIONS * 20);

// Shares of the total call budget. Files only count when a loader exists.
const SHARES = {
  constructor: 0.12, loadStateDict: 0.12, forward: 0.24, forwardAsync: 0.08, stream: 0.08, keras: 0.12, runtime: 0.04,
  batcher: 0.05, files: 0.15,
};
const quota = (group: keyof typeof SHARES): number => Math.ceil(ITERATIONS * SHARES[group]);

const lib = api as unknown as Record<string, unknown>;
const fn = (name: string): ((...args: unknown[]) => unknown) | undefined =>
  (typeof lib[name] === 'function' ? lib[name] as (...args: unknown[]) => unknown : undefined);
const KNOWN_EXPORTS = new Set(['RNN', 'RNNStream', 'SimpleRNN', 'Dense', 'getKernelPath', 'getNumThreads', 'setKernelPath',
  'setNumThreads', 'supportedKernelPaths', 'createBatcher', 'loadModel', 'readNpy', 'writeNpy', 'decodeNpy', 'encodeNpy',
  'decodeSafetensors', 'readSafetensors']);

const tally = new FuzzTally();
// With NODE_OPTIONS=--expose-gc the summary also gives the JS heap and external memory after full collections.
const collect = (): NodeJS.MemoryUsage => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
};
const memoryAtStart = collect();
const rssAtStart = memoryAtStart.rss;
const initialThreads = getNumThreads();
const scratchDir = mkdtempSync(path.join(tmpdir(), 'vrnn-fuzz-'));

afterAll(() => {
  setNumThreads(initialThreads);
  setKernelPath('auto');
  rmSync(scratchDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Models and valid calls

const RNN_KEYS = ['inputSize', 'hiddenSize', 'numLayers', 'nonlinearity', 'bias', 'batchFirst', 'bidirectional', 'direction',
  'activations', 'clip', 'layout', 'seed'] as const;
const ONNX_ACTIVATIONS = ['Relu', 'Tanh', 'Sigmoid', 'Affine', 'LeakyRelu', 'ThresholdedRelu', 'ScaledTanh', 'HardSigmoid', 'Elu',
  'Softsign', 'Softplus'];

function validRnnOptions(rng: Rng): Record<string, unknown> {
  const o: Record<string, unknown> = { inputSize: between(rng, 1, 5), hiddenSize: between(rng, 1, 6), numLayers: between(rng, 1, 3),
    seed: between(rng, 0, 1000) };
  if (chance(rng, 0.5)) o.batchFirst = chance(rng, 0.5);
  const direction = pick(rng, ['forward', 'forward', 'reverse', 'bidirectional'] as const);
  if (direction === 'bidirectional' && chance(rng, 0.5)) o.bidirectional = true;
  else if (direction !== 'forward' || chance(rng, 0.2)) o.direction = direction;
  if (chance(rng, 0.3)) {
    const count = direction === 'bidirectional' && chance(rng, 0.5) ? 2 : 1;
    o.activations = Array.from({ length: count }, () => (chance(rng, 0.5) ? pick(rng, ONNX_ACTIVATIONS)
      : { name: pick(rng, ONNX_ACTIVATIONS), alpha: (rng() - 0.5) * 4, beta: (rng() - 0.5) * 4 }));
  } else if (chance(rng, 0.5)) o.nonlinearity = pick(rng, ['tanh', 'relu']);
  if (chance(rng, 0.2)) o.clip = rng() * 5 + 0.1;
  if (chance(rng, 0.2)) o.bias = chance(rng, 0.5);
  return o;
}

/**
 * A Keras layer used before setWeights is built on its first call from the input's last dimension,
 * as Keras does: an empty input declaring a feature size of 2^31-1 is a legal request for an
 * 8 GiB kernel, not a malformed call (the hazard is reported). Such calls are replaced.
 */
function unbuiltHuge(inputDim: number | undefined, x: unknown): unknown {
  const shape = shapeOf(x);
  const last = shape?.[shape.length - 1];
  return inputDim === undefined && typeof last === 'number' && last > 4096 ? { data: new Float32Array(0), shape: [0, 1] } : x;
}

/** True when `data` holds exactly the elements `shape` describes; a hole or junk dimension makes it false (every() would skip a hole). */
function fitsShape(data: { length: number }, shape: readonly number[]): boolean {
  const dims = Array.from(shape);
  return dims.every((d) => Number.isSafeInteger(d) && d >= 0) && data.length === product(dims);
}

/** Sizes just past what the kernel supports (a weight matrix past 2^31-1 elements, 2^16 layers). */
const HUGE_REFUSED: ReadonlyArray<Record<string, number>> = [
  { hiddenSize: 2 ** 30 }, { hiddenSize: 2 ** 30 - 1 }, { hiddenSize: 46_341 }, { hiddenSize: 65_536, inputSize: 65_536 },
  { inputSize: 2 ** 31 - 1, hiddenSize: 2 }, { inputSize: 2 ** 30, hiddenSize: 2 }, { numLayers: 65_537 }, { numLayers: 2 ** 31 - 1 },
  { hiddenSize: 2 ** 31 }, { inputSize: 2 ** 53 },
];

/** A huge-but-valid size is a legal request for gigabytes, not a malformed call: keep it refused. */
function refuseHugeValid(options: unknown): unknown {
  if (typeof options !== 'object' || options === null) return options;
  const o = options as Record<string, unknown>;
  const big = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 1e6 && v < 2 ** 31;
  try {
    if (big(o.inputSize) || big(o.units) || big(o.inputDim)) {
      if ('hiddenSize' in o) o.hiddenSize = 2 ** 31; // refused by the checks, with any inputSize
      if ('units' in o) o.units = 2 ** 31;
      if ('inputDim' in o) o.inputDim = 2 ** 31;
    }
  } catch {
    // a hostile getter: it throws before anything is allocated
  }
  return o;
}

interface ModelInfo {
  rnn: RNN;
  nd: number;
  stateRows: number;
}

function info(rnn: RNN): ModelInfo {
  return { rnn, nd: rnn.numDirections, stateRows: rnn.config.numLayers * rnn.numDirections };
}

function modelPool(rng: Rng, count: number): ModelInfo[] {
  const pool: ModelInfo[] = [];
  while (pool.length < count) {
    const rnn = new RNN(validRnnOptions(rng) as never);
    if (chance(rng, 0.2)) { // some models carry NaN / Inf / huge weights
      const dict = rnn.stateDict();
      const key = pick(rng, Object.keys(dict));
      dict[key].data[between(rng, 0, dict[key].data.length - 1)] = pick(rng, [NaN, Infinity, -Infinity, 3e38]);
      rnn.loadStateDict(dict);
    }
    pool.push(info(rnn));
  }
  return pool;
}

interface Call {
  input: unknown;
  options: Record<string, unknown> | unknown;
  steps: number;
  batch: number;
  batched: boolean;
  outputShape: number[];
  hnShape: number[];
}

/** A valid forward call for the model: T in 1..4, B in 0..3, unbatched now and then, h0 / lengths / out sometimes. */
function validCall(rng: Rng, m: ModelInfo, withOut: boolean): Call {
  const { inputSize: d, hiddenSize: h, batchFirst } = m.rnn.config;
  const steps = between(rng, 1, 4);
  const batched = chance(rng, 0.8);
  const batch = batched ? between(rng, 0, 3) : 1;
  const shape = !batched ? [steps, d] : batchFirst ? [batch, steps, d] : [steps, batch, d];
  const outputShape = !batched ? [steps, m.nd * h] : batchFirst ? [batch, steps, m.nd * h] : [steps, batch, m.nd * h];
  const hnShape = batched ? [m.stateRows, batch, h] : [m.stateRows, h];
  const input = chance(rng, 0.85) ? { data: randomData(rng, product(shape)), shape } : nestedOf(rng, shape);
  const options: Record<string, unknown> = {};
  if (chance(rng, 0.3)) options.h0 = chance(rng, 0.7) ? { data: randomData(rng, product(hnShape)), shape: hnShape } : randomData(rng, product(hnShape));
  if (chance(rng, 0.25)) options.lengths = Array.from({ length: batch }, () => between(rng, 1, steps));
  if (withOut && chance(rng, 0.25)) {
    options.out = {};
    if (chance(rng, 0.7)) (options.out as Record<string, unknown>).output = new Float32Array(product(outputShape));
    if (chance(rng, 0.7)) (options.out as Record<string, unknown>).hn = new Float32Array(product(hnShape));
  }
  return { input, options, steps, batch, batched, outputShape, hnShape };
}

function nestedOf(rng: Rng, shape: readonly number[]): unknown {
  const build = (depth: number): unknown => (depth === shape.length ? rng() * 2 - 1 : Array.from({ length: shape[depth] }, () => build(depth + 1)));
  return build(0);
}

function junkLengths(rng: Rng, batch: number, steps: number): unknown {
  switch (between(rng, 0, 9)) {
    case 0: return Array.from({ length: batch }, () => pick(rng, [0, -1, steps + 1, 1.5, NaN, Infinity, '1', null, 2 ** 31]));
    case 1: return Int32Array.from({ length: batch }, () => between(rng, 1, steps)); // valid
    case 2: return detach(new Int32Array(Math.max(batch, 1)));
    case 3: return Array.from({ length: batch + pick(rng, [-1, 1]) }, () => 1);
    case 4: return Float32Array.from({ length: batch }, () => between(rng, 1, steps)); // a typed array of numbers
    case 5: return new Array(batch); // holes
    case 6: return junkBuffer(rng, batch);
    case 7: return hostile(rng);
    default: return junkScalar(rng);
  }
}

/** One to three things broken in a valid call. */
function breakCall(rng: Rng, m: ModelInfo, call: Call, withOut: boolean): void {
  const o = call.options as Record<string, unknown>;
  for (let i = between(rng, 1, 3); i > 0; i--) {
    const inputShape = shapeOf(call.input) ?? [call.steps, call.batch, m.rnn.config.inputSize];
    switch (between(rng, 0, 12)) {
      case 0: case 1: call.input = junkTensor(rng, inputShape); break;
      case 2: o.h0 = junkTensor(rng, call.hnShape); break;
      case 3: o.lengths = junkLengths(rng, call.batch, call.steps); break;
      case 4: { // T = 0 or B = 0, keeping data and shape consistent
        const d = m.rnn.config.inputSize;
        const zeroSteps = chance(rng, 0.5);
        const shape = zeroSteps ? [0, call.batch, d] : m.rnn.config.batchFirst ? [0, call.steps, d] : [call.steps, 0, d];
        call.input = { data: new Float32Array(0), shape };
        break;
      }
      case 5: case 6: if (withOut) o.out = junkOut(rng, call, o); else o[pick(rng, ['out', 'signal'])] = junkScalar(rng); break;
      case 7: {
        const data = peek(call.input, 'data');
        if (data instanceof Float32Array && data.byteLength > 0) {
          call.input = { data: chance(rng, 0.3) ? detach(Float32Array.from(data)) : junkBuffer(rng, data.length), shape: shapeOf(call.input) };
        }
        break;
      }
      case 8: call.options = mutateOptions(rng, o, ['h0', 'lengths', 'out', 'signal']); return;
      case 9: o[pick(rng, ['h0', 'lengths'])] = pick(rng, [null, undefined]); break; // valid: absent
      case 10: call.options = pick(rng, [undefined, null, {}, [], 'opts', 1]); return;
      default: call.input = junkScalar(rng); break;
    }
  }
}

/** Out buffers of the wrong size or type, detached, overlapping the input, h0 or each other. */
function junkOut(rng: Rng, call: Call, o: Record<string, unknown>): unknown {
  const outSize = product(call.outputShape);
  const hnSize = product(call.hnShape);
  const input = { data: peek(call.input, 'data'), shape: shapeOf(call.input) };
  switch (between(rng, 0, 7)) {
    case 0: return { output: junkBuffer(rng, outSize) };
    case 1: return { hn: junkBuffer(rng, hnSize) };
    case 2: { // output overlapping the input: both views of one buffer
      if (!(input.data instanceof Float32Array) || !input.shape || input.data.byteLength === 0) return { output: new Float32Array(outSize) };
      const shared = new Float32Array(input.data.length + outSize);
      shared.set(input.data);
      const start = between(rng, 0, input.data.length);
      call.input = { data: shared.subarray(0, input.data.length), shape: input.shape };
      return { output: shared.subarray(Math.max(0, Math.min(start, shared.length - outSize)), Math.max(0, Math.min(start, shared.length - outSize)) + outSize) };
    }
    case 3: { // output and hn overlapping
      const shared = new Float32Array(Math.max(outSize, hnSize) + 2);
      return { output: shared.subarray(0, outSize), hn: shared.subarray(1, 1 + hnSize) };
    }
    case 4: { // hn overlapping h0
      const h0 = randomData(rng, hnSize + 1);
      o.h0 = { data: h0.subarray(0, hnSize), shape: call.hnShape };
      return { hn: h0.subarray(1, 1 + hnSize) };
    }
    case 5: return { output: detach(new Float32Array(Math.max(outSize, 1))), hn: new Float32Array(hnSize) };
    case 6: return { output: new Float32Array(new SharedArrayBuffer(4 * outSize)), hn: new Float32Array(new SharedArrayBuffer(4 * hnSize)) }; // valid
    default: return { output: junkScalar(rng), hn: junkScalar(rng), extra: 1 };
  }
}

/** Snapshots of every typed array and nested array reachable from the call's arguments (inputs are never written). */
function snapshot(...values: unknown[]): () => string | null {
  const copies: Array<[unknown, unknown]> = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 3 || value === null || typeof value !== 'object') return;
    try {
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        copies.push([value, Array.from(value as unknown as ArrayLike<number>)]);
      } else if (Array.isArray(value)) {
        if (value.length < 64) copies.push([value, JSON.stringify(value)]);
      } else if (Object.getPrototypeOf(value) === Object.prototype) {
        for (const key of Object.keys(value)) {
          const descriptor = Object.getOwnPropertyDescriptor(value, key);
          if (descriptor && 'value' in descriptor && key !== 'out') visit(descriptor.value, depth + 1);
        }
      }
    } catch {
      // hostile values: nothing to compare
    }
  };
  values.forEach((v) => visit(v, 0));
  return () => {
    for (const [value, copy] of copies) {
      try {
        const now = ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : JSON.stringify(value);
        const same = Array.isArray(copy) && Array.isArray(now)
          ? copy.length === now.length && copy.every((v, i) => Object.is(v, now[i]))
          : copy === now;
        if (!same) return `an argument was written: ${show(value)}`;
      } catch {
        // detached by the fuzzer itself after the call
      }
    }
    return null;
  };
}

function describeCall(name: string, ...args: unknown[]): () => string {
  return () => `${name}(${args.map((a) => show(a)).join(', ')})`;
}

/** Reads a property without running getters or proxy traps (hostile values throw from those). */
function peek(value: unknown, key: string): unknown {
  try {
    if (typeof value !== 'object' || value === null || !Object.getPrototypeOf(value)) return undefined;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    return descriptor && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined;
  }
}

function isProxyLike(value: unknown): boolean {
  try {
    return Object.getPrototypeOf(value) !== Object.prototype;
  } catch {
    return true;
  }
}

function shapeOf(value: unknown): number[] | undefined {
  const shape = peek(value, 'shape');
  return Array.isArray(shape) ? shape : undefined;
}

// ---------------------------------------------------------------------------------------------

describe('deep fuzz', () => {
  it('RNN constructor and options', () => {
    const start = tally.violations.length;
    const rng = mulberry32(SEED + 1);
    const target = tally.calls + quota('constructor');
    while (tally.calls < target) {
      const base = validRnnOptions(rng);
      if (chance(rng, 0.08)) { // sizes at the limits: each must be refused (RangeError) before anything is allocated
        const limit = pick(rng, HUGE_REFUSED);
        const options = { ...base, ...limit };
        const what = describeCall('new RNN', options);
        tally.attempt('new RNN (huge sizes)', what, () => new RNN(options as never));
        try {
          new RNN(options as never);
          tally.violation('new RNN (huge sizes)', what(), 'accepted');
        } catch (error) {
          if (!(error instanceof RangeError)) tally.violation('new RNN (huge sizes)', what(), `threw ${String(error)}, not a RangeError`);
        }
        continue;
      }
      const options = refuseHugeValid(chance(rng, 0.85) ? mutateOptions(rng, base, RNN_KEYS) : base);
      const rnn = tally.attempt('new RNN', describeCall('new RNN', options), () => new RNN(options as never));
      if (!rnn) continue;
      // A model that was accepted is a working model.
      const what = describeCall('forward after new RNN', options);
      const shape = [2, rnn.config.inputSize];
      const result = tally.attempt('RNN (accepted) forward', what, () => rnn.forward({ data: randomData(rng, product(shape)), shape }));
      const { hiddenSize: h, numLayers } = rnn.config;
      if (!result || result.output.shape.join() !== [2, rnn.numDirections * h].join() || result.hn.data.length !== numLayers * rnn.numDirections * h
        || Object.keys(rnn.stateDict()).join() !== rnn.parameterNames.join()) {
        tally.violation('new RNN', what(), 'an accepted model does not run, or its results or stateDict have the wrong shape');
      }
    }
    expect(tally.violations.slice(start)).toEqual([]);
  }, TEST_TIMEOUT);

  it('loadStateDict: names, shapes, types, detached and lying tensors; a failed load changes nothing', () => {
    const start = tally.violations.length;
    const rng = mulberry32(SEED + 2);
    const pool = modelPool(rng, 12);
    const target = tally.calls + quota('loadStateDict');
    while (tally.calls < target) {
      const m = pick(rng, pool);
      const donor = m.rnn.stateDict();
      for (const t of Object.values(donor)) t.data.set(randomData(rng, t.data.length));
      const dict: Record<string, unknown> = { ...donor };
      let given: unknown = dict;
      for (let i = between(rng, 1, 2); i > 0; i--) {
        const names = Object.keys(dict);
        const key = pick(rng, names.length > 0 ? names : ['weight_ih_l0']);
        const shape = donor[key]?.shape ?? [1];
        switch (between(rng, 0, 9)) {
          case 0: case 1: case 2: dict[key] = junkTensor(rng, shape); break;
          case 3: delete dict[key]; break;
          case 4: dict[pick(rng, [`${key}_x`, 'weight_ih_l99', 'l0_i2h_weight', 'bias', ''])] = donor[key] ?? junkScalar(rng); break;
          case 5: dict[key] = { data: new Float32Array(4), shape: [2 ** 31, 2 ** 31, ...shape.slice(2)] }; break;
          case 6: dict[key] = { data: detach(Float32Array.from(donor[key]?.data ?? [1])), shape }; break;
          case 7: dict[key] = randomData(rng, product(shape)); break; // valid: a bare Float32Array of the right length
          case 8: given = pick(rng, [null, undefined, [], 'dict', 1, new Map(Object.entries(dict)), hostile(rng)]); break;
          default: dict[key] = nestedOf(rng, shape); break; // valid: nested arrays
        }
      }
      const before = m.rnn.stateDict();
      const probe = { data: randomData(rng, 2 * m.rnn.config.inputSize), shape: [2, m.rnn.config.inputSize] };
      const outputBefore = m.rnn.forward(probe).output.data;
      const unchanged = snapshot(given, ...Object.values(dict));
      const what = describeCall('loadStateDict', given);
      let threw = true;
      tally.attempt('loadStateDict', what, () => {
        m.rnn.loadStateDict(given as never);
        threw = false;
      });
      const written = unchanged();
      if (written) tally.violation('loadStateDict', what(), written);
      if (threw) {
        const after = m.rnn.stateDict();
        const same = Object.keys(before).every((k) => after[k].data.length === before[k].data.length
          && after[k].data.every((v, i) => Object.is(v, before[k].data[i])));
        const outputAfter = m.rnn.forward(probe).output.data;
        if (!same || !outputAfter.every((v, i) => Object.is(v, outputBefore[i]))) {
          tally.violation('loadStateDict', what(), 'a failed load changed the model');
        }
      }
    }
    expect(tally.violations.slice(start)).toEqual([]);
  }, TEST_TIMEOUT);

  it('forward: shapes, T = 0, B = 0, h0, lengths, out buffers (wrong, detached, overlapping)', () => {
    const start = tally.violations.length;
    const rng = mulberry32(SEED + 3);
    const pool = modelPool(rng, 16);
    const target = tally.calls + quota('forward');
    while (tally.calls < target) {
      const m = pick(rng, pool);
      const call = tally.build(() => {
        const c = validCall(rng, m, true);
        if (chance(rng, 0.85)) breakCall(rng, m, c, true);
        return c;
      });
      if (!call) continue;
      const unchanged = snapshot(call.input, call.options);
      const what = describeCall('forward', call.input, call.options);
      const result = tally.attempt('forward', what, () => m.rnn.forward(call.input as never, call.options as never));
      const written = unchanged();
      if (written) tally.violation('forward', what(), written);
      if (result) {
        const out = { output: peek(peek(call.options, 'out'), 'output') };
        const inputShape = shapeOf(call.input);
        if (inputShape && out.output instanceof Float32Array && result.output.data !== out.output) {
          tally.violation('forward', what(), 'out.output was given but not used');
        }
        if (!fitsShape(result.output.data, result.output.shape) || !fitsShape(result.hn.data, result.hn.shape)) {
          tally.violation('forward', what(), `result data and shape disagree: ${show(result.output)} ${show(result.hn)}`);
        }
      }
    }
    expect(tally.violations.slice(start)).toEqual([]);
  }, TEST_TIMEOUT);

  it('forwardAsync: the same junk, aborts, transfers mid-flight, concurrency, thread budget changes', async () => {
    const start = tally.violations.length;
    const rng = mulberry32(SEED + 4);
    const pool = modelPool(rng, 12);
    const target = tally.calls + quota('forwardAsync');
    while (tally.calls < target) {
      const group = Array.from({ length: between(rng, 1, 8) }, async () => {
        const m = pick(rng, pool);
        const call = tally.build(() => {
          const c = validCall(rng, m, false);
          if (chance(rng, 0.8)) breakCall(rng, m, c, false);
          return c;
        });
        if (!call) return;
        const o = call.options as Record<string, unknown>;
        let controller: AbortController | undefined;
        if (typeof o === 'object' && o !== null && !isProxyLike(o) && chance(rng, 0.15)) {
          const kind = between(rng, 0, 3);
          try {
            if (kind === 0) o.signal = AbortSignal.abort();
            else if (kind === 3) o.signal = junkScalar(rng);
            else o.signal = (controller = new AbortController()).signal;
          } catch {
            controller = undefined; // a hostile getter-only option
          }
        }
        const syncResult = (() => {
          try {
            return chance(rng, 0.3) ? m.rnn.forward(call.input as never, { h0: peek(o, 'h0'), lengths: peek(o, 'lengths') } as never) : undefined;
          } catch {
            return undefined;
          }
        })();
        const what = describeCall('forwardAsync', call.input, call.options);
        const detachAfter = chance(rng, 0.2);
        const result = await tally.attemptAsync('forwardAsync', what, () => {
          const pending = m.rnn.forwardAsync(call.input as never, call.options as never);
          if (controller) (chance(rng, 0.5) ? queueMicrotask : setImmediate)(() => controller!.abort());
          const data = peek(call.input, 'data');
          try {
            if (detachAfter && data instanceof Float32Array && data.length > 0) detach(data); // allowed right after the call
          } catch {
            // a SharedArrayBuffer cannot be transferred
          }
          return pending;
        });
        if (result && syncResult && !detachAfter && !controller) {
          const same = result.output.data.length === syncResult.output.data.length
            && result.output.data.every((v, i) => Object.is(v, syncResult.output.data[i]));
          if (!same) tally.violation('forwardAsync', what(), 'async result differs from the sync result');
        }
      });
      if (chance(rng, 0.2)) tally.attempt('setNumThreads (during async)', () => 'setNumThreads(1..3)', () => setNumThreads(between(rng, 1, 3)));
      await Promise.all(group);
    }
    setNumThreads(initialThreads);
    expect(tally.violations.slice(start)).toEqual([]);
  }, TEST_TIMEOUT);

  it('streams: createStream, push, reset, state', () => {
    const start = tally.violations.length;
    const rng = mulberry32(SEED + 5);
    const pool = modelPool(rng, 24).filter((m, i) => m.rnn.config.direction === 'forward' || i < 2); // reverse ones cannot stream
    const target = tally.calls + quota('stream');
    while (tally.calls < target) {
      const m = pick(rng, pool);
      const { inputSize: d, hiddenSize: h, numLayers, batchFirst } = m.rnn.config;
      const batchSize = between(rng, 1, 3);
      const stateShape = [numLayers, batchSize, h];
      const options = maybe(rng, () => {
        const o: Record<string, unknown> = { batchSize };
        if (chance(rng, 0.3)) o.h0 = chance(rng, 0.6) ? { data: randomData(rng, product(stateShape)), shape: stateShape } : junkTensor(rng, stateShape);
        return chance(rng, 0.2) ? mutateOptions(rng, o, ['batchSize', 'h0']) : o;
      }, 0.85);
      const stream = tally.attempt('createStream', describeCall('createStream', options), () => m.rnn.createStream(options as never));
      if (!stream) continue;
      for (let i = between(rng, 1, 4); i > 0; i--) {
        const t = between(rng, 1, 3);
        const shape = batchSize === 1 && chance(rng, 0.3) ? [t, d] : batchFirst ? [batchSize, t, d] : [t, batchSize, d];
        const chunk = chance(rng, 0.7) ? { data: randomData(rng, product(shape)), shape } : junkTensor(rng, shape);
        const unchanged = snapshot(chunk);
        const what = describeCall('stream.push', chunk);
        tally.attempt('stream.push', what, () => stream.push(chunk as never));
        const written = unchanged();
        if (written) tally.violation('stream.push', what(), written);
        if (chance(rng, 0.3)) {
          const h0 = chance(rng, 0.5) ? { data: randomData(rng, product(stateShape)), shape: stateShape } : junkTensor(rng, stateShape);
          tally.attempt('stream.reset', describeCall('stream.reset', h0), () => stream.reset(h0 as never));
        }
        const state = stream.state;
        if (!fitsShape(state.data, state.shape) || state.shape.length !== 3 || state.shape[0] !== numLayers || state.shape[2] !== h) {
          tally.violation('stream.state', show(state), `state has the wrong size for [${numLayers}, B, ${h}]`);
        }
      }
    }
    expect(tally.violations.slice(start)).toEqual([]);
  }, TEST_TIMEOUT);

  it('Keras layers: SimpleRNN and Dense constructors, setWeights, call, getWeights', () => {
    const start = tally.violations.length;
    const rng = mulberry32(SEED + 6);
    const target = tally.calls + quota('keras');
    const safeDim = (v: unknown) => (v === 2 ** 31 - 1 ? 2 ** 31 : v); // a 2^31-1 x 1 kernel is a legal 8 GiB request
    while (tally.calls < target) {
      const units = between(rng, 1, 6);
      const d = between(rng, 1, 4);
      if (chance(rng, 0.5)) {
        const base: Record<string, unknown> = { units, activation: pick(rng, ['tanh', 'relu', 'sigmoid', 'linear', 'elu', 'softsign',
          'softplus', 'hard_sigmoid', 'selu']), useBias: chance(rng, 0.7), returnSequences: chance(rng, 0.5), returnState: chance(rng, 0.5),
        goBackwards: chance(rng, 0.3), seed: between(rng, 0, 9) };
        if (chance(rng, 0.3)) base.inputDim = d;
        const options = refuseHugeValid(chance(rng, 0.2) ? mutateOptions(rng, base, ['units', 'activation', 'useBias', 'returnSequences',
          'returnState', 'goBackwards', 'inputDim', 'seed']) : base) as Record<string, unknown>;
        if (options && typeof options === 'object') for (const k of ['units', 'inputDim']) {
          try { if (k in options) options[k] = safeDim(options[k]); } catch { /* hostile */ }
        }
        const layer = tally.attempt('new SimpleRNN', describeCall('new SimpleRNN', options), () => new SimpleRNN(options as never));
        if (!layer) continue;
        const useBias = layer.useBias;
        if (chance(rng, 0.6)) {
          const shapes = useBias ? [[d, units], [units, units], [units]] : [[d, units], [units, units]];
          const weights: unknown[] = shapes.map((s) => ({ data: randomData(rng, product(s)), shape: s }));
          if (chance(rng, 0.7)) weights[between(rng, 0, weights.length - 1)] = junkTensor(rng, pick(rng, shapes));
          if (chance(rng, 0.1)) weights.push(junkScalar(rng));
          const list = chance(rng, 0.1) ? junkScalar(rng) : weights;
          tally.attempt('SimpleRNN.setWeights', describeCall('setWeights', list), () => layer.setWeights(list as never));
        }
        const n = between(rng, 0, 2);
        const t = between(rng, 0, 3);
        const xd = layer.inputDim ?? d;
        const x = unbuiltHuge(layer.inputDim, chance(rng, 0.7) ? { data: randomData(rng, n * t * xd), shape: [n, t, xd] } : junkTensor(rng, [n, t, xd]));
        const callOptions: Record<string, unknown> = {};
        if (chance(rng, 0.3)) callOptions.initialState = chance(rng, 0.5) ? [{ data: randomData(rng, n * units), shape: [n, units] }] : junkTensor(rng, [n, units]);
        if (chance(rng, 0.3)) {
          callOptions.mask = pick(rng, [
            Uint8Array.from({ length: n * t }, () => between(rng, 0, 1)),
            Array.from({ length: n }, () => Array.from({ length: t }, () => pick(rng, [true, false, 0, 1, 2, 'x', null]))),
            detach(new Uint8Array(Math.max(1, n * t))),
            new Uint8Array(n * t + 1),
            junkScalar(rng),
          ]);
        }
        const unchanged = snapshot(x, callOptions);
        const what = describeCall('SimpleRNN.call', x, callOptions);
        tally.attempt('SimpleRNN.call', what, () => layer.call(x as never, (chance(rng, 0.05) ? junkScalar(rng) : callOptions) as never));
        const written = unchanged();
        if (written) tally.violation('SimpleRNN.call', what(), written);
        tally.attempt('SimpleRNN.getWeights', () => 'getWeights()', () => layer.getWeights());
      } else {
        const base: Record<string, unknown> = { units, activation: pick(rng, ['linear', 'relu', 'sigmoid', 'tanh', 'softmax']), useBias: chance(rng, 0.7) };
        if (chance(rng, 0.3)) base.inputDim = d;
        const options = chance(rng, 0.2) ? mutateOptions(rng, base, ['units', 'activation', 'useBias', 'inputDim', 'seed']) : base;
        if (options && typeof options === 'object') for (const k of ['units', 'inputDim']) {
          try { if (k in (options as object)) (options as Record<string, unknown>)[k] = safeDim((options as Record<string, unknown>)[k]); } catch { /* hostile */ }
        }
        const dense = tally.attempt('new Dense', describeCall('new Dense', options), () => new Dense(options as never));
        if (!dense) continue;
        if (chance(rng, 0.5)) {
          const shapes = dense.useBias ? [[d, units], [units]] : [[d, units]];
          const weights: unknown[] = shapes.map((s) => ({ data: randomData(rng, product(s)), shape: s }));
          if (chance(rng, 0.6)) weights[between(rng, 0, weights.length - 1)] = junkTensor(rng, pick(rng, shapes));
          tally.attempt('Dense.setWeights', describeCall('Dense.setWeights', weights), () => dense.setWeights(weights as never));
        }
        const inDim = dense.inputDim ?? d;
        const shape = pick(rng, [[inDim], [between(rng, 0, 3), inDim], [2, between(rng, 0, 2), inDim]]);
        const x = unbuiltHuge(dense.inputDim, chance(rng, 0.7) ? { data: randomData(rng, product(shape)), shape } : junkTensor(rng, shape));
        const unchanged = snapshot(x);
        const what = describeCall('Dense.call', x);
        const y = tally.attempt('Dense.call', what, () => dense.call(x as never));
        const written = unchanged();
        if (written) tally.violation('Dense.call', what(), written);
        if (y && !fitsShape(y.data, y.shape)) tally.violation('Dense.call', what(), `result data and shape disagree: ${show(y)}`);
        tally.attempt('Dense.getWeights', () => 'getWeights()', () => dense.getWeights());
      }
    }
    expect(tally.violations.slice(start)).toEqual([]);
  }, TEST_TIMEOUT);

  it('runtime settings: setNumThreads, setKernelPath, and a forward after each', () => {
    const start = tally.violations.length;
    const rng = mulberry32(SEED + 7);
    const rnn = new RNN({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, seed: 1 });
    const x = { data: randomData(rng, 4 * 3 * 3), shape: [4, 3, 3] };
    setKernelPath('portable');
    const expected = rnn.forward(x).output.data;
    const paths = supportedKernelPaths();
    const target = tally.calls + quota('runtime');
    while (tally.calls < target) {
      const threads = maybe(rng, () => between(rng, 1, 4), 0.5, () => (chance(rng, 0.5) ? junkDim(rng) : junkScalar(rng)));
      tally.attempt('setNumThreads', describeCall('setNumThreads', threads), () => setNumThreads(threads as never));
      const n = getNumThreads();
      if (!(Number.isInteger(n) && n >= 1 && n <= 1024)) tally.violation('getNumThreads', String(n), 'out of range');
      const kernel = maybe(rng, () => pick(rng, ['auto', 'portable', 'avx2', 'avx512']), 0.6, () => pick(rng, ['AVX2', 'sse', '', 'auto ', junkScalar(rng)]));
      tally.attempt('setKernelPath', describeCall('setKernelPath', kernel), () => setKernelPath(kernel as never));
      if (!paths.includes(getKernelPath())) tally.violation('getKernelPath', getKernelPath(), 'not a supported path');
      const { output } = rnn.forward(x);
      if (!output.data.every((v, i) => Math.abs(v - expected[i]) <= 1e-5 + 1e-4 * Math.abs(expected[i]))) {
        tally.violation('forward after runtime settings', `${getKernelPath()} ${getNumThreads()}`, 'results changed beyond the tolerance');
      }
    }
    setNumThreads(initialThreads);
    setKernelPath('auto');
    expect(tally.violations.slice(start)).toEqual([]);
  }, TEST_TIMEOUT);

  it('createBatcher and batcher.run (when present)', async () => {
    const start = tally.violations.length;
    const createBatcher = fn('createBatcher');
    if (!createBatcher) {
      console.log('deep fuzz: createBatcher is not exported yet; skipped');
      return;
    }
    interface BatcherLike { run(x: unknown, o?: unknown): Promise<unknown>; close(): Promise<void>; pending: number }
    const rng = mulberry32(SEED + 8);
    const pool = modelPool(rng, 8);
    const target = tally.calls + quota('batcher');
    while (tally.calls < target) {
      const m = pick(rng, pool);
      const { inputSize: d, hiddenSize: h } = m.rnn.config;
      const options = maybe(rng, () => ({ maxBatchSize: between(rng, 1, 8), maxDelayMs: pick(rng, [0, 0.5, 1, 2]) }), 0.8,
        () => mutateOptions(rng, { maxBatchSize: 4, maxDelayMs: 1 }, ['maxBatchSize', 'maxDelayMs']));
      const safeOptions = (() => { // a valid 2^31 ms delay is only slow, not malformed
        try { if (options && typeof options === 'object' && (options as { maxDelayMs?: number }).maxDelayMs! > 5) (options as { maxDelayMs: number }).maxDelayMs = 1; } catch { /* hostile */ }
        return options;
      })();
      const batcher = tally.attempt('createBatcher', describeCall('createBatcher', safeOptions), () => createBatcher(m.rnn, safeOptions) as BatcherLike);
      if (!batcher) continue;
      const requests = Array.from({ length: between(rng, 1, 10) }, () => {
        const t = between(rng, 1, 4);
        const sequence = chance(rng, 0.75) ? { data: randomData(rng, t * d), shape: [t, d] } : junkTensor(rng, [t, d]);
        const o: Record<string, unknown> = {};
        if (chance(rng, 0.3)) o.h0 = chance(rng, 0.6) ? { data: randomData(rng, m.stateRows * h), shape: [m.stateRows, h] } : junkTensor(rng, [m.stateRows, h]);
        let controller: AbortController | undefined;
        if (chance(rng, 0.2)) o.signal = chance(rng, 0.5) ? (controller = new AbortController()).signal : pick(rng, [AbortSignal.abort(), junkScalar(rng)]);
        const runOptions = chance(rng, 0.1) ? mutateOptions(rng, o, ['h0', 'signal']) : o;
        const what = describeCall('batcher.run', sequence, runOptions);
        return tally.attemptAsync('batcher.run', what, async () => {
          const pending = batcher.run(sequence, runOptions);
          if (controller && chance(rng, 0.5)) setImmediate(() => controller!.abort());
          const result = await pending as { output: { data: Float32Array; shape: number[] } };
          if (!fitsShape(result.output.data, result.output.shape)) tally.violation('batcher.run', what(), 'result data and shape disagree');
          return result;
        });
      });
      if (chance(rng, 0.3)) await tally.attemptAsync('batcher.close (mid-flight)', () => 'close()', () => batcher.close());
      await Promise.all(requests);
      await tally.attemptAsync('batcher.close', () => 'close()', () => batcher.close());
      await tally.attemptAsync('batcher.run (closed)', () => 'run after close', () => batcher.run([[1]]));
      if (batcher.pending !== 0) tally.violation('batcher', 'after close', `pending is ${batcher.pending}`);
    }
    expect(tally.violations.slice(start)).toEqual([]);
  }, TEST_TIMEOUT);

  it('model files and .npy (when loadModel / readNpy exist): byte-mutated, truncated, lying headers', async () => {
    const start = tally.violations.length;
    const loadModel = fn('loadModel');
    const readNpy = fn('readNpy') ?? fn('decodeNpy');
    const writeNpy = fn('writeNpy');
    const encodeNpy = fn('encodeNpy');
    const readSafetensors = fn('decodeSafetensors') ?? fn('readSafetensors');
    if (!loadModel && !readNpy && !readSafetensors) {
      console.log('deep fuzz: loadModel and readNpy are not exported yet; skipped');
      return;
    }
    const rng = mulberry32(SEED + 9);
    const modelsDir = path.join(FIXTURES_DIR, 'models');
    const files = readdirSync(modelsDir);
    const modelFiles = files.filter((f) => f.endsWith('.onnx') || f.endsWith('.safetensors')).map((f) => path.join(modelsDir, f));
    const npyFiles = files.filter((f) => f.endsWith('.npy')).map((f) => path.join(modelsDir, f));
    const safetensorsFiles = modelFiles.filter((f) => f.endsWith('.safetensors'));
    const tfjsDir = path.join(modelsDir, 'tfjs_rnn_dense');
    const feedsFor = (file: string): Record<string, unknown> | undefined => {
      try {
        const json = JSON.parse(readFileSync(file.replace(/\.(onnx|safetensors)$/, '.json'), 'utf8'));
        return Object.fromEntries(Object.entries(json.inputs as Record<string, { shape: number[]; data: number[] }>)
          .filter(([, t]) => t !== null).map(([name, t]) => [name, { data: Float32Array.from(t.data), shape: t.shape }]));
      } catch {
        return undefined;
      }
    };
    let counter = 0;
    const target = tally.calls + quota('files');
    while (tally.calls < target) {
      const kind = between(rng, 0, 9);
      if (loadModel && kind <= 5) {
        const useTfjs = kind === 5;
        const file = useTfjs ? path.join(tfjsDir, chance(rng, 0.5) ? 'model.json' : 'weights.bin') : pick(rng, modelFiles);
        const original = new Uint8Array(readFileSync(file));
        const { bytes, applied } = chance(rng, 0.95) ? mutateBytes(rng, original) : { bytes: original, applied: ['none'] };
        let source: unknown = bytes;
        if (useTfjs || chance(rng, 0.5)) { // through a path, with the file's own name (the format may come from it)
          const dir = path.join(scratchDir, `case-${counter++ % 8}`);
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          if (useTfjs) for (const f of ['model.json', 'weights.bin']) writeFileSync(path.join(dir, f), readFileSync(path.join(tfjsDir, f)));
          writeFileSync(path.join(dir, path.basename(file)), bytes);
          source = path.join(dir, useTfjs ? 'model.json' : path.basename(file));
        }
        const options = chance(rng, 0.1) ? junkScalar(rng) : undefined;
        const what = () => `loadModel(${typeof source === 'string' ? source : show(source)}, ${show(options)}) of ${path.basename(file)} after ${applied.join(', ')}`;
        const model = await tally.attemptAsync('loadModel (mutated file)', what, () => loadModel(source, options)) as
          { run?: (f: unknown) => Promise<unknown>; runSync?: (f: unknown) => unknown; inputNames?: string[] } | undefined;
        if (model && typeof model === 'object') {
          const feeds = useTfjs ? undefined : feedsFor(file);
          const junkFeeds = chance(rng, 0.5) || !feeds ? pick(rng, [{}, { x: junkScalar(rng) }, junkScalar(rng),
            Object.fromEntries((model.inputNames ?? ['x']).map((n) => [n, junkTensor(rng, [2, 1, 3])]))]) : feeds;
          if (typeof model.run === 'function') await tally.attemptAsync('model.run (mutated model)', describeCall('run', junkFeeds), () => model.run!(junkFeeds));
          if (typeof model.runSync === 'function') tally.attempt('model.runSync (mutated model)', describeCall('runSync', junkFeeds), () => model.runSync!(junkFeeds));
        }
      } else if (loadModel && kind === 6) {
        const arg = pick(rng, [junkScalar(rng), path.join(scratchDir, 'missing.onnx'), scratchDir, new Uint8Array(0), junkBuffer(rng, 8), '',
          new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])]);
        await tally.attemptAsync('loadModel (junk arguments)', describeCall('loadModel', arg), () => loadModel(arg, chance(rng, 0.3) ? junkScalar(rng) : undefined));
      } else if (readNpy && kind <= 8) {
        const file = pick(rng, npyFiles);
        const { bytes, applied } = mutateBytes(rng, new Uint8Array(readFileSync(file)));
        const what = () => `readNpy(${show(bytes)}) of ${path.basename(file)} after ${applied.join(', ')}`;
        const array = await tally.attemptAsync('readNpy (mutated)', what, () => readNpy(bytes)) as { data?: { length: number }; shape?: number[] } | undefined;
        if (array && array.data && array.shape && !fitsShape(array.data, array.shape)) {
          tally.violation('readNpy', what(), `data has ${array.data.length} elements, shape ${show(array.shape)}`);
        }
      } else if (readNpy && chance(rng, 0.5)) {
        const arg = pick(rng, [junkScalar(rng), junkBuffer(rng, 16), path.join(scratchDir, 'missing.npy'), scratchDir]);
        await tally.attemptAsync('readNpy (junk arguments)', describeCall('readNpy', arg), () => readNpy(arg));
        const tensor = junkTensor(rng, [2, 3]);
        if (writeNpy) await tally.attemptAsync('writeNpy (junk tensor)', describeCall('writeNpy', tensor), () => writeNpy(path.join(scratchDir, 'out.npy'), tensor));
        if (encodeNpy) {
          const encoded = tally.attempt('encodeNpy (junk tensor)', describeCall('encodeNpy', tensor), () => encodeNpy(tensor)) as Uint8Array | undefined;
          if (encoded) { // a tensor that encodes decodes to itself
            const back = tally.attempt('decodeNpy (round trip)', describeCall('decodeNpy', encoded), () => readNpy(encoded)) as { shape?: number[] } | undefined;
            if (!back) tally.violation('encodeNpy', describeCall('encodeNpy', tensor)(), 'the encoded bytes do not decode');
          }
        }
      } else if (readSafetensors) {
        const file = pick(rng, safetensorsFiles);
        const { bytes, applied } = mutateBytes(rng, new Uint8Array(readFileSync(file)));
        const what = () => `decodeSafetensors(${show(bytes)}) of ${path.basename(file)} after ${applied.join(', ')}`;
        await tally.attemptAsync('decodeSafetensors (mutated)', what, () => readSafetensors(bytes));
      }
    }
    expect(tally.violations.slice(start)).toEqual([]);
  }, TEST_TIMEOUT);

  it(`made at least ${Math.min(10_000, ITERATIONS)} calls, kept memory bounded, and reports its counts`, () => {
    const unknown = Object.keys(lib).filter((name) => typeof lib[name] === 'function' && !KNOWN_EXPORTS.has(name));
    const end = collect();
    const growthMiB = (end.rss - rssAtStart) / 2 ** 20;
    const mib = (n: number) => (n / 2 ** 20).toFixed(1);
    const heap = (globalThis as { gc?: () => void }).gc
      ? ` (after gc: heapUsed ${mib(memoryAtStart.heapUsed)} -> ${mib(end.heapUsed)} MiB, external ${mib(memoryAtStart.external)} -> ${mib(end.external)} MiB)` : '';
    console.log(`${tally.summary()}\n  seed ${SEED}, target ${ITERATIONS} calls; RSS growth over the suite ${growthMiB.toFixed(1)} MiB${heap}`
      + `${unknown.length > 0 ? `; exported functions not fuzzed: ${unknown.join(', ')}` : ''}`);
    expect(tally.calls).toBeGreaterThanOrEqual(Math.min(10_000, ITERATIONS * (1 - (fn('loadModel') || fn('readNpy') ? 0 : SHARES.files))));
    expect(tally.threw).toBeGreaterThan(0);
    expect(tally.generatorErrors).toBeLessThan(tally.calls / 100);
    expect(tally.worked).toBeGreaterThan(0);
    // A header sized allocation that got through would show here in gigabytes.
    expect(growthMiB).toBeLessThan(1024);
  });
});
