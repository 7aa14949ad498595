// Anchors the reference implementation against the golden fixtures of PyTorch, Keras and ONNX.
import { describe, it } from 'vitest';
import {
  expectClose,
  expectExact,
  listFixtures,
  loadJson,
  loadOnnxInitializers,
  tensorOf,
  type FixtureTensor,
} from './support/fixtures.js';
import {
  referenceForward,
  swapAxes,
  type RefActivation,
  type RefConfig,
  type RefDirectionWeights,
} from './support/reference.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('reference vs PyTorch nn.RNN fixtures', () => {
  for (const file of listFixtures('torch')) {
    it(file, () => checkTorchFixture(file));
  }
});

describe('reference vs Keras SimpleRNN fixtures', () => {
  for (const file of listFixtures('keras')) {
    it(file, () => checkKerasFixture(file));
  }
});

describe('reference vs ONNX RNN fixtures', () => {
  for (const file of listFixtures('models').filter((name) => name.startsWith('onnx_'))) {
    it(file, () => checkOnnxFixture(file));
  }
});

function checkTorchFixture(file: string): void {
  const fx = loadJson(`torch/${file}`);
  const c = fx.config;
  const nd = c.bidirectional ? 2 : 1;
  const cfg: RefConfig = {
    inputSize: c.inputSize,
    hiddenSize: c.hiddenSize,
    numLayers: c.numLayers,
    direction: c.bidirectional ? 'bidirectional' : 'forward',
    activations: [{ name: c.nonlinearity }],
    batchFirst: c.batchFirst,
  };
  const weight = (name: string) => tensorOf(fx.weights[name])?.data ?? undefined;
  const weights = range(c.numLayers).map((k) =>
    range(nd).map((d): RefDirectionWeights => {
      const suffix = `_l${k}${d === 1 ? '_reverse' : ''}`;
      return {
        wIh: weight(`weight_ih${suffix}`)!,
        wHh: weight(`weight_hh${suffix}`)!,
        bIh: weight(`bias_ih${suffix}`),
        bHh: weight(`bias_hh${suffix}`),
      };
    }),
  );
  const input = tensorOf(fx.input);
  const [T, B] = c.batchFirst ? [input.shape[1], input.shape[0]] : [input.shape[0], input.shape[1]];
  const got = referenceForward(cfg, weights, input.data, T, B, {
    h0: tensorOf(fx.h0)?.data,
    lengths: fx.lengths ?? undefined,
  });
  const expectMatch = file.startsWith('integer_relu_') ? expectExact : expectClose;
  expectMatch(got.output, tensorOf(fx.output).data, `${file} output`);
  expectMatch(got.hn, tensorOf(fx.hn).data, `${file} hn`);
}

/** Keras kernels are [in, out]; the reference wants [out, in]. */
function transposed(t: FixtureTensor): Float32Array {
  const [rows, cols] = t.shape;
  return swapAxes(t.data, 1, rows, cols, 1);
}

function checkKerasFixture(file: string): void {
  const fx = loadJson(`keras/${file}`);
  const c = fx.config;
  const input = tensorOf(fx.input);
  const [N, T, D] = input.shape;
  const cfg: RefConfig = {
    inputSize: D,
    hiddenSize: c.units,
    numLayers: 1,
    direction: c.goBackwards ? 'reverse' : 'forward',
    activations: [{ name: c.activation }],
    batchFirst: true,
  };
  const weights: RefDirectionWeights = {
    wIh: transposed(tensorOf(fx.weights.kernel)),
    wHh: transposed(tensorOf(fx.weights.recurrent_kernel)),
    bIh: tensorOf(fx.weights.bias)?.data,
  };
  const got = referenceForward(cfg, [[weights]], input.data, T, N, {
    h0: tensorOf(fx.initialState)?.data,
    mask: fx.mask?.flat(),
    outputInProcessingOrder: c.goBackwards,
  });
  // Outputs are in processing order, so the last processed step is always at T - 1.
  const rnnOutput = c.returnSequences ? got.output : lastStep(got.output, N, T, c.units);
  expectClose(rnnOutput, tensorOf(fx.output).data, `${file} output`);
  if (fx.state) expectClose(got.hn, tensorOf(fx.state).data, `${file} state`);
  if (fx.dense) {
    const dense = denseLayer(rnnOutput, tensorOf(fx.dense.kernel), tensorOf(fx.dense.bias));
    expectClose(dense, tensorOf(fx.dense.output).data, `${file} dense output`);
  }
}

/** [N, T, H] -> [N, H] at step T - 1. */
function lastStep(output: Float32Array, N: number, T: number, H: number): Float32Array {
  const last = new Float32Array(N * H);
  for (let n = 0; n < N; n++) last.set(output.subarray((n * T + T - 1) * H, (n * T + T) * H), n * H);
  return last;
}

