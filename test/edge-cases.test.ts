// Numeric and shape edge cases, decided to match PyTorch, on every kernel path.
import { afterAll, describe, expect, it } from 'vitest';
import { RNN, setKernelPath, supportedKernelPaths } from '../lib/index';
import { expectClose, expectExact, mulberry32, randomFloat32 } from './support/fixtures';
import { referenceForward } from './support/reference';

afterAll(() => setKernelPath('auto'));

function model(nonlinearity: 'tanh' | 'relu', hidden = 4, input = 3) {
  return new RNN({ inputSize: input, hiddenSize: hidden, nonlinearity, seed: 9 });
}

describe.each(supportedKernelPaths())('edge cases on %s', (path) => {
  it('NaN in the input propagates to that sequence only, from its step on', () => {
    setKernelPath(path);
    const rnn = model('tanh');
    const x = randomFloat32(mulberry32(1), 4 * 2 * 3);
    x[(1 * 2 + 0) * 3 + 1] = NaN; // sequence 0, step 1
    const { output, hn } = rnn.forward({ data: x, shape: [4, 2, 3] });
    const row = (t: number, b: number) => Array.from(output.data.subarray((t * 2 + b) * 4, (t * 2 + b + 1) * 4));
    expect(row(0, 0).every(Number.isFinite)).toBe(true);
    for (let t = 1; t < 4; t++) expect(row(t, 0).every(Number.isNaN)).toBe(true);
    for (let t = 0; t < 4; t++) expect(row(t, 1).every(Number.isFinite)).toBe(true);
    expect(Number.isNaN(hn.data[0])).toBe(true);
  });

  it('NaN in a weight propagates as in PyTorch, and Inf saturates tanh to ±1', () => {
    setKernelPath(path);
    const rnn = model('tanh');
    const dict = rnn.stateDict();
    dict.bias_hh_l0.data[2] = NaN;
    dict.bias_ih_l0.data[0] = Infinity;
    dict.bias_ih_l0.data[1] = -Infinity;
    rnn.loadStateDict(dict);
    const { output } = rnn.forward({ data: new Float32Array(3 * 3).fill(0.5), shape: [3, 3] });
    // Step 0: units 0 and 1 saturate, unit 2 is NaN; from step 1 on the NaN reaches every unit.
    expect(Array.from(output.data.subarray(0, 3))).toEqual([1, -1, NaN]);
    expect(Array.from(output.data.subarray(4, 8)).every(Number.isNaN)).toBe(true);
  });

  it('ReLU overflow gives Inf, not a crash', () => {
    setKernelPath(path);
    const rnn = model('relu', 2, 1);
    rnn.loadStateDict({ weight_ih_l0: [[3e38], [3e38]], weight_hh_l0: [[3e38, 3e38], [3e38, 3e38]], bias_ih_l0: [0, 0], bias_hh_l0: [0, 0] });
    const { output } = rnn.forward([[1], [1]]);
    expect(Array.from(output.data)).toEqual([3e38, 3e38].map(Math.fround).concat([Infinity, Infinity]));
  });
});

describe('shapes at the limits', () => {
  it('T = 0 is refused (PyTorch refuses it too), B = 0 gives empty results', () => {
    const rnn = model('tanh');
    expect(() => rnn.forward({ data: new Float32Array(0), shape: [0, 2, 3] })).toThrow(RangeError);
    const { output, hn } = rnn.forward({ data: new Float32Array(0), shape: [5, 0, 3] });
    expect(output.shape).toEqual([5, 0, 4]);
    expect(hn.shape).toEqual([1, 0, 4]);
    expect(output.data.length + hn.data.length).toBe(0);
  });

  it('a very long sequence with H = 1 matches the reference', () => {
    const rnn = new RNN({ inputSize: 1, hiddenSize: 1, seed: 4 });
    const steps = 200_000;
    const x = randomFloat32(mulberry32(8), steps);
    const got = rnn.forward({ data: x, shape: [steps, 1] });
    const d = rnn.stateDict();
    const want = referenceForward({ inputSize: 1, hiddenSize: 1, numLayers: 1, direction: 'forward', activations: [{ name: 'tanh' }], batchFirst: false },
      [[{ wIh: d.weight_ih_l0.data, wHh: d.weight_hh_l0.data, bIh: d.bias_ih_l0.data, bHh: d.bias_hh_l0.data }]], x, steps, 1);
    expectClose(got.output.data, want.output, 'output');
  });

  it('sizes whose product overflows get a RangeError before anything is allocated', () => {
    const rnn = model('tanh');
    expect(() => rnn.forward({ data: new Float32Array(3), shape: [2 ** 31, 2 ** 31, 3] })).toThrow(RangeError);
    expect(() => new RNN({ inputSize: 4, hiddenSize: 2 ** 29 })).toThrow('exceeds the 2^31-1 elements supported');
    expect(() => new RNN({ inputSize: 2 ** 30, hiddenSize: 4 })).toThrow(RangeError);
  });

  it('a detached buffer gets a TypeError wherever a buffer is accepted', async () => {
    const detached = () => {
      const data = new Float32Array(12);
      structuredClone(data.buffer, { transfer: [data.buffer] });
      return data;
    };
    const rnn = model('tanh');
    const x = { data: new Float32Array(6), shape: [2, 3] };
    expect(() => rnn.forward({ data: detached(), shape: [4, 3] })).toThrow(TypeError);
    expect(() => rnn.forward(x, { h0: { data: detached(), shape: [1, 4] } })).toThrow(TypeError);
    expect(() => rnn.forward(x, { out: { output: detached() } })).toThrow(TypeError);
    expect(() => rnn.loadStateDict({ ...rnn.stateDict(), bias_ih_l0: detached() })).toThrow(TypeError);
    await expect(rnn.forwardAsync({ data: detached(), shape: [4, 3] })).rejects.toThrow(TypeError);
  });
});

describe('caller memory', () => {
  it('inputs, h0 and lengths are never written, by forward, forwardAsync or a stream', async () => {
    const rnn = new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 1 });
    const x = randomFloat32(mulberry32(3), 5 * 2 * 3);
    const h0 = randomFloat32(mulberry32(4), 2 * 2 * 4);
    const lengths = Int32Array.from([5, 3]);
    const [xCopy, h0Copy, lengthsCopy] = [x.slice(), h0.slice(), lengths.slice()];
    const input = { data: x, shape: [5, 2, 3] };
    const state = { data: h0, shape: [2, 2, 4] };
    rnn.forward(input, { h0: state, lengths });
    await rnn.forwardAsync(input, { h0: state, lengths });
    const stream = rnn.createStream({ batchSize: 2, h0: state });
    stream.push(input);
    expectExact(x, xCopy, 'input');
    expectExact(h0, h0Copy, 'h0');
    expectExact(lengths, lengthsCopy, 'lengths');
  });
});
