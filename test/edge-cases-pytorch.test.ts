// Numeric and shape edge cases, each decided to match PyTorch (or, for activations PyTorch's RNN
// does not have, the framework that defines them), on every kernel path where the arithmetic runs.
// Complements test/edge-cases.test.ts with the cases it does not cover.
//
// Decisions (and what the code does):
// - NaN and ±Inf follow IEEE arithmetic in the same places PyTorch's addmm + tanh/relu put them:
//   tanh(±Inf) = ±1 exactly, relu(+Inf) = +Inf, 0 × Inf = NaN (also with the implicit zero h0),
//   NaN in one sequence never reaches another. The expected values come from the float64
//   reference in test/support/reference.ts, whose special-value results do not depend on
//   summation order (the inputs avoid finite overflow in intermediate sums).
// - T = 0 is a RangeError everywhere a sequence is taken (PyTorch refuses empty sequences).
// - B = 0 returns empty results of the documented shapes (forward, forwardAsync, Keras layers);
//   a stream needs at least one sequence (batchSize 0 is a RangeError).
// - A shape whose element count overflows is a RangeError from the size check, before any
//   allocation; weight matrices past 2^31-1 elements are refused when the model is constructed.
// - A detached (transferred) ArrayBuffer is a TypeError wherever a buffer is accepted.
// - Arguments are copied or only read: nothing the caller passes is written (except out buffers),
//   and nothing the caller changes afterwards reaches the model.
//
// `it.fails` marks known, reported bugs: the test states the intended behaviour and currently
// fails; when the library is fixed, vitest reports it and the `.fails` must be removed.
import { getEventListeners } from 'node:events';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import * as api from '../lib/index';
import { Dense, RNN, setKernelPath, SimpleRNN, supportedKernelPaths, type Tensor } from '../lib/index';
import { expectClose, expectExact, mulberry32, randomFloat32 } from './support/fixtures';
import { applyActivation, referenceForward, type RefOptions } from './support/reference';

afterAll(() => setKernelPath('auto'));

const PATHS = supportedKernelPaths();
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The reference forward pass of an RNN, from its own config and state_dict. */
function reference(rnn: RNN, input: Float32Array, steps: number, batch: number, opts: RefOptions = {}) {
  const c = rnn.config;
  const dict = rnn.stateDict();
  const weights = range(c.numLayers).map((layer) => range(rnn.numDirections).map((dir) => {
    const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
    return { wIh: dict[`weight_ih${suffix}`].data, wHh: dict[`weight_hh${suffix}`].data, bIh: dict[`bias_ih${suffix}`]?.data,
      bHh: dict[`bias_hh${suffix}`]?.data };
  }));
  return referenceForward({ inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, direction: c.direction,
    activations: c.activations.map((a) => ({ name: a.name, alpha: a.alpha, beta: a.beta })), clip: c.clip,
    batchFirst: c.batchFirst }, weights, input, steps, batch, opts);
}

function withWeights(options: ConstructorParameters<typeof RNN>[0], dict: Record<string, number[] | number[][]>): RNN {
  const rnn = new RNN({ seed: 0, ...options });
  rnn.loadStateDict(dict);
  return rnn;
}

function detached(length = 8): Float32Array {
  const data = new Float32Array(length);
  structuredClone(data.buffer, { transfer: [data.buffer] });
  return data;
}

const rows = (t: Tensor, width: number) => range(t.data.length / width).map((r) => Array.from(t.data.subarray(r * width, (r + 1) * width)));

