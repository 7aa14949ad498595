// The RNN API's contract beyond the fixtures: input forms, layouts, out buffers, state_dict, init.
import { describe, expect, it } from 'vitest';
import { RNN, type Tensor } from '../lib/index';
import { expectClose, expectExact, mulberry32, randomFloat32 } from './support/fixtures';
import { loadTorchFixture, rnnFromFixture } from './support/torch-fixture';

function toNested(t: Tensor): number[][][] {
  const [a, b, c] = t.shape;
  return Array.from({ length: a }, (_, i) => Array.from({ length: b }, (_, j) =>
    Array.from(t.data.subarray((i * b + j) * c, (i * b + j + 1) * c))));
}

function transpose01(t: Tensor): Tensor {
  const [a, b, c] = t.shape;
  const data = new Float32Array(t.data.length);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) data.set(t.data.subarray((i * b + j) * c, (i * b + j + 1) * c), (j * a + i) * c);
  return { data, shape: [b, a, c] };
}

describe('RNN.forward input forms', () => {
  const fixture = loadTorchFixture('two_layers.json');

  it('nested arrays give exactly the typed-array result', () => {
    const rnn = rnnFromFixture(fixture);
    const typed = rnn.forward(fixture.input, { h0: fixture.h0 });
    const nested = rnn.forward(toNested(fixture.input), { h0: toNested(fixture.h0!) });
    expectExact(nested.output.data, typed.output.data, 'output');
    expectExact(nested.hn.data, typed.hn.data, 'hn');
    expectClose(typed.output.data, fixture.output.data, 'output vs PyTorch');
  });

  it('an unbatched [T, D] input equals a batch of one, with unbatched shapes', () => {
    const rnn = rnnFromFixture(loadTorchFixture('with_h0.json'));
    const rng = mulberry32(7);
    const x = { data: randomFloat32(rng, 5 * 3, 1), shape: [5, 3] };
    const h0 = { data: randomFloat32(rng, 4, 1), shape: [1, 4] };
    const single = rnn.forward(x, { h0 });
    const batched = rnn.forward({ data: x.data, shape: [5, 1, 3] }, { h0: { data: h0.data, shape: [1, 1, 4] } });
    expect(single.output.shape).toEqual([5, 4]);
    expect(single.hn.shape).toEqual([1, 4]);
    expectExact(single.output.data, batched.output.data, 'output');
    expectExact(single.hn.data, batched.hn.data, 'hn');
  });

  it('batchFirst reads [B, T, D] and writes [B, T, nd*H] with the same numbers', () => {
    const timeMajor = loadTorchFixture('bidirectional.json');
    const rnn = rnnFromFixture(timeMajor);
    const batchFirst = new RNN({ ...timeMajor.config, batchFirst: true });
    batchFirst.loadStateDict(rnn.stateDict());
    const got = batchFirst.forward(transpose01(timeMajor.input), { h0: timeMajor.h0 });
    expect(got.output.shape).toEqual([2, 6, 10]);
    expectClose(got.output.data, transpose01(timeMajor.output).data, 'output');
    expectClose(got.hn.data, timeMajor.hn.data, 'hn');
  });
});

describe('RNN.forward out buffers', () => {
  const fixture = loadTorchFixture('bidirectional.json');

  it('fills the caller buffers and returns them', () => {
    const rnn = rnnFromFixture(fixture);
    const output = new Float32Array(6 * 2 * 10).fill(NaN);
    const hn = new Float32Array(2 * 2 * 5).fill(NaN);
    const result = rnn.forward(fixture.input, { h0: fixture.h0, out: { output, hn } });
    expect(result.output.data).toBe(output);
    expect(result.hn.data).toBe(hn);
    expectClose(output, fixture.output.data, 'output');
    expectClose(hn, fixture.hn.data, 'hn');
  });

  it('works with buffers over a SharedArrayBuffer, and with only one of the two', () => {
    const rnn = rnnFromFixture(fixture);
    const output = new Float32Array(new SharedArrayBuffer(6 * 2 * 10 * 4));
    const result = rnn.forward(fixture.input, { h0: fixture.h0, out: { output } });
    expect(result.output.data).toBe(output);
    expectClose(output, fixture.output.data, 'output');
    expectClose(result.hn.data, fixture.hn.data, 'hn');
  });

  it('never writes the caller inputs', () => {
    const rnn = rnnFromFixture(fixture);
    const input = Float32Array.from(fixture.input.data);
    const h0 = Float32Array.from(fixture.h0!.data);
    rnn.forward({ data: input, shape: fixture.input.shape }, { h0: { data: h0, shape: fixture.h0!.shape } });
    expectExact(input, fixture.input.data, 'input');
    expectExact(h0, fixture.h0!.data, 'h0');
  });
});

