// Options beyond the fixtures: Gluon names and layout, streaming, Keras layer API, and their errors.
import { describe, expect, it } from 'vitest';
import { createBatcher, Dense, RNN, SimpleRNN, type Tensor } from '../lib/index';
import { expectClose, expectExact, listFixtures, mulberry32, randomFloat32 } from './support/fixtures';
import { loadTorchFixture, rnnFromFixture } from './support/torch-fixture';

function gluonName(torchName: string, prefix: string): string {
  const [, kind, connection, layer, reverse] = torchName.match(/^(weight|bias)_(ih|hh)_l(\d+)(_reverse)?$/)!;
  return `${prefix}${reverse ? 'r' : 'l'}${layer}_${connection === 'ih' ? 'i2h' : 'h2h'}_${kind}`;
}

describe('MXNet Gluon names and layout', () => {
  for (const prefix of ['', 'rnn0_']) {
    it(`loads a torch fixture's weights renamed to Gluon's (prefix '${prefix}')`, () => {
      const f = loadTorchFixture('three_layers_bidirectional.json');
      const rnn = new RNN({ ...f.config, batchFirst: undefined, layout: f.config.batchFirst ? 'NTC' : 'TNC' });
      rnn.loadStateDict(Object.fromEntries(Object.entries(f.weights).map(([name, t]) => [gluonName(name, prefix), t])));
      const { output, hn } = rnn.forward(f.input, { h0: f.h0 });
      expectClose(output.data, f.output.data, 'output');
      expectClose(hn.data, f.hn.data, 'hn');
    });
  }

  it('refuses a layout that contradicts batchFirst, and mixed names', () => {
    expect(() => new RNN({ inputSize: 2, hiddenSize: 2, layout: 'NTC', batchFirst: false })).toThrow("layout: 'NTC' contradicts batchFirst: false");
    expect(() => new RNN({ inputSize: 2, hiddenSize: 2, layout: 'CTN' as never })).toThrow("layout: expected one of 'TNC', 'NTC', got 'CTN'");
    const f = loadTorchFixture('tanh_small.json');
    const mixed = { ...f.weights, l0_i2h_weight: f.weights.weight_ih_l0 };
    expect(() => rnnFromFixture(f).loadStateDict(mixed)).toThrow('unexpected key(s): l0_i2h_weight');
  });
});

function split(t: Tensor, axis: number, from: number, to: number): Tensor {
  const [a, b, c] = t.shape;
  if (axis === 0) return { data: t.data.slice(from * b * c, to * b * c), shape: [to - from, b, c] };
  const data = new Float32Array(a * (to - from) * c);
  for (let i = 0; i < a; i++) data.set(t.data.subarray((i * b + from) * c, (i * b + to) * c), i * (to - from) * c);
  return { data, shape: [a, to - from, c] };
}

