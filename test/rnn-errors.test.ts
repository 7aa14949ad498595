// Bad input gets a TypeError or RangeError that names the argument, what was expected and what was got.
import { describe, expect, it } from 'vitest';
import { RNN } from '../lib/index';
import { addon } from '../lib/native/binding';
import { expectExact } from './support/fixtures';
import { loadTorchFixture, rnnFromFixture } from './support/torch-fixture';

const make = (options: unknown) => () => new RNN(options as never);

describe('RNN constructor errors', () => {
  it.each([
    [{ inputSize: 0, hiddenSize: 4 }, RangeError, 'inputSize: expected a positive integer, got 0'],
    [{ inputSize: -3, hiddenSize: 4 }, RangeError, 'inputSize: expected a positive integer, got -3'],
    [{ inputSize: 4, hiddenSize: 2.5 }, RangeError, 'hiddenSize: expected a positive integer, got 2.5'],
    [{ inputSize: 4, hiddenSize: NaN }, RangeError, 'hiddenSize: expected a positive integer, got NaN'],
    [{ inputSize: '4', hiddenSize: 4 }, TypeError, 'inputSize: expected a positive integer, got string'],
    [{ inputSize: 4, hiddenSize: 4, numLayers: 0 }, RangeError, 'numLayers: expected a positive integer, got 0'],
    [{ inputSize: 4, hiddenSize: 4, nonlinearity: 'gelu' }, RangeError, "nonlinearity: expected one of 'tanh', 'relu', got 'gelu'"],
    [{ inputSize: 4, hiddenSize: 4, bidirectional: 'yes' }, TypeError, 'bidirectional: expected a boolean, got string'],
    [{ inputSize: 4, hidden_size: 4 }, TypeError, "RNN options: unknown option 'hidden_size'"],
    [undefined, TypeError, 'RNN: expected an options object with inputSize and hiddenSize'],
    ['rnn', TypeError, 'RNN options: expected an options object, got string'],
  ])('%j', (options, type, message) => {
    expect(make(options)).toThrow(type);
    expect(make(options)).toThrow(message);
  });
});

describe('loadStateDict errors', () => {
  const fixture = loadTorchFixture('bidirectional.json');
  const rnn = () => rnnFromFixture(fixture);

  it('lists missing and unexpected names', () => {
    const { weight_hh_l0_reverse: _dropped, ...rest } = fixture.weights;
    const load = () => rnn().loadStateDict({ ...rest, weight_hh_l1: fixture.weights.weight_hh_l0 });
    expect(load).toThrow(RangeError);
    expect(load).toThrow('loadStateDict: missing key(s): weight_hh_l0_reverse; unexpected key(s): weight_hh_l1');
  });

  it('names the tensor and both shapes when a shape is wrong', () => {
    const load = () => rnn().loadStateDict({ ...fixture.weights, weight_ih_l0: { data: new Float32Array(20), shape: [4, 5] } });
    expect(load).toThrow(RangeError);
    expect(load).toThrow('weight_ih_l0: expected shape [5, 4], got [4, 5]');
  });

  it('refuses a Float64Array and a bare Float32Array of the wrong length', () => {
    const f64 = () => rnn().loadStateDict({ ...fixture.weights, bias_ih_l0: { data: new Float64Array(5), shape: [5] } as never });
    expect(f64).toThrow(TypeError);
    expect(f64).toThrow('bias_ih_l0.data: expected a Float32Array, got Float64Array');
    const short = () => rnn().loadStateDict({ ...fixture.weights, bias_ih_l0: new Float32Array(4) });
    expect(short).toThrow(RangeError);
    expect(short).toThrow('bias_ih_l0: expected shape [5], got a Float32Array of 4 elements (needs 5)');
  });

  it('keeps the previous weights when a load fails', () => {
    const model = rnn();
    const before = model.forward(fixture.input).output.data.slice();
    expect(() => model.loadStateDict({ ...fixture.weights, bias_hh_l0_reverse: [1, 2] })).toThrow(RangeError);
    expectExact(model.forward(fixture.input).output.data, before, 'output');
  });
});