/** y = x @ kernel + bias, with kernel [in, out]. */
function denseLayer(x: Float32Array, kernel: FixtureTensor, bias: FixtureTensor): Float32Array {
  const [inSize, outSize] = kernel.shape;
  const rows = x.length / inSize;
  const y = new Float32Array(rows * outSize);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outSize; o++) {
      let sum = bias.data[o];
      for (let i = 0; i < inSize; i++) sum += x[r * inSize + i] * kernel.data[i * outSize + o];
      y[r * outSize + o] = sum;
    }
  }
  return y;
}

const USES_ALPHA = new Set(['affine', 'scaledtanh', 'hardsigmoid', 'leakyrelu', 'thresholdedrelu', 'elu']);
const USES_BETA = new Set(['affine', 'scaledtanh', 'hardsigmoid']);

/** ONNX alpha/beta lists are consumed in activation order, only by the activations that use them. */
function onnxActivations(attrs: Record<string, unknown>, nd: number): RefActivation[] {
  const names = (attrs.activations as string[] | undefined) ?? Array<string>(nd).fill('Tanh');
  // ONNX float attributes are float32.
  const alphas = ((attrs.activation_alpha as number[] | undefined) ?? []).map(Math.fround);
  const betas = ((attrs.activation_beta as number[] | undefined) ?? []).map(Math.fround);
  return names.map((name) => ({
    name,
    alpha: USES_ALPHA.has(name.toLowerCase()) ? alphas.shift() : undefined,
    beta: USES_BETA.has(name.toLowerCase()) ? betas.shift() : undefined,
  }));
}

function checkOnnxFixture(file: string): void {
  const fx = loadJson(`models/${file}`);
  const init = loadOnnxInitializers(`models/${file.replace(/\.json$/, '.onnx')}`);
  const attrs = fx.attributes;
  const direction: RefConfig['direction'] = attrs.direction ?? 'forward';
  const nd = direction === 'bidirectional' ? 2 : 1;
  const H: number = attrs.hidden_size;
  const batchFirst = attrs.layout === 1;
  const X = tensorOf(fx.inputs.X);
  const [T, B, D] = batchFirst ? [X.shape[1], X.shape[0], X.shape[2]] : X.shape;

  const W = init.get('W')!.data; // [nd, H, D]
  const R = init.get('R')!.data; // [nd, H, H]
  const bias = init.get('B')?.data; // [nd, 2H]: Wb then Rb
  const weights = range(nd).map(
    (d): RefDirectionWeights => ({
      wIh: W.subarray(d * H * D, (d + 1) * H * D),
      wHh: R.subarray(d * H * H, (d + 1) * H * H),
      bIh: bias?.subarray(2 * d * H, (2 * d + 1) * H),
      bHh: bias?.subarray((2 * d + 1) * H, (2 * d + 2) * H),
    }),
  );
  const cfg: RefConfig = {
    inputSize: D,
    hiddenSize: H,
    numLayers: 1,
    direction,
    activations: onnxActivations(attrs, nd),
    clip: attrs.clip === undefined ? undefined : Math.fround(attrs.clip),
    batchFirst,
  };
  const initialH = tensorOf(fx.inputs.initial_h)?.data;
  const lengths = tensorOf(fx.inputs.sequence_lens)?.data;
  const got = referenceForward(cfg, [weights], X.data, T, B, {
    // layout 1 keeps initial_h and Y_h as [B, nd, H]; the reference uses [nd, B, H]
    h0: initialH && batchFirst ? swapAxes(initialH, 1, B, nd, H) : initialH,
    // A sequence of length 0 (onnxruntime: zeros in Y and Y_h) runs one step here, zeroed below.
    lengths: lengths && lengths.map((length) => Math.max(length, 1)),
  });
  const empty = range(B).filter((b) => lengths?.[b] === 0);
  for (const b of empty) {
    for (let t = 0; t < T; t++) {
      const row = batchFirst ? b * T + t : t * B + b;
      got.output.fill(0, row * nd * H, (row + 1) * nd * H);
    }
    for (let d = 0; d < nd; d++) got.hn.fill(0, (d * B + b) * H, (d * B + b + 1) * H);
  }
  // Reference output is [T, B, nd*H] (layout 0 wants Y [T, nd, B, H]) or [B, T, nd*H] (= layout 1's Y).
  const Y = batchFirst ? got.output : swapAxes(got.output, T, B, nd, H);
  const Yh = batchFirst ? swapAxes(got.hn, 1, nd, B, H) : got.hn;
  expectClose(Y, tensorOf(fx.outputs.Y).data, `${file} Y`);
  expectClose(Yh, tensorOf(fx.outputs.Y_h).data, `${file} Y_h`);
}
