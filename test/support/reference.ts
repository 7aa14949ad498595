// A deliberately plain reference forward pass of a vanilla (Elman) RNN, used to check the addon.
// Sums run in float64 within a step; every state is stored as float32, like the real thing.

export type RefActivation = { name: string; alpha?: number; beta?: number };

export interface RefDirectionWeights {
  wIh: Float32Array; // [H, in] row-major
  wHh: Float32Array; // [H, H]
  bIh?: Float32Array; // [H]
  bHh?: Float32Array; // [H]
}

export interface RefConfig {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  activations: RefActivation[]; // one per direction (length 1 or 2)
  clip?: number; // ONNX clip: pre-activation clamped to [-clip, clip]
  batchFirst: boolean;
}

export interface RefOptions {
  h0?: Float32Array; // [numLayers*nd, B, H]
  lengths?: ArrayLike<number>; // PyTorch packed-sequence semantics
  mask?: ArrayLike<boolean | number>; // [B, T] Keras masking
  outputInProcessingOrder?: boolean; // Keras go_backwards
}

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

export function applyActivation(a: RefActivation, x: number): number {
  const name = a.name.toLowerCase().replace(/_/g, '');
  switch (name) {
    case 'relu':
      return Math.max(0, x);
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'linear':
      return x;
    case 'affine':
      return (a.alpha ?? 1) * x + (a.beta ?? 0);
    case 'leakyrelu':
      return x >= 0 ? x : (a.alpha ?? 0.01) * x;
    case 'thresholdedrelu':
      return x > (a.alpha ?? 1) ? x : 0;
    case 'scaledtanh':
      return (a.alpha ?? 1) * Math.tanh((a.beta ?? 1) * x);
    case 'hardsigmoid': // Keras hard_sigmoid is the same with the defaults
      return Math.max(0, Math.min(1, (a.alpha ?? 0.2) * x + (a.beta ?? 0.5)));
    case 'elu':
      return x >= 0 ? x : (a.alpha ?? 1) * (Math.exp(x) - 1);
    case 'selu': // Keras' constants by default; ONNX Selu passes alpha and gamma (as beta)
      return (a.beta ?? SELU_SCALE) * (x > 0 ? x : (a.alpha ?? SELU_ALPHA) * (Math.exp(x) - 1));
    case 'softsign':
      return x / (1 + Math.abs(x));
    case 'softplus': // log(1 + e^x) without overflow for large x
      return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    default:
      throw new Error(`unknown activation ${a.name}`);
  }
}

/** [outer, a, b, inner] -> [outer, b, a, inner]. */
export function swapAxes(data: ArrayLike<number>, outer: number, a: number, b: number, inner: number): Float32Array {
  const out = new Float32Array(outer * a * b * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < a; i++) {
      for (let j = 0; j < b; j++) {
        for (let k = 0; k < inner; k++) {
          out[((o * b + j) * a + i) * inner + k] = data[((o * a + i) * b + j) * inner + k];
        }
      }
    }
  }
  return out;
}

/** One step: act(clip(W_ih x + b_ih + W_hh h + b_hh)), stored as float32. */
function rnnCell(
  w: RefDirectionWeights,
  activation: RefActivation,
  clip: number | undefined,
  x: Float32Array,
  hPrev: Float32Array,
): Float32Array {
  const H = hPrev.length;
  const inSize = x.length;
  const h = new Float32Array(H);
  for (let i = 0; i < H; i++) {
    let sum = (w.bIh?.[i] ?? 0) + (w.bHh?.[i] ?? 0);
    for (let k = 0; k < inSize; k++) sum += w.wIh[i * inSize + k] * x[k];
    for (let j = 0; j < H; j++) sum += w.wHh[i * H + j] * hPrev[j];
    if (clip !== undefined) sum = Math.max(-clip, Math.min(clip, sum));
    h[i] = Math.fround(applyActivation(activation, sum));
  }
  return h;
}

interface DirectionRun {
  weights: RefDirectionWeights;
  activation: RefActivation;
  clip?: number;
  backwards: boolean;
  inputs: Float32Array; // [T, B, inSize]
  inSize: number;
  T: number;
  B: number;
  H: number;
  h0: Float32Array; // [B, H]
  outputs: Float32Array; // [T, B, outWidth], this direction writes features [outOffset, outOffset + H)
  outWidth: number;
  outOffset: number;
}

/** Runs one direction of one layer over every sequence; returns the final state [B, H]. */
function runDirection(run: DirectionRun, opts: RefOptions): Float32Array {
  const { T, B, H, inSize } = run;
  const finalState = new Float32Array(B * H);
  for (let b = 0; b < B; b++) {
    const length = opts.lengths ? opts.lengths[b] : T;
    let h: Float32Array = run.h0.slice(b * H, (b + 1) * H);
    let lastOutput: Float32Array = new Float32Array(H); // Keras repeats it on masked steps
    for (let s = 0; s < length; s++) {
      const t = run.backwards ? length - 1 - s : s;
      const slot = run.backwards && opts.outputInProcessingOrder ? s : t;
      const masked = opts.mask !== undefined && !opts.mask[b * T + t];
      if (!masked) {
        const x = run.inputs.subarray((t * B + b) * inSize, (t * B + b + 1) * inSize);
        h = rnnCell(run.weights, run.activation, run.clip, x, h);
        lastOutput = h;
      }
      run.outputs.set(lastOutput, (slot * B + b) * run.outWidth + run.outOffset);
    }
    finalState.set(h, b * H);
  }
  return finalState;
}

export function referenceForward(
  cfg: RefConfig,
  weights: RefDirectionWeights[][],
  input: Float32Array,
  T: number,
  B: number,
  opts: RefOptions = {},
): { output: Float32Array; hn: Float32Array } {
  const H = cfg.hiddenSize;
  const nd = cfg.direction === 'bidirectional' ? 2 : 1;
  const hn = new Float32Array(cfg.numLayers * nd * B * H);
  let layerInput = cfg.batchFirst ? swapAxes(input, 1, B, T, cfg.inputSize) : input;
  let inSize = cfg.inputSize;
  for (let layer = 0; layer < cfg.numLayers; layer++) {
    const layerOutput = new Float32Array(T * B * nd * H);
    for (let d = 0; d < nd; d++) {
      const stateIndex = layer * nd + d;
      const finalState = runDirection(
        {
          weights: weights[layer][d],
          activation: cfg.activations[d] ?? cfg.activations[0],
          clip: cfg.clip,
          backwards: cfg.direction === 'reverse' || d === 1,
          inputs: layerInput,
          inSize,
          T,
          B,
          H,
          h0: opts.h0?.subarray(stateIndex * B * H, (stateIndex + 1) * B * H) ?? new Float32Array(B * H),
          outputs: layerOutput,
          outWidth: nd * H,
          outOffset: d * H,
        },
        opts,
      );
      hn.set(finalState, stateIndex * B * H);
    }
    layerInput = layerOutput;
    inSize = nd * H;
  }
  const output = cfg.batchFirst ? swapAxes(layerInput, 1, T, B, nd * H) : layerInput;
  return { output, hn };
}