describe('forward errors', () => {
  const fixture = loadTorchFixture('with_h0.json'); // D = 3, H = 4, T = 5, B = 2
  const rnn = rnnFromFixture(fixture);
  const x = fixture.input;

  it.each([
    ['a Float64Array', { data: new Float64Array(30), shape: [5, 2, 3] }, TypeError, 'input.data: expected a Float32Array, got Float64Array'],
    ['a string', 'hello', TypeError, 'input: expected a tensor ({ data: Float32Array, shape }) or nested arrays of numbers, got string'],
    ['a bare Float32Array', new Float32Array(30), TypeError, 'input: a bare Float32Array has no shape'],
    ['a ragged array', [[1, 2, 3], [4, 5]], TypeError, 'input[1]: ragged nested array: expected length 3, got length 2'],
    ['strings in arrays', [[1, 2, 'x']], TypeError, 'input[0][2]: expected a number, got string'],
    ['a wrong feature size', { data: new Float32Array(40), shape: [5, 2, 4] }, RangeError, 'input: expected shape [T, B, 3] or unbatched [T, 3], got [5, 2, 4]'],
    ['a rank-4 input', { data: new Float32Array(30), shape: [1, 5, 2, 3] }, RangeError, 'got [1, 5, 2, 3]'],
    ['data and shape disagreeing', { data: new Float32Array(29), shape: [5, 2, 3] }, RangeError, 'input: shape [5, 2, 3] needs 30 elements, data has 29'],
    ['an empty sequence', { data: new Float32Array(0), shape: [0, 2, 3] }, RangeError, 'input: the sequence length must be at least 1'],
    // every() and reduce() skip holes: [5, , 3] once passed the check and reached the addon as "steps: expected a number".
    ['a shape with a hole', { data: new Float32Array(30), shape: [5, , 3] }, TypeError,
      'input.shape[1]: expected a non-negative integer, got a hole (the shape array is sparse)'],
    ['a shape with an undefined', { data: new Float32Array(30), shape: [5, undefined, 3] }, TypeError,
      'input.shape[1]: expected a non-negative integer, got undefined'],
    ['a string dimension', { data: new Float32Array(30), shape: [5, '2', 3] }, TypeError, 'input.shape[1]: expected a non-negative integer, got string'],
    ['a negative dimension', { data: new Float32Array(30), shape: [-5, -2, 3] }, RangeError,
      'input.shape[0]: expected a non-negative integer (at most 2^53-1), got -5'],
    ['a fractional dimension', { data: new Float32Array(30), shape: [5, 2, 3.5] }, RangeError,
      'input.shape[2]: expected a non-negative integer (at most 2^53-1), got 3.5'],
    ['a dimension past 2^53', { data: new Float32Array(0), shape: [0, 2 ** 53, 3] }, RangeError,
      'input.shape[1]: expected a non-negative integer (at most 2^53-1), got 9007199254740992'],
    ['a shape that is a string', { data: new Float32Array(30), shape: '5,2,3' }, TypeError,
      'input.shape: expected an array of non-negative integers, got string'],
    ['an array-like shape', { data: new Float32Array(30), shape: { length: 3, 0: 5, 1: 2, 2: 3 } }, TypeError,
      'input.shape: expected an array of non-negative integers, got object'],
    ['a typed-array shape', { data: new Float32Array(30), shape: Int32Array.from([5, 2, 3]) }, TypeError,
      'input.shape: expected an array of non-negative integers, got Int32Array'],
    ['an empty batch of sequences longer than the kernel takes', { data: new Float32Array(0), shape: [2 ** 31, 0, 3] }, RangeError,
      'input: shape [2147483648, 0, 3] has a sequence length or batch above 2^31-1, the most the kernel takes'],
  ])('refuses %s', (_what, input, type, message) => {
    expect(() => rnn.forward(input as never)).toThrow(type);
    expect(() => rnn.forward(input as never)).toThrow(message);
  });

  it('reads a shape\'s length once: a proxy whose length changes between reads is checked as first read', () => {
    let reads = 0;
    const shape = new Proxy([5, 2, 3], { get: (target, key) => (key === 'length' ? (++reads === 1 ? 3 : 2) : Reflect.get(target, key)) });
    const result = rnn.forward({ data: x.data, shape });
    expect(result.output.shape).toEqual([5, 2, 4]);
    expectExact(result.output.data, rnn.forward(x).output.data, 'output');
    const short = new Proxy([5, 2, 3], { get: (target, key) => (key === 'length' ? 2 : Reflect.get(target, key)) });
    expect(() => rnn.forward({ data: x.data, shape: short })).toThrow('input: shape [5, 2] needs 10 elements, data has 30');
  });

  it('refuses h0 of the wrong shape', () => {
    const call = () => rnn.forward(x, { h0: { data: new Float32Array(8), shape: [2, 4] } });
    expect(call).toThrow(RangeError);
    expect(call).toThrow('h0: expected shape [1, 2, 4], got [2, 4]');
  });

  it('refuses out buffers of the wrong length or type, and buffers that overlap the input', () => {
    expect(() => rnn.forward(x, { out: { output: new Float32Array(39) } })).toThrow('out.output: expected a Float32Array of 40 elements, got 39');
    expect(() => rnn.forward(x, { out: { hn: new Float64Array(8) as never } })).toThrow(TypeError);
    const shared = new Float32Array(100);
    const input = { data: shared.subarray(0, 30), shape: [5, 2, 3] };
    const overlap = () => rnn.forward(input, { out: { output: shared.subarray(20, 60) } });
    expect(overlap).toThrow(RangeError);
    expect(overlap).toThrow('out.output: overlaps input; use separate buffers');
  });

  it.each([
    [[0, 5], RangeError, 'lengths[0]: expected an integer in [1, 5] (the sequence length T), got 0'],
    [[6, 5], RangeError, 'lengths[0]: expected an integer in [1, 5] (the sequence length T), got 6'],
    [[2.5, 5], RangeError, 'lengths[0]: expected an integer in [1, 5] (the sequence length T), got 2.5'],
    [[5], RangeError, 'lengths: expected 2 lengths (one per sequence), got 1'],
    ['5,5', TypeError, 'lengths: expected an array or Int32Array of 2 integers, got string'],
  ])('refuses lengths %j', (lengths, type, message) => {
    expect(() => rnn.forward(x, { lengths: lengths as never })).toThrow(type);
    expect(() => rnn.forward(x, { lengths: lengths as never })).toThrow(message);
  });

  it('refuses a detached (transferred) input buffer with a TypeError', () => {
    const data = Float32Array.from(x.data);
    structuredClone(data.buffer, { transfer: [data.buffer] });
    const call = () => rnn.forward({ data, shape: [5, 2, 3] });
    expect(call).toThrow(TypeError);
    expect(call).toThrow('input.data: the Float32Array\'s ArrayBuffer is detached (transferred)');
  });

  it('refuses unknown options', () => {
    expect(() => rnn.forward(x, { hx: null } as never)).toThrow("forward options: unknown option 'hx'");
  });
});