describe.each(PATHS)('NaN and Inf on the %s kernel path', (path) => {
  beforeEach(() => setKernelPath(path));

  it.each(['tanh', 'relu'] as const)('NaN in one sequence of a 2-layer bidirectional %s batch stays in that sequence', (nonlinearity) => {
    const rnn = new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, nonlinearity, seed: 3 });
    const [T, B] = [5, 3];
    const x = randomFloat32(mulberry32(1), T * B * 3);
    x[(2 * B + 1) * 3 + 0] = NaN; // step 2 of sequence 1
    const { output, hn } = rnn.forward({ data: x, shape: [T, B, 3] });
    const want = reference(rnn, x, T, B);
    expectClose(output.data, want.output, `${path} ${nonlinearity} output`);
    expectClose(hn.data, want.hn, `${path} ${nonlinearity} hn`);
    // Layer 1 carries the NaN forwards (steps >= 2) and backwards (steps <= 2): layer 2 sees it at every step.
    const out = rows(output, 8);
    for (let t = 0; t < T; t++) {
      expect(out[t * B + 1].every(Number.isNaN), `step ${t} of sequence 1`).toBe(true);
      expect(out[t * B + 0].every(Number.isFinite) && out[t * B + 2].every(Number.isFinite), `step ${t} of sequences 0, 2`).toBe(true);
    }
  });

  it('+Inf and -Inf inputs saturate tanh to exactly ±1 and the recurrence continues from there', () => {
    const rnn = withWeights({ inputSize: 1, hiddenSize: 2 }, { weight_ih_l0: [[1], [-2]], weight_hh_l0: [[0.5, 0.25], [0.25, 0.5]],
      bias_ih_l0: [0.1, 0.1], bias_hh_l0: [0, 0] });
    const x = Float32Array.from([Infinity, 0.5, -Infinity, 0.3]);
    const { output } = rnn.forward({ data: x, shape: [4, 1] });
    expect(Array.from(output.data.subarray(0, 2))).toEqual([1, -1]);
    expect(Array.from(output.data.subarray(4, 6))).toEqual([-1, 1]);
    expect(Array.from(output.data).every(Number.isFinite)).toBe(true);
    expectClose(output.data, reference(rnn, x, 4, 1).output, `${path} output`);
  });

  it('+Inf through relu is Inf, and Inf - Inf or 0 × Inf in the next step is NaN, as in PyTorch', () => {
    const rnn = withWeights({ inputSize: 1, hiddenSize: 2, nonlinearity: 'relu' }, { weight_ih_l0: [[1], [1]],
      weight_hh_l0: [[1, -1], [0, 1]], bias_ih_l0: [0, 0], bias_hh_l0: [0, 0] });
    const x = Float32Array.from([Infinity, 1, 1]);
    const { output } = rnn.forward({ data: x, shape: [3, 1] });
    // step 0: [Inf, Inf]; step 1: unit 0 = Inf - Inf = NaN, unit 1 = 0 × Inf + Inf = NaN.
    expect(Array.from(output.data)).toEqual([Infinity, Infinity, NaN, NaN, NaN, NaN]);
    expectClose(output.data, reference(rnn, x, 3, 1).output, `${path} output`);
  });

  it('an Inf weight meets the zero initial state as 0 × Inf = NaN (PyTorch multiplies the zero h0 too)', () => {
    const rnn = withWeights({ inputSize: 1, hiddenSize: 2 }, { weight_ih_l0: [[1], [1]], weight_hh_l0: [[Infinity, 0], [0, 0.5]],
      bias_ih_l0: [0, 0], bias_hh_l0: [0, 0] });
    const x = Float32Array.from([0.5, 0.25]);
    const implicit = rnn.forward({ data: x, shape: [2, 1] }).output.data;
    const explicit = rnn.forward({ data: x, shape: [2, 1] }, { h0: [[0, 0]] }).output.data;
    expect(Number.isNaN(implicit[0])).toBe(true);
    expect(implicit[1]).toBeCloseTo(Math.tanh(0.5), 6);
    expect(Array.from(implicit.subarray(2)).every(Number.isNaN)).toBe(true);
    expectExact(implicit, explicit, `${path} implicit vs explicit zero h0`);
    expectClose(implicit, reference(rnn, x, 2, 1).output, `${path} output`);
  });

  it('NaN and Inf in weights and biases propagate as in PyTorch (multi-layer, batched)', () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, numLayers: 2, seed: 5 });
    const dict = rnn.stateDict();
    dict.weight_ih_l0.data[4] = NaN; // unit 2 of layer 0 reads input feature 0
    dict.bias_hh_l1.data[0] = Infinity;
    dict.bias_ih_l1.data[1] = -Infinity;
    rnn.loadStateDict(dict);
    const x = randomFloat32(mulberry32(2), 3 * 2 * 2);
    const { output, hn } = rnn.forward({ data: x, shape: [3, 2, 2] });
    const want = reference(rnn, x, 3, 2);
    expectClose(output.data, want.output, `${path} output`);
    expectClose(hn.data, want.hn, `${path} hn`);
    expect(Array.from(output.data).every(Number.isNaN)).toBe(true); // layer 0's NaN reaches every unit of layer 1
  });

  it('relu with huge weights overflows to exactly Inf and stays Inf when every weight is positive', () => {
    const rnn = withWeights({ inputSize: 1, hiddenSize: 1, nonlinearity: 'relu' }, { weight_ih_l0: [[1e20]], weight_hh_l0: [[1e20]],
      bias_ih_l0: [0], bias_hh_l0: [0] });
    const x = Float32Array.from([1, 1, 1, 1]);
    const { output, hn } = rnn.forward({ data: x, shape: [4, 1] });
    expect(Array.from(output.data)).toEqual([Math.fround(1e20), Infinity, Infinity, Infinity]);
    expect(Array.from(hn.data)).toEqual([Infinity]);
    expectClose(output.data, reference(rnn, x, 4, 1).output, `${path} output`);
  });

  const SPECIAL = [NaN, Infinity, -Infinity, 3e38, -3e38, 0, -0, 20, -20];
  const ONNX_ACTIVATIONS = ['Relu', 'Tanh', 'Sigmoid', 'Affine', 'LeakyRelu', 'ThresholdedRelu', 'ScaledTanh', 'Elu', 'Softsign',
    'Softplus', 'HardSigmoid'];

  it.each(ONNX_ACTIVATIONS)('%s maps NaN, ±Inf and ±3e38 pre-activations as its formula does', (activation) => {
    // x W_ih + 0 with W_ih = 1 and W_hh = 0: one step gives act(x) itself. Each value is its own sequence.
    const rnn = withWeights({ inputSize: 1, hiddenSize: 1, activations: [activation] }, { weight_ih_l0: [[1]], weight_hh_l0: [[0]],
      bias_ih_l0: [0], bias_hh_l0: [0] });
    const { output } = rnn.forward({ data: Float32Array.from(SPECIAL), shape: [1, SPECIAL.length, 1] });
    const spec = rnn.config.activations[0];
    const want = SPECIAL.map((v) => Math.fround(applyActivation({ name: spec.name, alpha: spec.alpha, beta: spec.beta }, v)));
    const checked = activation === 'HardSigmoid' ? range(SPECIAL.length).filter((i) => !Number.isNaN(SPECIAL[i])) : range(SPECIAL.length);
    expectClose(checked.map((i) => output.data[i]), checked.map((i) => want[i]), `${path} ${activation}`);
    if (activation === 'ThresholdedRelu') expect(output.data[0]).toBe(0); // onnxruntime's x > alpha ? x : 0 maps NaN to 0
    if (activation === 'Softsign') expect(Number.isNaN(output.data[1]) && Number.isNaN(output.data[2])).toBe(true); // Inf / Inf
  });

  // Was a bug (fixed): the kernel's HardSigmoid clamps NaN to 0, while Keras/TF.js (clipByValue)
  // and PyTorch's hardsigmoid propagate NaN; SimpleRNN(activation: 'hard_sigmoid') claims Keras semantics.
  it('hard_sigmoid propagates NaN (Keras / TF.js clipByValue, PyTorch hardsigmoid)', () => {
    const layer = new SimpleRNN({ units: 1, activation: 'hard_sigmoid', returnSequences: true });
    layer.setWeights([[[1]], [[0]], [0]]);
    const { output } = layer.call({ data: Float32Array.from([NaN]), shape: [1, 1, 1] });
    expect(Number.isNaN(output.data[0])).toBe(true);
  });

  it('Keras selu and elu keep NaN and saturate at -Inf (SimpleRNN)', () => {
    for (const activation of ['selu', 'elu']) {
      const layer = new SimpleRNN({ units: 1, activation, returnSequences: true });
      layer.setWeights([[[1]], [[0]], [0]]);
      const { output } = layer.call({ data: Float32Array.from([NaN, -Infinity, Infinity]), shape: [3, 1, 1] });
      const want = [NaN, -Infinity, Infinity].map((v) => Math.fround(applyActivation({ name: activation }, v)));
      expectClose(output.data, want, `${path} ${activation}`);
    }
  });

  it('clip keeps NaN and clamps ±Inf, as ONNX Runtime does', () => {
    const rnn = withWeights({ inputSize: 1, hiddenSize: 1, clip: 2, activations: ['Affine'] }, { weight_ih_l0: [[1]], weight_hh_l0: [[0]],
      bias_ih_l0: [0], bias_hh_l0: [0] });
    const x = Float32Array.from([NaN, Infinity, -Infinity, 5, -5, 1]);
    const { output } = rnn.forward({ data: x, shape: [1, 6, 1] });
    expect(Array.from(output.data)).toEqual([NaN, 2, -2, 2, -2, 1]);
  });
});

