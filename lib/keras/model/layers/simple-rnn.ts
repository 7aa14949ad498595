// Keras SimpleRNN on the native kernel, alone or as a direction of Bidirectional. Masked steps carry
// the state over and repeat the previous output (zeros before the first kept step), or give zeros
// with zero_output_for_mask; go_backwards returns the sequence in processing order, as Keras does.
import { ShapeError, UnsupportedError } from '../../../errors';
import { RnnKernel } from '../../../native/rnn-kernel';
import { checkSequenceSize } from '../../../rnn';
import type { Tensor } from '../../../tensor';
import { transpose } from '../../weights';
import { resolveActivation } from '../activations';
import type { Json, WeightRole } from '../description';
import { flag, positiveInteger, refuseSet, rate, checkFloat32 } from '../fields';
import { checkWeight, expectRank, featureSize, one, role, type BuildContext, type BuiltLayer, type LayerKind, type Symbolic, type Value } from '../layer';
import { reverseSteps, zeroMasked } from '../masks';

export interface RnnSpec {
  units: number;
  activation: ReturnType<typeof resolveActivation>;
  useBias: boolean;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  zeroOutputForMask: boolean;
}

export function parseRnn(config: Json, context: BuildContext): RnnSpec {
  if (config.stateful === true) throw new UnsupportedError(`${context.what}: stateful RNNs are not supported`);
  refuseSet(config, ['time_major'], context);
  checkFloat32(config, context);
  rate(config, 'dropout', context);
  rate(config, 'recurrent_dropout', context);
  const activation = resolveActivation(config.activation ?? 'tanh', context.dialect, context);
  if (!activation.kernel) throw new UnsupportedError(`${context.what}: activation "${activation.name}" is not supported inside a SimpleRNN`);
  const zeroOutputForMask = flag(config, 'zero_output_for_mask', false, context);
  if (zeroOutputForMask && context.dialect === 'tfjs') throw new UnsupportedError(`${context.what}: config.zero_output_for_mask is not a TF.js option`);
  return {
    units: positiveInteger(config, 'units', context),
    activation,
    useBias: flag(config, 'use_bias', true, context),
    returnSequences: flag(config, 'return_sequences', false, context),
    returnState: flag(config, 'return_state', false, context),
    goBackwards: flag(config, 'go_backwards', false, context),
    zeroOutputForMask,
  };
}

export function rnnRoles(spec: RnnSpec, scope: string[]): WeightRole[] {
  return ['kernel', 'recurrent_kernel', ...(spec.useBias ? ['bias'] : [])].map((name) => role(name, scope));
}

export function rnnSummary(spec: RnnSpec): Json {
  const { units, useBias, returnSequences, returnState, goBackwards, zeroOutputForMask } = spec;
  return { units, activation: spec.activation.name, useBias, returnSequences, returnState, goBackwards, zeroOutputForMask };
}

/** One direction, built: its kernel and how it runs over [N, T, D]. */
export class RnnRunner {
  private readonly kernel: RnnKernel;

  /** timeOrder: a backwards direction's outputs in time order (Bidirectional flips them back so). */
  constructor(readonly spec: RnnSpec, readonly inputSize: number, weights: Tensor[], private readonly what: string, private readonly timeOrder = false) {
    const u = spec.units;
    this.kernel = new RnnKernel({
      inputSize, hiddenSize: u, numLayers: 1, direction: spec.goBackwards ? 'reverse' : 'forward',
      activations: [spec.activation.kernel!], clip: Infinity, outputsInProcessingOrder: spec.goBackwards && !timeOrder,
    });
    const bias = spec.useBias ? weights[2].data : null;
    this.kernel.setWeights({
      layer: 0, direction: 0, weightIh: transpose(weights[0].data, inputSize, u), weightHh: transpose(weights[1].data, u, u),
      biasIh: bias, biasHh: bias ? new Float32Array(u) : null,
    });
  }

  /** The output (sequence or last step) and the final state. */
  run(x: Tensor, mask: Uint8Array | null): { output: Tensor; state: Tensor } {
    const [batch, steps] = x.shape;
    const u = this.spec.units;
    if (steps === 0) throw new ShapeError(`${this.what}: needs sequences of at least one step, got shape [${x.shape.join(', ')}]`);
    checkSequenceSize(steps, batch, x.shape, this.what);
    const results = { output: new Float32Array(batch * steps * u), hn: new Float32Array(batch * u) };
    this.kernel.run({ input: x.data, steps, batch, batchFirst: true, h0: null, lengths: null, mask }, results);
    const state = { data: results.hn, shape: [batch, u] };
    let sequence: Tensor = { data: results.output, shape: [batch, steps, u] };
    // The mask in the order of the output's rows.
    const rowMask = mask && this.spec.goBackwards && !this.timeOrder ? reverseSteps(mask, batch, steps) : mask;
    if (rowMask && this.spec.zeroOutputForMask) sequence = zeroMasked(sequence, rowMask);
    if (this.spec.returnSequences) return { output: sequence, state };
    // The last processing step: the last row, or the first in time order for a backwards direction.
    const last = this.spec.goBackwards && this.timeOrder ? 0 : steps - 1;
    return { output: stepOf(sequence, last), state };
  }
}

function stepOf(sequence: Tensor, step: number): Tensor {
  const [batch, steps, u] = sequence.shape;
  const out = new Float32Array(batch * u);
  for (let n = 0; n < batch; n++) out.set(sequence.data.subarray((n * steps + step) * u, (n * steps + step + 1) * u), n * u);
  return { data: out, shape: [batch, u] };
}

export function checkRnnWeights(spec: RnnSpec, input: Symbolic, weights: Tensor[], context: BuildContext, prefix = ''): number {
  expectRank(input, [3], context);
  const d = featureSize(input, context);
  const u = spec.units;
  checkWeight(weights[0], [d, u], `${prefix}kernel`, context);
  checkWeight(weights[1], [u, u], `${prefix}recurrent_kernel`, context);
  if (spec.useBias) checkWeight(weights[2], [u], `${prefix}bias`, context);
  return d;
}

export const SimpleRnnLayer: LayerKind = {
  parse(config, context) {
    const spec = parseRnn(config, context);
    return {
      roles: rnnRoles(spec, ['cell']),
      supportsMasking: true,
      summary: rnnSummary(spec),
      build(inputs, weights, context): BuiltLayer {
        const input = one(inputs, context);
        const runner = new RnnRunner(spec, checkRnnWeights(spec, input, weights, context), weights, context.what);
        const [batch, steps] = input.shape;
        const output: Symbolic = { shape: spec.returnSequences ? [batch, steps, spec.units] : [batch, spec.units], masked: input.masked && spec.returnSequences };
        const state: Symbolic = { shape: [batch, spec.units], masked: false };
        return {
          outputs: spec.returnState ? [output, state] : [output],
          call([x]: Value[]) {
            const { output: y, state: h } = runner.run(x.tensor, x.mask);
            const out: Value = { tensor: y, mask: spec.returnSequences ? x.mask : null };
            return spec.returnState ? [out, { tensor: h, mask: null }] : [out];
          },
        };
      },
    };
  },
};