describe('typed arrays are judged by the elements they hold, not by their properties', () => {
  const fixture = loadTorchFixture('with_h0.json'); // D = 3, H = 4, T = 5, B = 2
  const rnn = rnnFromFixture(fixture);
  const x = fixture.input;
  /** A Float32Array of `real` elements whose length property says `claimed`. */
  const lying = (real: number, claimed: number, from?: Float32Array) => {
    const array = new (class extends Float32Array {
      override get length(): number {
        return claimed;
      }
    })(real);
    if (from) array.set(from);
    return array;
  };

  it('an input whose length lies is refused with the count it really holds, by forward and forwardAsync', async () => {
    const input = { data: lying(31, 30), shape: [5, 2, 3] };
    expect(() => rnn.forward(input)).toThrow(RangeError);
    expect(() => rnn.forward(input)).toThrow('input: shape [5, 2, 3] needs 30 elements, data has 31');
    await expect(rnn.forwardAsync(input)).rejects.toThrow('input: shape [5, 2, 3] needs 30 elements, data has 31');
    expect(() => rnn.forward(x, { h0: lying(7, 8) })).toThrow('h0: expected shape [1, 2, 4], got a Float32Array of 7 elements (needs 8)');
  });

  it('a subclass holding the right elements works, and the result is the plain input\'s', async () => {
    const input = { data: lying(30, 29, x.data as Float32Array), shape: [5, 2, 3] };
    const expected = rnn.forward(x);
    expectExact(rnn.forward(input).output.data, expected.output.data, 'forward');
    expectExact((await rnn.forwardAsync(input)).output.data, expected.output.data, 'forwardAsync');
  });

  it('an out buffer must hold the right elements and say so, as the result hands it back', () => {
    expect(() => rnn.forward(x, { out: { output: lying(41, 40) } })).toThrow('out.output: expected a Float32Array of 40 elements, got 41');
    const liar = () => rnn.forward(x, { out: { output: lying(40, 39) } });
    expect(liar).toThrow(TypeError);
    expect(liar).toThrow('out.output: its length property says 39, but it holds 40 elements');
  });

  it('an object that only inherits from Float32Array is not one', () => {
    const fake = () => rnn.forward({ data: Object.create(Float32Array.prototype), shape: [5, 2, 3] });
    expect(fake).toThrow(TypeError);
    expect(fake).toThrow('input.data: expected a Float32Array, got an object that inherits from Float32Array but is none');
  });

  it('lengths given as a typed array are counted by the elements it holds', () => {
    const lengths = new (class extends Int32Array {
      override get length(): number {
        return 2;
      }
    })([5, 5, 5]);
    expect(() => rnn.forward(x, { lengths })).toThrow('lengths: expected 2 lengths (one per sequence), got 3');
  });

  it('the addon checks the elements a typed array holds, not its length property', () => {
    const native = new addon.NativeRnn({ inputSize: 3, hiddenSize: 4, numLayers: 1, direction: 'forward',
      activations: [{ name: 'Tanh', alpha: 0, beta: 0 }], clip: Infinity, outputsInProcessingOrder: false });
    const call = () => native.forward(lying(29, 30), 5, 2, false, null, null, null, new Float32Array(40), new Float32Array(8));
    expect(call).toThrow(RangeError);
    expect(call).toThrow('input: expected 30 elements, got 29');
  });
});