describe('T = 0 is refused, as PyTorch refuses an empty sequence', () => {
  const rnn = new RNN({ inputSize: 3, hiddenSize: 4, seed: 1 });
  const message = 'input: the sequence length must be at least 1 (as in PyTorch)';

  it.each([
    ['time-major', [0, 2, 3]],
    ['unbatched', [0, 3]],
  ])('forward and forwardAsync refuse a %s input with no steps', async (_what, shape) => {
    const x = { data: new Float32Array(0), shape };
    expect(() => rnn.forward(x)).toThrow(RangeError);
    expect(() => rnn.forward(x)).toThrow(message);
    await expect(rnn.forwardAsync(x)).rejects.toThrow(RangeError);
    await expect(rnn.forwardAsync(x)).rejects.toThrow(message);
  });

  it('batch-first: [B, 0, D]', () => {
    const bf = new RNN({ inputSize: 3, hiddenSize: 4, batchFirst: true, seed: 1 });
    expect(() => bf.forward({ data: new Float32Array(0), shape: [2, 0, 3] })).toThrow(message);
  });

  it('a stream refuses an empty chunk, and SimpleRNN an [N, 0, D] input', () => {
    const stream = rnn.createStream({ batchSize: 2 });
    expect(() => stream.push({ data: new Float32Array(0), shape: [0, 2, 3] })).toThrow(RangeError);
    expect(stream.state.data.every((v) => v === 0)).toBe(true); // the refused chunk did not advance the state
    const layer = new SimpleRNN({ units: 2 });
    expect(() => layer.call({ data: new Float32Array(0), shape: [2, 0, 3] })).toThrow(RangeError);
    expect(() => layer.call({ data: new Float32Array(0), shape: [2, 0, 3] })).toThrow('x: expected shape [N, T >= 1, 3], got [2, 0, 3]');
  });

  it('the batcher refuses a [0, D] sequence', async () => {
    const createBatcher = (api as unknown as Record<string, unknown>).createBatcher as
      ((rnn: RNN) => { run(x: unknown): Promise<unknown>; close(): Promise<void> }) | undefined;
    if (!createBatcher) return;
    const batcher = createBatcher(rnn);
    await expect(batcher.run({ data: new Float32Array(0), shape: [0, 3] })).rejects.toThrow(RangeError);
    await batcher.close();
  });
});