describe('streaming', () => {
  const unidirectional = listFixtures('torch').map(loadTorchFixture).filter((f) => !f.config.bidirectional && !f.lengths);

  for (const f of unidirectional) {
    it(`${f.name}: random splits give one forward's output and state`, () => {
      const rng = mulberry32(f.name.length);
      const timeAxis = f.config.batchFirst ? 1 : 0;
      const steps = f.input.shape[timeAxis];
      const batchSize = f.input.shape[1 - timeAxis];
      const rnn = rnnFromFixture(f);
      const whole = rnn.forward(f.input, { h0: f.h0 });
      for (let trial = 0; trial < 3; trial++) {
        const stream = rnn.createStream({ batchSize, h0: f.h0 });
        const cuts = [0, ...Array.from({ length: 3 }, () => 1 + Math.floor(rng() * (steps - 1)))].filter((v) => v < steps);
        const bounds = [...new Set([...cuts, steps])].sort((a, b) => a - b);
        const pieces = bounds.slice(1).map((end, i) => stream.push(split(f.input, timeAxis, bounds[i], end)).output);
        // Close rather than bitwise: OpenBLAS may pick another GEMM kernel for fewer rows.
        pieces.forEach((piece, i) => expectClose(piece.data, split(whole.output, timeAxis, bounds[i], bounds[i + 1]).data, `piece ${i}`));
        expectClose(stream.state.data, whole.hn.data, 'state');
        expectClose(stream.state.data, f.hn.data, 'state vs PyTorch');
      }
    });
  }

  it('reset starts over, and an unbatched stream takes [t, D] chunks', () => {
    const f = loadTorchFixture('tanh_small.json');
    const rnn = rnnFromFixture(f);
    const x = { data: randomFloat32(mulberry32(3), 6 * 4), shape: [6, 4] };
    const stream = rnn.createStream({ batchSize: 1 });
    const first = stream.push(x).output.data.slice();
    stream.reset();
    expectExact(stream.push(x).output.data, first, 'after reset');
    expectExact(first, rnn.forward(x).output.data, 'vs forward');
  });

  it('refuses bidirectional and reverse models, and chunks of the wrong batch', () => {
    const bi = rnnFromFixture(loadTorchFixture('bidirectional.json'));
    expect(() => bi.createStream({ batchSize: 2 })).toThrow('createStream: a bidirectional RNN cannot stream');
    expect(() => new RNN({ inputSize: 2, hiddenSize: 2, direction: 'reverse' }).createStream({ batchSize: 1 })).toThrow('a reverse RNN cannot stream');
    const stream = rnnFromFixture(loadTorchFixture('tanh_small.json')).createStream({ batchSize: 2 });
    expect(() => stream.push({ data: new Float32Array(12), shape: [1, 3, 4] })).toThrow('chunk: expected 2 sequences (batchSize) on axis 1, got shape [1, 3, 4]');
    expect(() => stream.reset({ data: new Float32Array(3), shape: [1, 1, 3] })).toThrow('h0: expected shape [1, 2, 3], got [1, 1, 3]');
  });
});

describe('activation names', () => {
  it('refuses unknown names with the list of known ones', () => {
    expect(() => new RNN({ inputSize: 2, hiddenSize: 2, activations: ['Gelu'] })).toThrow(/activations\[0\]: unknown activation "Gelu"; expected one of Relu, Tanh, .*Softplus/);
    expect(() => new SimpleRNN({ units: 2, activation: 'gelu' })).toThrow(/activation: unknown activation "gelu"; expected one of tanh, relu, .*selu/);
    expect(() => new Dense({ units: 2, activation: 'elu' as never })).toThrow("activation: expected one of 'linear', 'relu', 'sigmoid', 'tanh', 'softmax', got 'elu'");
    expect(() => new RNN({ inputSize: 2, hiddenSize: 2, activations: ['Tanh', 'Relu'] })).toThrow('activations: expected an array of 1 or 1 activations');
    expect(() => new RNN({ inputSize: 2, hiddenSize: 2, activations: [{ name: 'Elu', alpha: 'x' as never }] })).toThrow('activations[0].alpha: expected a finite number, got x');
  });

  it('names a value that has no string form by its kind, instead of failing to print it', () => {
    // String() throws for an object without a prototype, and JSON.stringify for a BigInt.
    const bare = Object.create(null);
    expect(() => new SimpleRNN({ units: 2, activation: bare })).toThrow(/^activation: unknown activation object; expected one of tanh/);
    expect(() => new SimpleRNN({ units: 2, activation: 10n as never })).toThrow(/^activation: unknown activation bigint; expected one of tanh/);
    expect(() => new RNN({ inputSize: 2, hiddenSize: 2, activations: [{ name: 'Elu', alpha: bare }] })).toThrow('activations[0].alpha: expected a finite number, got object');
    const seed = () => new RNN({ inputSize: 2, hiddenSize: 2, seed: bare });
    expect(seed).toThrow(TypeError);
    expect(seed).toThrow('seed: expected an integer in [0, 2^32), got object');
    expect(() => new RNN({ inputSize: 2, hiddenSize: 2 }).forward([[1, 2]], { lengths: [bare] })).toThrow('lengths[0]: expected an integer in [1, 1] (the sequence length T), got object');
    expect(() => createBatcher(new RNN({ inputSize: 2, hiddenSize: 2 }), { maxDelayMs: 5n as never })).toThrow('maxDelayMs: expected a non-negative number, got 5n');
  });

  it('takes ONNX names case-insensitively and one activation for both directions', () => {
    const a = new RNN({ inputSize: 2, hiddenSize: 3, bidirectional: true, activations: ['leakyrelu'], seed: 5 });
    const b = new RNN({ inputSize: 2, hiddenSize: 3, bidirectional: true, activations: [{ name: 'LeakyRelu', alpha: 0.01 }, 'LEAKYRELU'], seed: 5 });
    const x = { data: randomFloat32(mulberry32(9), 8, 2), shape: [4, 2] };
    expectExact(a.forward(x).output.data, b.forward(x).output.data, 'output');
  });
});

