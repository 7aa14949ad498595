// The ONNX RNN operator's attributes, each combination checked against the test suite's plain
// reference forward pass: activations with alpha/beta consumed in order, clip, layout 1, optional
// B, sequence_lens and initial_h.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../lib/model';
import { expectClose, mulberry32, randomFloat32 } from '../support/fixtures';
import { referenceForward, swapAxes, type RefActivation } from '../support/reference';
import { INT32, modelBytes, node, tensor, valueInfo } from './helpers/onnx-builder';

interface Case {
  direction: 'forward' | 'reverse' | 'bidirectional';
  activations?: string[];
  alpha?: number[];
  beta?: number[];
  clip?: number;
  layout: 0 | 1;
  bias: boolean;
  lengths?: number[];
  initialH: boolean;
  /** W, R and B as graph inputs fed per call (the ONNX backend tests' layout) instead of initializers. */
  weightsAsInputs?: boolean;
  /** What the activations must resolve to, written out by hand. */
  expected: RefActivation[];
}

const [T, B, D, H] = [5, 3, 4, 3];

function attributesOf(c: Case): Record<string, never> {
  const attributes: Record<string, unknown> = { hidden_size: H, direction: c.direction, layout: c.layout };
  if (c.activations) attributes.activations = c.activations;
  if (c.alpha) attributes.activation_alpha = { floats: c.alpha };
  if (c.beta) attributes.activation_beta = { floats: c.beta };
  if (c.clip !== undefined) attributes.clip = { float: c.clip };
  return attributes as Record<string, never>;
}

async function check(c: Case, seed: number): Promise<void> {
  const nd = c.direction === 'bidirectional' ? 2 : 1;
  const rng = mulberry32(seed);
  const w = randomFloat32(rng, nd * H * D, 0.8);
  const r = randomFloat32(rng, nd * H * H, 0.8);
  const b = randomFloat32(rng, nd * 2 * H, 0.5);
  const x = randomFloat32(rng, T * B * D, 1.5);
  const h0 = randomFloat32(rng, nd * B * H, 0.5); // [nd, B, H]
  const xShape = c.layout === 0 ? [T, B, D] : [B, T, D];
  const hShape = c.layout === 0 ? [nd, B, H] : [B, nd, H];
  const weights = [tensor('W', [nd, H, D], [...w]), tensor('R', [nd, H, H], [...r])];
  if (c.bias) weights.push(tensor('B', [nd, 2 * H], [...b]));
  const initializers = c.weightsAsInputs ? [] : weights;
  if (c.lengths) initializers.push(tensor('lens', [B], c.lengths, INT32));
  const inputs = [valueInfo('X', xShape)];
  if (c.weightsAsInputs) inputs.push(valueInfo('W', [nd, H, D]), valueInfo('R', [nd, H, H]), ...(c.bias ? [valueInfo('B', [nd, 2 * H])] : []));
  if (c.initialH) inputs.push(valueInfo('H0', hShape));
  const rnnInputs = ['X', 'W', 'R', c.bias ? 'B' : '', c.lengths ? 'lens' : '', c.initialH ? 'H0' : ''];
  while (rnnInputs[rnnInputs.length - 1] === '') rnnInputs.pop();
  const model = await loadModel(modelBytes({
    nodes: [node('RNN', rnnInputs, ['Y', 'Y_h'], attributesOf(c))],
    initializers, inputs, outputs: [valueInfo('Y', null), valueInfo('Y_h', null)],
  }));
  const xFed = c.layout === 0 ? x : swapAxes(x, 1, T, B, D); // x is time-major; layout 1 feeds [B, T, D]
  const feeds: Record<string, { data: Float32Array; shape: number[] }> = { X: { data: xFed, shape: xShape } };
  if (c.initialH) feeds.H0 = { data: c.layout === 0 ? h0 : swapAxes(h0, 1, nd, B, H), shape: hShape };
  if (c.weightsAsInputs) Object.assign(feeds, { W: { data: w, shape: [nd, H, D] }, R: { data: r, shape: [nd, H, H] }, ...(c.bias && { B: { data: b, shape: [nd, 2 * H] } }) });
  const directions = [Array.from({ length: nd }, (_, d) => ({
    wIh: w.subarray(d * H * D, (d + 1) * H * D), wHh: r.subarray(d * H * H, (d + 1) * H * H),
    bIh: c.bias ? b.subarray(d * 2 * H, d * 2 * H + H) : undefined, bHh: c.bias ? b.subarray(d * 2 * H + H, (d + 1) * 2 * H) : undefined,
  }))];
  const want = referenceWithEmpty(
    { inputSize: D, hiddenSize: H, numLayers: 1, direction: c.direction, activations: c.expected, clip: c.clip, batchFirst: false },
    directions, x, nd, { h0: c.initialH ? h0 : undefined, lengths: c.lengths },
  );
  // The reference gives [T, B, nd*H] and [nd, B, H]; ONNX wants [T, nd, B, H] / [B, T, nd, H] and [nd, B, H] / [B, nd, H].
  const wantY = c.layout === 0 ? swapAxes(want.output, T, B, nd, H) : swapAxes(want.output, 1, T, B, nd * H);
  const wantYh = c.layout === 0 ? want.hn : swapAxes(want.hn, 1, nd, B, H);
  for (const got of [model.runSync(feeds), await model.run(feeds)]) {
    expect(got.Y.shape).toEqual(c.layout === 0 ? [T, nd, B, H] : [B, T, nd, H]);
    expect(got.Y_h.shape).toEqual(hShape);
    expectClose(got.Y.data, wantY, 'Y');
    expectClose(got.Y_h.data, wantYh, 'Y_h');
  }
  // Weights fed per call have no batch axis: such a model only runs whole.
  if (c.weightsAsInputs) expect(model.batchAxes).toBeNull();
  const described = (model.config.rnnNodes as Array<{ activations: RefActivation[] }>)[0].activations;
  expect(described.map((a) => a.name)).toEqual(c.expected.map((a) => a.name));
}