describe('B = 0 gives empty results of the documented shapes', () => {
  it.each([false, true])('forward, forwardAsync with h0, lengths and out buffers (batchFirst %s, 2 layers, bidirectional)', async (batchFirst) => {
    const rnn = new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst, seed: 1 });
    const x = { data: new Float32Array(0), shape: batchFirst ? [0, 5, 3] : [5, 0, 3] };
    const outputShape = batchFirst ? [0, 5, 8] : [5, 0, 8];
    const h0 = { data: new Float32Array(0), shape: [4, 0, 4] };
    const out = { output: new Float32Array(0), hn: new Float32Array(0) };
    for (const lengths of [undefined, [], new Int32Array(0)]) {
      const r = rnn.forward(x, { h0, lengths, out });
      expect(r.output.shape).toEqual(outputShape);
      expect(r.hn.shape).toEqual([4, 0, 4]);
      expect(r.output.data).toBe(out.output);
      expect(r.hn.data).toBe(out.hn);
      const a = await rnn.forwardAsync(x, { h0, lengths });
      expect(a.output.shape).toEqual(outputShape);
      expect(a.hn.shape).toEqual([4, 0, 4]);
      expect(a.output.data.length + a.hn.data.length).toBe(0);
    }
  });

  it('B = 0 with a 2^31-1 step count is still empty and immediate; one step more is a RangeError', () => {
    const rnn = new RNN({ inputSize: 3, hiddenSize: 4, seed: 1 });
    const r = rnn.forward({ data: new Float32Array(0), shape: [2 ** 31 - 1, 0, 3] });
    expect(r.output.shape).toEqual([2 ** 31 - 1, 0, 4]);
    expect(r.output.data.length).toBe(0);
    expect(() => rnn.forward({ data: new Float32Array(0), shape: [2 ** 31, 0, 3] })).toThrow(RangeError);
    expect(() => rnn.forward({ data: new Float32Array(0), shape: [2 ** 31, 0, 3] }))
      .toThrow('input: shape [2147483648, 0, 3] has a sequence length or batch above 2^31-1, the most the kernel takes');
    expect(() => new SimpleRNN({ units: 2 }).call({ data: new Float32Array(0), shape: [0, 2 ** 31, 3] }))
      .toThrow('x: shape [0, 2147483648, 3] has a sequence length or batch above 2^31-1, the most the kernel takes');
  });

  it('Keras layers: SimpleRNN [0, T, D] and Dense [0, D]', () => {
    const layer = new SimpleRNN({ units: 2, returnSequences: true, returnState: true, seed: 1 });
    const { output, state } = layer.call({ data: new Float32Array(0), shape: [0, 4, 3] });
    expect(output.shape).toEqual([0, 4, 2]);
    expect(state!.shape).toEqual([0, 2]);
    const last = new SimpleRNN({ units: 2, seed: 1 }).call({ data: new Float32Array(0), shape: [0, 4, 3] });
    expect(last.output.shape).toEqual([0, 2]);
    const dense = new Dense({ units: 5, inputDim: 3, seed: 1 });
    const y = dense.call({ data: new Float32Array(0), shape: [0, 3] });
    expect(y.shape).toEqual([0, 5]);
    expect(y.data.length).toBe(0);
  });

  it('a stream needs at least one sequence: batchSize 0 is a RangeError', () => {
    const rnn = new RNN({ inputSize: 3, hiddenSize: 4, seed: 1 });
    expect(() => rnn.createStream({ batchSize: 0 })).toThrow(RangeError);
    expect(() => rnn.createStream({ batchSize: 0 })).toThrow('batchSize: expected a positive integer, got 0');
  });
});

describe.each(PATHS)('very long sequences with tiny H on the %s kernel path', (path) => {
  beforeEach(() => setKernelPath(path));
  const T = 200_000;

  it.each(['tanh', 'relu'] as const)('T = 200,000, H = 1, two sequences of different lengths (%s): the whole output matches the reference', (nonlinearity) => {
    const rnn = withWeights({ inputSize: 1, hiddenSize: 1, nonlinearity }, { weight_ih_l0: [[0.7]], weight_hh_l0: [[0.6]],
      bias_ih_l0: [0.05], bias_hh_l0: [-0.02] });
    const x = randomFloat32(mulberry32(8), T * 2);
    const lengths = [T, 123_457];
    const got = rnn.forward({ data: x, shape: [T, 2, 1] }, { lengths });
    const want = reference(rnn, x, T, 2, { lengths });
    expectClose(got.output.data, want.output, `${path} ${nonlinearity} output`);
    expectClose(got.hn.data, want.hn, `${path} ${nonlinearity} hn`);
    expect(got.output.data[(T - 1) * 2 + 1]).toBe(0); // past sequence 1's length: zeros
  });

  it('bidirectional, batch-first, H = 1: matches the reference; forwardAsync gives the same bits', async () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 1, bidirectional: true, batchFirst: true, seed: 11 });
    const x = randomFloat32(mulberry32(9), T * 2);
    const got = rnn.forward({ data: x, shape: [1, T, 2] });
    const want = reference(rnn, x, T, 1);
    expectClose(got.output.data, want.output, `${path} output`);
    expectClose(got.hn.data, want.hn, `${path} hn`);
    const a = await rnn.forwardAsync({ data: x, shape: [1, T, 2] });
    expectExact(a.output.data, got.output.data, `${path} async output`);
  });

  it('a stream fed in chunks of 1 to 5,000 steps gives the output of one forward', () => {
    const rnn = new RNN({ inputSize: 1, hiddenSize: 1, numLayers: 2, seed: 12 });
    const x = randomFloat32(mulberry32(10), T);
    const whole = rnn.forward({ data: x, shape: [T, 1] });
    const stream = rnn.createStream({ batchSize: 1 });
    const rng = mulberry32(11);
    const pieces: Float32Array[] = [];
    for (let t = 0; t < T;) {
      const n = Math.min(T - t, 1 + Math.floor(rng() * 5000));
      pieces.push(stream.push({ data: x.subarray(t, t + n), shape: [n, 1] }).output.data);
      t += n;
    }
    const streamed = new Float32Array(T);
    let offset = 0;
    for (const p of pieces) {
      streamed.set(p, offset);
      offset += p.length;
    }
    expectClose(streamed, whole.output.data, `${path} streamed output`);
    expectClose(stream.state.data, whole.hn.data, `${path} stream state`);
  });
});