describe('Keras layers API', () => {
  it('SimpleRNN getWeights returns what setWeights took, in Keras order and shapes', () => {
    const rng = mulberry32(4);
    const weights = [{ data: randomFloat32(rng, 12), shape: [3, 4] }, { data: randomFloat32(rng, 16), shape: [4, 4] }, { data: randomFloat32(rng, 4), shape: [4] }];
    const layer = new SimpleRNN({ units: 4 });
    layer.setWeights(weights);
    const got = layer.getWeights();
    got.forEach((w, i) => { expect(w.shape).toEqual(weights[i].shape); expectExact(w.data, weights[i].data, `weight ${i}`); });
  });

  it('SimpleRNN builds on first call with Keras initialisers (orthogonal recurrent kernel), reproducibly with a seed', () => {
    const layer = new SimpleRNN({ units: 5, seed: 11, returnSequences: true });
    const x = { data: randomFloat32(mulberry32(1), 2 * 3 * 4), shape: [2, 3, 4] };
    const first = layer.call(x).output;
    expect(first.shape).toEqual([2, 3, 5]);
    expectExact(new SimpleRNN({ units: 5, seed: 11, returnSequences: true }).call(x).output.data, first.data, 'same seed');
    const [, recurrent, bias] = layer.getWeights();
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
      let dot = 0;
      for (let k = 0; k < 5; k++) dot += recurrent.data[i * 5 + k] * recurrent.data[j * 5 + k];
      expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-5);
    }
    expectExact(bias.data, new Float32Array(5), 'zero bias');
  });

  it('SimpleRNN refuses bad calls clearly', () => {
    const layer = new SimpleRNN({ units: 2, inputDim: 3 });
    expect(() => layer.call({ data: new Float32Array(6), shape: [2, 3] })).toThrow('x: expected shape [N, T, D], got [2, 3]');
    expect(() => layer.call({ data: new Float32Array(8), shape: [1, 2, 4] })).toThrow('x: expected shape [N, T >= 1, 3], got [1, 2, 4]');
    const x = { data: new Float32Array(6), shape: [1, 2, 3] };
    expect(() => layer.call(x, { mask: [[true]] })).toThrow('mask[0]: expected 2 booleans (T), got 1');
    expect(() => layer.call(x, { mask: [[true, 'no']] as never })).toThrow('mask[0][1]: expected a boolean, got no');
    // forEach skips holes: a hole in the mask once read as false, masking that step out silently.
    expect(() => layer.call(x, { mask: [[true, , ]] as never })).toThrow('mask[0][1]: expected a boolean, got undefined');
    expect(() => layer.call({ data: new Float32Array(3), shape: [1, 1, 3] }, { mask: [, ] as never }))
      .toThrow('mask[0]: expected 1 booleans (T), got undefined');
    expect(() => layer.call(x, { initialState: [[1, 2, 3]] })).toThrow('initialState: expected shape [1, 2], got [1, 3]');
    expect(() => layer.setWeights([new Float32Array(6)])).toThrow('SimpleRNN.setWeights: expected [kernel, recurrent_kernel, bias] (3 arrays), got 1 arrays');
    expect(() => new SimpleRNN({ units: 2 }).getWeights()).toThrow('SimpleRNN.getWeights: the layer is not built yet');
  });

  it('Dense and SimpleRNN refuse a shape with holes, and a failed first call leaves them unbuilt', () => {
    // every() and reduce() skip holes: Dense.call once returned a result of shape [undefined, units] here.
    const dense = new Dense({ units: 2, seed: 1 });
    const holey = () => dense.call({ data: new Float32Array(3), shape: [, 3] as never });
    expect(holey).toThrow(TypeError);
    expect(holey).toThrow('x.shape[0]: expected a non-negative integer, got a hole (the shape array is sparse)');
    expect(() => dense.call({ data: new Float32Array(0), shape: [2, 0] })).toThrow('x: expected shape [..., in >= 1], got [2, 0]');
    expect(dense.inputDim).toBeUndefined();
    expect(dense.call([[1, 2, 3]]).shape).toEqual([1, 2]);
    expect(dense.inputDim).toBe(3);

    const layer = new SimpleRNN({ units: 2, seed: 1 });
    expect(() => layer.call({ data: new Float32Array(6), shape: [1, , 3] as never }))
      .toThrow('x.shape[1]: expected a non-negative integer, got a hole (the shape array is sparse)');
    expect(() => layer.call({ data: new Float32Array(0), shape: [1, 0, 3] })).toThrow('x: expected shape [N, T >= 1, 3], got [1, 0, 3]');
    expect(() => layer.call({ data: new Float32Array(3), shape: [1, 1, 3] }, { mask: [[2]] as never })).toThrow('mask[0][0]: expected a boolean, got 2');
    expect(layer.inputDim).toBeUndefined();
  });

  it('setWeights takes the input size only from a [in >= 1, units] kernel', () => {
    expect(() => new Dense({ units: 2 }).setWeights([{ data: new Float32Array(0), shape: [0, 2] }, [0, 0]]))
      .toThrow('Dense.setWeights kernel: expected an [in >= 1, units] matrix, got shape [0, 2]');
    expect(() => new SimpleRNN({ units: 2 }).setWeights([[1, 2], [[0, 0], [0, 0]], [0, 0]]))
      .toThrow('SimpleRNN.setWeights kernel: expected an [in >= 1, units] matrix, got shape [2]');
    expect(() => new Dense({ units: 2 }).setWeights('w' as never)).toThrow('Dense.setWeights: expected [kernel, bias] (2 arrays), got string');
  });

  it('Dense computes act(x kernel + bias) over the last axis, softmax included', () => {
    const rng = mulberry32(8);
    const kernel = randomFloat32(rng, 3 * 4);
    const bias = randomFloat32(rng, 4);
    const x = randomFloat32(rng, 2 * 5 * 3, 2);
    const plain = Array.from({ length: 10 }, (_, r) => Array.from({ length: 4 }, (_, u) =>
      bias[u] + [0, 1, 2].reduce((s, k) => s + x[r * 3 + k] * kernel[k * 4 + u], 0)));
    const activations: Record<string, (row: number[]) => number[]> = {
      linear: (row) => row,
      relu: (row) => row.map((v) => Math.max(0, v)),
      sigmoid: (row) => row.map((v) => 1 / (1 + Math.exp(-v))),
      tanh: (row) => row.map(Math.tanh),
      softmax: (row) => { const e = row.map((v) => Math.exp(v)); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); },
    };
    for (const [name, fn] of Object.entries(activations)) {
      const dense = new Dense({ units: 4, activation: name as never });
      dense.setWeights([{ data: kernel, shape: [3, 4] }, { data: bias, shape: [4] }]);
      const y = dense.call({ data: x, shape: [2, 5, 3] });
      expect(y.shape).toEqual([2, 5, 4]);
      expectClose(y.data, plain.flatMap(fn), `Dense ${name}`);
    }
    expect(() => new Dense({ units: 4, inputDim: 3 }).call({ data: x, shape: [2, 15] })).toThrow('x: expected shape [..., 3], got [2, 15]');
  });
});