/**
 * The reference forward pass of the sequences whose length is not 0, with zeros for the others in
 * output and hn (as onnxruntime gives for a sequence_lens of 0).
 */
function referenceWithEmpty(config: Parameters<typeof referenceForward>[0], directions: Parameters<typeof referenceForward>[1], x: Float32Array, nd: number,
  { h0, lengths }: { h0?: Float32Array; lengths?: number[] }): { output: Float32Array; hn: Float32Array } {
  const kept = Array.from({ length: B }, (_, i) => i).filter((i) => !lengths || lengths[i] > 0);
  const pick = (data: Float32Array, rows: number, width: number) => { // [rows, B, width] -> [rows, kept, width]
    const out = new Float32Array(rows * kept.length * width);
    for (let t = 0; t < rows; t++) kept.forEach((bi, k) => out.set(data.subarray((t * B + bi) * width, (t * B + bi + 1) * width), (t * kept.length + k) * width));
    return out;
  };
  const output = new Float32Array(T * B * nd * H);
  const hn = new Float32Array(nd * B * H);
  if (kept.length === 0) return { output, hn };
  const part = referenceForward(config, directions, pick(x, T, D), T, kept.length, {
    h0: h0 && pick(h0, nd, H), lengths: lengths && kept.map((i) => lengths[i]),
  });
  const spread = (from: Float32Array, into: Float32Array, rows: number, width: number) => {
    for (let t = 0; t < rows; t++) kept.forEach((bi, k) => into.set(from.subarray((t * kept.length + k) * width, (t * kept.length + k + 1) * width), (t * B + bi) * width));
  };
  spread(part.output, output, T, nd * H);
  spread(part.hn, hn, nd, H);
  return { output, hn };
}