describe('sizes whose products overflow get a RangeError before anything is allocated', () => {
  const rnn = new RNN({ inputSize: 3, hiddenSize: 4, seed: 1 });
  const huge = [2 ** 31, 2 ** 31];

  it('tensor shapes: input, h0, loadStateDict, stream h0, Keras weights and inputs', () => {
    const cases: Array<[string, () => unknown, string | RegExp]> = [
      ['input', () => rnn.forward({ data: new Float32Array(3), shape: [...huge, 3] }),
        'input: shape [2147483648, 2147483648, 3] needs 13835058055282164000 elements, data has 3'],
      ['input 2^81', () => rnn.forward({ data: new Float32Array(3), shape: [2 ** 27, 2 ** 27, 2 ** 27] }), /input: shape .* needs .* elements, data has 3/],
      ['h0', () => rnn.forward([[1, 2, 3]], { h0: { data: new Float32Array(4), shape: [...huge, 4] } }), /h0: shape \[2147483648, 2147483648, 4\] needs/],
      ['loadStateDict', () => rnn.loadStateDict({ ...rnn.stateDict(), weight_hh_l0: { data: new Float32Array(16), shape: huge } }),
        /weight_hh_l0: shape \[2147483648, 2147483648\] needs .* elements, data has 16/],
      ['stream h0', () => rnn.createStream({ batchSize: 1, h0: { data: new Float32Array(4), shape: [1, ...huge] } }), /h0: shape/],
      ['SimpleRNN weights', () => new SimpleRNN({ units: 2 }).setWeights([{ data: new Float32Array(6), shape: [3, 2 ** 40] }, [[0, 0], [0, 0]], [0, 0]]),
        /kernel: shape \[3, 1099511627776\] needs/],
      ['Dense input', () => new Dense({ units: 2, inputDim: 3 }).call({ data: new Float32Array(3), shape: [...huge, 3] }), /x: shape .* needs/],
    ];
    for (const [what, call, message] of cases) {
      expect(call, what).toThrow(RangeError);
      expect(call, what).toThrow(message);
    }
  });

  it('weight matrices past 2^31-1 elements: refused when the model is constructed', () => {
    // hiddenSize 2^30 would need H x H = 2^60 floats: refused by the addon's argument check before
    // anything is allocated (the JS check allows up to 2^31-1, the addon's limit for H is 2^30-1).
    expect(() => new RNN({ inputSize: 4, hiddenSize: 2 ** 30 })).toThrow(RangeError);
    expect(() => new RNN({ inputSize: 4, hiddenSize: 2 ** 30 })).toThrow(/hiddenSize/);
    for (const options of [{ inputSize: 4, hiddenSize: 2 ** 30 - 1 }, { inputSize: 4, hiddenSize: 46_341 },
      { inputSize: 2 ** 31 - 1, hiddenSize: 2 }, { inputSize: 65_536, hiddenSize: 65_536 }]) {
      expect(() => new RNN(options), JSON.stringify(options)).toThrow(RangeError);
      expect(() => new RNN(options), JSON.stringify(options)).toThrow('exceeds the 2^31-1 elements supported');
    }
    expect(() => new RNN({ inputSize: 4, hiddenSize: 2 ** 31 })).toThrow('hiddenSize: expected a positive integer, got 2147483648');
    expect(() => new RNN({ inputSize: 4, hiddenSize: 4, numLayers: 65_537 })).toThrow(RangeError);
  });
});

describe('a detached (transferred) ArrayBuffer is a TypeError wherever a buffer is accepted', () => {
  const rnn = new RNN({ inputSize: 3, hiddenSize: 4, seed: 1 });
  const x = () => ({ data: new Float32Array(6), shape: [2, 1, 3] });
  const state = (data: Float32Array) => ({ data, shape: [1, 1, 4] });
  const createBatcher = (api as unknown as Record<string, unknown>).createBatcher as
    ((rnn: RNN, o?: unknown) => { run(x: unknown, o?: unknown): Promise<unknown>; close(): Promise<void> }) | undefined;

  const sync: Array<[string, () => unknown]> = [
    ['forward input.data', () => rnn.forward({ data: detached(6), shape: [2, 1, 3] })],
    ['forward input.data with B = 0', () => rnn.forward({ data: detached(0), shape: [2, 0, 3] })],
    ['forward h0 (tensor)', () => rnn.forward(x(), { h0: state(detached(4)) })],
    ['forward h0 (bare Float32Array)', () => rnn.forward(x(), { h0: detached(4) })],
    ['forward out.output', () => rnn.forward(x(), { out: { output: detached(8) } })],
    ['forward out.hn', () => rnn.forward(x(), { out: { hn: detached(4) } })],
    ['loadStateDict tensor data', () => rnn.loadStateDict({ ...rnn.stateDict(), bias_ih_l0: { data: detached(4), shape: [4] } })],
    ['loadStateDict bare Float32Array', () => rnn.loadStateDict({ ...rnn.stateDict(), weight_hh_l0: detached(16) })],
    ['createStream h0', () => rnn.createStream({ batchSize: 1, h0: state(detached(4)) })],
    ['stream.reset h0', () => rnn.createStream({ batchSize: 1 }).reset(detached(4))],
    ['stream.push chunk', () => rnn.createStream({ batchSize: 1 }).push({ data: detached(6), shape: [2, 1, 3] })],
    ['SimpleRNN.setWeights kernel', () => new SimpleRNN({ units: 2 }).setWeights([{ data: detached(6), shape: [3, 2] }, [[0, 0], [0, 0]], [0, 0]])],
    ['SimpleRNN.call x', () => new SimpleRNN({ units: 2 }).call({ data: detached(6), shape: [1, 2, 3] })],
    ['SimpleRNN.call initialState', () => new SimpleRNN({ units: 2 }).call({ data: new Float32Array(6), shape: [1, 2, 3] }, { initialState: [detached(2)] })],
    ['Dense.setWeights kernel', () => new Dense({ units: 2, inputDim: 3 }).setWeights([detached(6), new Float32Array(2)])],
    ['Dense.call x', () => new Dense({ units: 2 }).call({ data: detached(6), shape: [2, 3] })],
  ];

  it.each(sync)('%s', (_what, call) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(/detached/);
  });

  it('forwardAsync input and h0 reject with a TypeError', async () => {
    await expect(rnn.forwardAsync({ data: detached(6), shape: [2, 1, 3] })).rejects.toThrow(TypeError);
    await expect(rnn.forwardAsync(x(), { h0: state(detached(4)) })).rejects.toThrow(TypeError);
  });

  it('batcher.run sequence and h0 reject with a TypeError', async () => {
    if (!createBatcher) return;
    const batcher = createBatcher(rnn);
    await expect(batcher.run({ data: detached(6), shape: [2, 3] })).rejects.toThrow(TypeError);
    await expect(batcher.run({ data: new Float32Array(6), shape: [2, 3] }, { h0: detached(4) })).rejects.toThrow(TypeError);
    await batcher.close();
  });

  // Was a bug (fixed): lengths and the Keras mask are read through .length, which a detached
  // typed array reports as 0, so they get "expected 1 lengths, got 0" (RangeError) instead.
  it('forward lengths (a detached Int32Array)', () => {
    const lengths = new Int32Array([2]);
    structuredClone(lengths.buffer, { transfer: [lengths.buffer] });
    expect(() => rnn.forward(x(), { lengths })).toThrow(TypeError);
  });

  it('forwardAsync lengths (a detached Int32Array)', async () => {
    const lengths = new Int32Array([2]);
    structuredClone(lengths.buffer, { transfer: [lengths.buffer] });
    await expect(rnn.forwardAsync(x(), { lengths })).rejects.toThrow(TypeError);
  });

  it('SimpleRNN.call mask (a detached Uint8Array)', () => {
    const mask = new Uint8Array([1, 1]);
    structuredClone(mask.buffer, { transfer: [mask.buffer] });
    expect(() => new SimpleRNN({ units: 2 }).call({ data: new Float32Array(6), shape: [1, 2, 3] }, { mask })).toThrow(TypeError);
  });
});

