// Randomized differential tests: the native kernel against the plain TypeScript reference
// (itself anchored by every fixture in reference.test.ts) over the options the fixtures do not cover:
// ONNX activations with alpha/beta, clip, reverse and bidirectional directions, layouts, lengths, h0.
import { describe, expect, it } from 'vitest';
import { RNN, SimpleRNN, type ActivationSpec } from '../lib/index';
import { expectClose, mulberry32, randomFloat32 } from './support/fixtures';
import { referenceForward, type RefDirectionWeights } from './support/reference';

const ONNX_ACTIVATIONS = ['Relu', 'Tanh', 'Sigmoid', 'Affine', 'LeakyRelu', 'ThresholdedRelu', 'ScaledTanh',
  'HardSigmoid', 'Elu', 'Softsign', 'Softplus'];
const DIRECTIONS = ['forward', 'reverse', 'bidirectional'] as const;

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const between = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

function randomActivation(rng: Rng, name: string): ActivationSpec {
  // Half the time alpha/beta are omitted, to exercise the ONNX defaults.
  if (rng() < 0.5) return { name };
  return { name, alpha: Math.fround(0.2 + rng()), beta: Math.fround(rng() - 0.5) };
}

function randomCase(seed: number) {
  const rng = mulberry32(seed);
  const direction = pick(rng, DIRECTIONS);
  const nd = direction === 'bidirectional' ? 2 : 1;
  const config = {
    inputSize: between(rng, 1, 9), hiddenSize: between(rng, 1, 12), numLayers: between(rng, 1, 3),
    bias: rng() < 0.8, batchFirst: rng() < 0.5, direction,
    activations: Array.from({ length: nd }, () => randomActivation(rng, pick(rng, ONNX_ACTIVATIONS))),
    clip: rng() < 0.3 ? Math.fround(0.5 + rng() * 2) : undefined,
  };
  const steps = between(rng, 1, 8);
  const batch = between(rng, 1, 5);
  const input = randomFloat32(rng, steps * batch * config.inputSize, 1.5);
  const h0 = rng() < 0.5 ? randomFloat32(rng, config.numLayers * nd * batch * config.hiddenSize, 1) : undefined;
  const lengths = rng() < 0.5 ? Array.from({ length: batch }, () => between(rng, 1, steps)) : undefined;
  return { rng, config, nd, steps, batch, input, h0, lengths };
}

function referenceWeights(rnn: RNN, layers: number, nd: number): RefDirectionWeights[][] {
  const dict = rnn.stateDict();
  return Array.from({ length: layers }, (_, l) => Array.from({ length: nd }, (_, d) => {
    const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
    return { wIh: dict[`weight_ih${suffix}`].data, wHh: dict[`weight_hh${suffix}`].data,
      bIh: dict[`bias_ih${suffix}`]?.data, bHh: dict[`bias_hh${suffix}`]?.data };
  }));
}

describe('native RNN vs the TypeScript reference, randomized', () => {
  for (let seed = 1; seed <= 150; seed++) {
    it(`case ${seed}`, () => {
      const c = randomCase(seed);
      const rnn = new RNN({ ...c.config, seed });
      const shape = c.config.batchFirst ? [c.batch, c.steps, c.config.inputSize] : [c.steps, c.batch, c.config.inputSize];
      const hnShape = [c.config.numLayers * c.nd, c.batch, c.config.hiddenSize];
      const got = rnn.forward({ data: c.input, shape }, { h0: c.h0 && { data: c.h0, shape: hnShape }, lengths: c.lengths });
      const want = referenceForward({ ...c.config, activations: c.config.activations },
        referenceWeights(rnn, c.config.numLayers, c.nd), c.input, c.steps, c.batch, { h0: c.h0, lengths: c.lengths });
      const what = JSON.stringify({ ...c.config, steps: c.steps, batch: c.batch, lengths: c.lengths, h0: !!c.h0 });
      expectClose(got.output.data, want.output, `output of ${what}`);
      expectClose(got.hn.data, want.hn, `hn of ${what}`);
    });
  }
});

describe('Keras SimpleRNN (mask, goBackwards, activations) vs the reference, randomized', () => {
  const KERAS = ['tanh', 'relu', 'sigmoid', 'linear', 'elu', 'softsign', 'softplus', 'hard_sigmoid', 'selu'];
  for (let seed = 1; seed <= 60; seed++) {
    it(`case ${seed}`, () => {
      const rng = mulberry32(1000 + seed);
      const [n, t, d, units] = [between(rng, 1, 4), between(rng, 1, 7), between(rng, 1, 6), between(rng, 1, 8)];
      const options = { units, activation: pick(rng, KERAS), useBias: rng() < 0.7, goBackwards: rng() < 0.5,
        returnSequences: true, returnState: true, seed };
      const layer = new SimpleRNN({ ...options, inputDim: d });
      const x = randomFloat32(rng, n * t * d, 1.5);
      const mask = Array.from({ length: n }, () => Array.from({ length: t }, () => rng() < 0.7));
      const initial = rng() < 0.5 ? randomFloat32(rng, n * units, 1) : undefined;
      const got = layer.call({ data: x, shape: [n, t, d] }, { mask, initialState: initial && { data: initial, shape: [n, units] } });
      const [kernel, recurrent, bias] = layer.getWeights();
      const transpose = (w: Float32Array, r: number, c: number) => Float32Array.from({ length: r * c }, (_, i) => w[(i % r) * c + Math.floor(i / r)]);
      const want = referenceForward(
        { inputSize: d, hiddenSize: units, numLayers: 1, direction: options.goBackwards ? 'reverse' : 'forward',
          activations: [{ name: options.activation }], batchFirst: true },
        [[{ wIh: transpose(kernel.data, d, units), wHh: transpose(recurrent.data, units, units), bIh: bias?.data }]],
        x, t, n, { mask: mask.flat(), h0: initial, outputInProcessingOrder: options.goBackwards });
      expect(got.output.shape).toEqual([n, t, units]);
      expectClose(got.output.data, want.output, `output of ${JSON.stringify(options)}`);
      expectClose(got.state!.data, want.hn, `state of ${JSON.stringify(options)}`);
    });
  }
});