describe('ONNX RNN attributes against the reference forward pass', () => {
  it('HardSigmoid takes alpha and beta, then Elu takes the next alpha (bidirectional, B, lengths, initial_h)', async () => {
    await check({
      direction: 'bidirectional', activations: ['HardSigmoid', 'Elu'], alpha: [0.3, 0.7], beta: [0.4], layout: 0, bias: true,
      lengths: [5, 2, 4], initialH: true,
      expected: [{ name: 'HardSigmoid', alpha: Math.fround(0.3), beta: Math.fround(0.4) }, { name: 'Elu', alpha: Math.fround(0.7) }],
    }, 1);
  });

  it('Tanh takes no parameter, so LeakyRelu gets the first alpha (layout 1 with initial_h and lengths)', async () => {
    await check({
      direction: 'bidirectional', activations: ['Tanh', 'LeakyRelu'], alpha: [0.2], layout: 1, bias: true, lengths: [3, 5, 1], initialH: true,
      expected: [{ name: 'Tanh' }, { name: 'LeakyRelu', alpha: Math.fround(0.2) }],
    }, 2);
  });

  it('Affine with alpha only keeps the default beta 0; clip; no B (layout 1, no initial_h)', async () => {
    await check({
      direction: 'forward', activations: ['Affine'], alpha: [2], clip: 1.5, layout: 1, bias: false, initialH: false,
      expected: [{ name: 'Affine', alpha: 2, beta: 0 }],
    }, 3);
  });

  it('ThresholdedRelu without parameters uses the operator default alpha 1 (reverse)', async () => {
    await check({
      direction: 'reverse', activations: ['ThresholdedRelu'], layout: 0, bias: true, initialH: true,
      expected: [{ name: 'ThresholdedRelu', alpha: 1 }],
    }, 4);
  });

  it('Softplus takes nothing, ScaledTanh takes alpha and beta; extra entries are ignored', async () => {
    await check({
      direction: 'bidirectional', activations: ['Softplus', 'ScaledTanh'], alpha: [1.5, 9], beta: [0.5, 9], layout: 0, bias: true, initialH: false,
      expected: [{ name: 'Softplus' }, { name: 'ScaledTanh', alpha: 1.5, beta: 0.5 }],
    }, 5);
  });

  it('defaults: Tanh for every direction, no clip, layout 0', async () => {
    await check({ direction: 'bidirectional', layout: 0, bias: true, initialH: false, expected: [{ name: 'Tanh' }, { name: 'Tanh' }] }, 6);
  });

  it('Sigmoid with clip (reverse, layout 1, lengths, no B)', async () => {
    await check({
      direction: 'reverse', activations: ['Sigmoid'], clip: 0.3, layout: 1, bias: false, lengths: [1, 4, 5], initialH: true,
      expected: [{ name: 'Sigmoid' }],
    }, 7);
  });

  it('weights fed as graph inputs, the layout of ONNX\'s backend tests (bidirectional, B, lengths, initial_h)', async () => {
    await check({
      direction: 'bidirectional', activations: ['Tanh', 'Relu'], layout: 0, bias: true, lengths: [5, 2, 4], initialH: true, weightsAsInputs: true,
      expected: [{ name: 'Tanh' }, { name: 'Relu' }],
    }, 8);
    await check({ direction: 'forward', layout: 1, bias: false, initialH: false, weightsAsInputs: true, expected: [{ name: 'Tanh' }] }, 9);
  });

  it('sequence_lens of 0: that sequence\'s Y and Y_h are zeros, the others as if it were not there (both layouts)', async () => {
    await check({
      direction: 'bidirectional', activations: ['Tanh', 'Sigmoid'], layout: 1, bias: true, lengths: [3, 0, 5], initialH: true,
      expected: [{ name: 'Tanh' }, { name: 'Sigmoid' }],
    }, 10);
    await check({ direction: 'reverse', layout: 0, bias: true, lengths: [0, 0, 2], initialH: true, expected: [{ name: 'Tanh' }] }, 11);
    await check({ direction: 'forward', layout: 0, bias: false, lengths: [0, 0, 0], initialH: true, weightsAsInputs: true, expected: [{ name: 'Tanh' }] }, 12);
  });
});