describe('caller memory: arguments are never written, and later changes to them never reach the model', () => {
  it.each(PATHS)('forward, forwardAsync, stream.push, Keras layers and the batcher leave every argument as it was (%s)', async (path) => {
    setKernelPath(path);
    const rnn = new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true, seed: 2 });
    const x = randomFloat32(mulberry32(3), 3 * 5 * 3);
    const h0 = randomFloat32(mulberry32(4), 4 * 3 * 4);
    const lengths = Int32Array.from([5, 2, 4]);
    const plainLengths = [5, 2, 4];
    const nested = [[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]];
    const copies = [x.slice(), h0.slice(), lengths.slice(), JSON.stringify(nested)] as const;
    const input = { data: x, shape: [3, 5, 3] };
    const state = { data: h0, shape: [4, 3, 4] };
    rnn.forward(input, { h0: state, lengths });
    rnn.forward(input, { h0: h0, lengths: plainLengths, out: { output: new Float32Array(3 * 5 * 8), hn: new Float32Array(4 * 3 * 4) } });
    rnn.forward(nested);
    await rnn.forwardAsync(input, { h0: state, lengths });
    await rnn.forwardAsync(nested);
    const forwardOnly = new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, batchFirst: true, seed: 2 });
    forwardOnly.createStream({ batchSize: 3, h0: { data: h0.subarray(0, 24), shape: [2, 3, 4] } }).push(input);
    const layer = new SimpleRNN({ units: 4, returnSequences: true, seed: 1 });
    const mask = Uint8Array.from({ length: 15 }, (_, i) => (i % 3 === 0 ? 0 : 1));
    const maskCopy = mask.slice();
    const initial = h0.subarray(0, 12);
    layer.call(input, { initialState: [initial], mask });
    new Dense({ units: 2, seed: 1 }).call(input);
    const createBatcher = (api as unknown as Record<string, unknown>).createBatcher as
      ((rnn: RNN) => { run(x: unknown, o?: unknown): Promise<unknown>; close(): Promise<void> }) | undefined;
    if (createBatcher) {
      const batcher = createBatcher(rnn);
      await batcher.run({ data: x.subarray(0, 15), shape: [5, 3] }, { h0: { data: h0.subarray(0, 16), shape: [4, 4] } });
      await batcher.close();
    }
    expectExact(x, copies[0], 'input');
    expectExact(h0, copies[1], 'h0');
    expectExact(lengths, copies[2], 'lengths');
    expect(plainLengths).toEqual([5, 2, 4]);
    expect(JSON.stringify(nested)).toBe(copies[3]);
    expectExact(mask, maskCopy, 'mask');
  });

  it('weights changed by the caller after loadStateDict, setWeights or stateDict() change nothing', () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, seed: 1 });
    const given = rnn.stateDict();
    given.weight_ih_l0.data.set(randomFloat32(mulberry32(5), 6));
    const bare = randomFloat32(mulberry32(6), 9);
    const nestedBias = [0.1, 0.2, 0.3];
    rnn.loadStateDict({ ...given, weight_hh_l0: bare, bias_ih_l0: nestedBias });
    const x = { data: randomFloat32(mulberry32(7), 8), shape: [4, 2] };
    const before = rnn.forward(x).output.data;
    const dictBefore = rnn.stateDict();
    given.weight_ih_l0.data.fill(100);
    bare.fill(-100);
    nestedBias[0] = 1e9;
    rnn.stateDict().weight_hh_l0.data.fill(7); // a copy
    expectExact(rnn.forward(x).output.data, before, 'output');
    expectExact(rnn.stateDict().weight_hh_l0.data, dictBefore.weight_hh_l0.data, 'stateDict');

    const layer = new SimpleRNN({ units: 2, returnSequences: true });
    const kernel = Float32Array.from([0.1, 0.2, 0.3, 0.4]);
    layer.setWeights([{ data: kernel, shape: [2, 2] }, [[0.5, 0], [0, 0.5]], [0, 0]]);
    const y = layer.call({ data: Float32Array.from([1, 2]), shape: [1, 1, 2] }).output.data;
    kernel.fill(9);
    layer.getWeights()[0].data.fill(9);
    expectExact(layer.call({ data: Float32Array.from([1, 2]), shape: [1, 1, 2] }).output.data, y, 'SimpleRNN output');

    const dense = new Dense({ units: 2 });
    const denseKernel = Float32Array.from([1, 2, 3, 4]);
    dense.setWeights([{ data: denseKernel, shape: [2, 2] }, [0, 0]]);
    const z = dense.call([[1, 1]]).data;
    denseKernel.fill(0);
    dense.getWeights()[0].data.fill(0);
    expectExact(dense.call([[1, 1]]).data, z, 'Dense output');
  });

  it('forwardAsync and the batcher copy their inputs when called: changing them right after changes nothing', async () => {
    const rnn = new RNN({ inputSize: 3, hiddenSize: 8, numLayers: 2, seed: 4 });
    const x = randomFloat32(mulberry32(12), 50 * 4 * 3);
    const h0 = randomFloat32(mulberry32(13), 2 * 4 * 8);
    const lengths = Int32Array.from([50, 10, 30, 1]);
    const expected = rnn.forward({ data: x, shape: [50, 4, 3] }, { h0, lengths });
    const pending = rnn.forwardAsync({ data: x, shape: [50, 4, 3] }, { h0, lengths });
    x.fill(5);
    h0.fill(-5);
    lengths.fill(50);
    const got = await pending;
    expectExact(got.output.data, expected.output.data, 'output');
    expectExact(got.hn.data, expected.hn.data, 'hn');

    const stream = rnn.createStream({ batchSize: 1, h0: { data: h0.subarray(0, 16).fill(0.25), shape: [2, 1, 8] } });
    const stateBefore = stream.state.data;
    h0.fill(3); // after createStream
    expectExact(stream.state.data, stateBefore, 'stream state');
  });

  // Was a bug (fixed): loadStateDict checked every tensor, then copied them with Float32Array.from
  // and stored the copies before the addon checked them; a getter that ran in between (here: the
  // dict's last entry shrinks a tensor checked earlier) made the load fail half-way, with layer 0
  // already uploaded. Each entry is now read once and copied as it is checked, and the model
  // changes only when every copy is good.
  describe('loadStateDict is all or nothing, whatever the getters in the dict do', () => {
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
    const model = () => new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 1 });
    const fresh = new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 2 }).stateDict();

    /** fresh's state_dict, with weight_ih_l1 on a resizable buffer that bias_hh_l1's data getter shrinks. */
    function shrinkingDict(lastBias: () => Float32Array): Record<string, unknown> {
      const rab = new Resizable(64, { maxByteLength: 64 });
      const victim = new Float32Array(rab);
      victim.set(fresh.weight_ih_l1.data);
      return { ...fresh, weight_ih_l1: { data: victim, shape: [4, 4] },
        bias_hh_l1: { get data() { rab.resize(4); return lastBias(); }, shape: [4] } };
    }

    function expectUnchanged(rnn: RNN, before: Float32Array, dictBefore: Record<string, Tensor>): void {
      expectExact(rnn.forward([[1, 2, 3]]).output.data, before, 'output after the failed load');
      for (const [name, tensor] of Object.entries(rnn.stateDict())) expectExact(tensor.data, dictBefore[name].data, name);
    }

    it('a failed loadStateDict changes nothing, even when a getter shrinks a tensor it already checked', () => {
      const rnn = model();
      const before = rnn.forward([[1, 2, 3]]).output.data;
      const dictBefore = rnn.stateDict();
      const load = () => rnn.loadStateDict(shrinkingDict(() => new Float32Array(3)) as never);
      expect(load).toThrow(RangeError);
      expect(load).toThrow('bias_hh_l1: shape [4] needs 4 elements, data has 3');
      expectUnchanged(rnn, before, dictBefore);
    });

    it('a tensor is loaded as it was when checked, though a later getter shrinks its buffer', () => {
      const rnn = model();
      rnn.loadStateDict(shrinkingDict(() => fresh.bias_hh_l1.data) as never);
      expectExact(rnn.stateDict().weight_ih_l1.data, fresh.weight_ih_l1.data, 'weight_ih_l1');
      const reference = model();
      reference.loadStateDict(fresh);
      expectExact(rnn.forward([[1, 2, 3]]).output.data, reference.forward([[1, 2, 3]]).output.data, 'output');
    });

    it('a failed loadStateDict changes nothing when a Float32Array subclass lies about its length', () => {
      class Lying extends Float32Array {
        override get length(): number {
          return 16;
        }
      }
      const rnn = model();
      const before = rnn.forward([[1, 2, 3]]).output.data;
      const dictBefore = rnn.stateDict();
      const load = () => rnn.loadStateDict({ ...fresh, weight_ih_l1: { data: new Lying(20), shape: [4, 4] } });
      expect(load).toThrow(RangeError);
      expect(load).toThrow('weight_ih_l1: shape [4, 4] needs 16 elements, data has 20');
      expectUnchanged(rnn, before, dictBefore);
    });

    it('each entry of the dict is read once', () => {
      const reads = new Map<string, number>();
      const dict = Object.fromEntries(Object.keys(fresh).map((name) => [name, undefined]));
      for (const [name, tensor] of Object.entries(fresh)) {
        Object.defineProperty(dict, name, { enumerable: true, get() { reads.set(name, (reads.get(name) ?? 0) + 1); return tensor; } });
      }
      model().loadStateDict(dict as never);
      expect([...reads.values()].every((n) => n === 1)).toBe(true);
      expect(reads.size).toBe(Object.keys(fresh).length);
    });
  });

  it('setWeights copies each weight as it checks it: a getter in the list cannot change or break the layer', () => {
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };
    const shrinkable = () => {
      const rab = new Resizable(24, { maxByteLength: 24 });
      const kernel = new Float32Array(rab);
      kernel.set([1, 2, 3, 4, 5, 6]);
      return { kernel: { data: kernel, shape: [3, 2] }, shrink: () => rab.resize(4) };
    };
    // The bias's data getter runs once the kernel is checked (and copied).
    const late = shrinkable();
    const dense = new Dense({ units: 2 });
    dense.setWeights([late.kernel, { get data() { late.shrink(); return Float32Array.from([0.5, -0.5]); }, shape: [2] }] as never);
    expectExact(dense.getWeights()[0].data, Float32Array.from([1, 2, 3, 4, 5, 6]), 'kernel');
    expectExact(dense.call([[1, 1, 1]]).data, Float32Array.from([9.5, 11.5]), 'Dense output');
    // The list's own getter runs when the list is read, before any check.
    const early = shrinkable();
    const list: unknown[] = [early.kernel];
    Object.defineProperty(list, 1, { enumerable: true, get() { early.shrink(); return [0.5, -0.5]; } });
    const unbuilt = new Dense({ units: 2 });
    expect(() => unbuilt.setWeights(list as never)).toThrow('Dense.setWeights kernel: shape [3, 2] needs 6 elements, data has 1');
    expect(unbuilt.inputDim).toBeUndefined();

    class Lying extends Float32Array {
      override get length(): number {
        return 6;
      }
    }
    const layer = new SimpleRNN({ units: 2, inputDim: 3, seed: 1 });
    const before = layer.getWeights();
    const lying = () => layer.setWeights([{ data: new Lying(8), shape: [3, 2] }, [[0, 0], [0, 0]], [0, 0]]);
    expect(lying).toThrow(RangeError);
    expect(lying).toThrow('SimpleRNN.setWeights kernel: shape [3, 2] needs 6 elements, data has 8');
    layer.getWeights().forEach((w, i) => expectExact(w.data, before[i].data, `weight ${i}`));
  });

  // Was a bug (fixed): batcher.run adds an 'abort' listener to the caller's signal and never
  // removes it, so a long-lived signal (one per server, or per connection) keeps every request,
  // its input copy and its result reachable: memory grows with each call.
  it('the batcher does not keep requests alive through a long-lived AbortSignal', async () => {
    const createBatcher = (api as unknown as Record<string, unknown>).createBatcher as
      ((rnn: RNN, o?: unknown) => { run(x: unknown, o?: unknown): Promise<unknown>; close(): Promise<void> }) | undefined;
    if (!createBatcher) throw new Error('no batcher');
    const rnn = new RNN({ inputSize: 3, hiddenSize: 4, seed: 1 });
    const batcher = createBatcher(rnn, { maxBatchSize: 8, maxDelayMs: 0 });
    const controller = new AbortController();
    for (let i = 0; i < 40; i++) await batcher.run([[1, 2, 3]], { signal: controller.signal });
    await batcher.close();
    expect(getEventListeners(controller.signal, 'abort').length).toBe(0);
  });

  // Was a bug (fixed): checks read a typed array's .length, copies read its real elements; a
  // Float32Array subclass whose length getter lies passed the batcher's checks, and the merged
  // batch then failed for every caller in it, not only the one that sent the bad sequence. The
  // checks now count the elements an array holds, and a request is copied as it is checked.
  it('one bad request does not fail the other requests of its batch', async () => {
    const createBatcher = (api as unknown as Record<string, unknown>).createBatcher as ((rnn: RNN, o?: unknown) =>
      { run(x: unknown, o?: unknown): Promise<{ output: Tensor }>; close(): Promise<void>; readonly pending: number }) | undefined;
    if (!createBatcher) throw new Error('no batcher');
    class Lying extends Float32Array {
      override get length(): number {
        return 2;
      }
    }
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, batchFirst: true, seed: 1 });
    const batcher = createBatcher(rnn, { maxBatchSize: 8, maxDelayMs: 1 });
    const innocent = batcher.run({ data: Float32Array.from([1, 2]), shape: [1, 2] });
    const bad = batcher.run({ data: new Lying(4), shape: [1, 2] });
    expect(batcher.pending).toBe(1); // refused by run() itself, never queued
    await Promise.allSettled([innocent, bad]);
    await batcher.close();
    await expect(bad).rejects.toThrow(RangeError);
    await expect(bad).rejects.toThrow('sequence: shape [1, 2] needs 2 elements, data has 4');
    expectExact((await innocent).output.data, rnn.forward([[1, 2]]).output.data, 'the innocent request');
  });
});