describe('RNN state_dict and initialisation', () => {
  it('stateDict returns the loaded values under PyTorch names, as copies', () => {
    const fixture = loadTorchFixture('three_layers_bidirectional.json');
    const rnn = rnnFromFixture(fixture);
    const dict = rnn.stateDict();
    expect(Object.keys(dict)).toEqual(Object.keys(fixture.weights));
    for (const [name, tensor] of Object.entries(fixture.weights)) {
      expect(dict[name].shape).toEqual(tensor.shape);
      expectExact(dict[name].data, tensor.data, name);
    }
    dict.weight_ih_l0.data.fill(0);
    expectExact(rnn.stateDict().weight_ih_l0.data, fixture.weights.weight_ih_l0.data, 'after mutating the copy');
  });

  it('weights changed by the caller after loadStateDict change nothing', () => {
    const fixture = loadTorchFixture('tanh_small.json');
    const weights = Object.fromEntries(Object.entries(fixture.weights).map(([k, t]) => [k, { data: Float32Array.from(t.data), shape: t.shape }]));
    const rnn = new RNN(fixture.config);
    rnn.loadStateDict(weights);
    const before = rnn.forward(fixture.input).output.data.slice();
    weights.weight_hh_l0.data.fill(100);
    expectExact(rnn.forward(fixture.input).output.data, before, 'output');
  });

  it('accepts bare Float32Arrays and nested arrays as state_dict values', () => {
    const fixture = loadTorchFixture('tanh_small.json');
    const rnn = new RNN(fixture.config);
    const w = fixture.weights;
    rnn.loadStateDict({
      weight_ih_l0: w.weight_ih_l0.data,
      weight_hh_l0: toNested({ data: w.weight_hh_l0.data, shape: [1, 3, 3] })[0],
      bias_ih_l0: Array.from(w.bias_ih_l0.data),
      bias_hh_l0: w.bias_hh_l0,
    });
    expectClose(rnn.forward(fixture.input).output.data, fixture.output.data, 'output');
  });

  it('initialises like PyTorch: uniform in ±1/sqrt(H), reproducible with a seed', () => {
    const a = new RNN({ inputSize: 3, hiddenSize: 16, numLayers: 2, bidirectional: true, seed: 42 });
    const b = new RNN({ inputSize: 3, hiddenSize: 16, numLayers: 2, bidirectional: true, seed: 42 });
    const c = new RNN({ inputSize: 3, hiddenSize: 16, numLayers: 2, bidirectional: true, seed: 43 });
    const all = (rnn: RNN) => Object.values(rnn.stateDict()).flatMap((t) => Array.from(t.data));
    const values = all(a);
    expect(values.length).toBe(a.numParameters);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.2);
    expect(all(b)).toEqual(values);
    expect(all(c)).not.toEqual(values);
    const x = { data: Float32Array.from({ length: 12 }, (_, i) => i / 12), shape: [4, 3] };
    expectExact(a.forward(x).output.data, b.forward(x).output.data, 'seeded outputs');
  });

  it('has PyTorch parameter names and counts', () => {
    const rnn = new RNN({ inputSize: 10, hiddenSize: 20, numLayers: 2, bidirectional: true });
    expect(rnn.parameterNames.slice(0, 5)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse']);
    // per direction: layer 0 has 20*10 + 20*20 + 2*20, layer 1 has 20*40 + 20*20 + 2*20
    expect(rnn.numParameters).toBe(2 * (640 + 1240));
  });
});

describe('a sequence inside a batch with lengths', () => {
  it('gets the same bits as the sequence run alone (what dynamic batching relies on)', () => {
    const rnn = new RNN({ inputSize: 24, hiddenSize: 96, numLayers: 2, bidirectional: true, seed: 2 });
    const rng = mulberry32(21);
    const lengths = [37, 5, 130, 64, 1, 99];
    const steps = Math.max(...lengths);
    const sequences = lengths.map((t) => randomFloat32(rng, t * 24));
    const padded = new Float32Array(steps * lengths.length * 24);
    sequences.forEach((seq, b) => { for (let t = 0; t < lengths[b]; t++) padded.set(seq.subarray(t * 24, (t + 1) * 24), (t * lengths.length + b) * 24); });
    const batched = rnn.forward({ data: padded, shape: [steps, lengths.length, 24] }, { lengths });
    sequences.forEach((seq, b) => {
      const alone = rnn.forward({ data: seq, shape: [lengths[b], 24] });
      const rows = Array.from({ length: lengths[b] }, (_, t) => Array.from(batched.output.data.subarray((t * lengths.length + b) * 192, (t * lengths.length + b + 1) * 192)));
      expectExact(rows.flat(), alone.output.data, `sequence ${b} output`);
    });
  });
});
