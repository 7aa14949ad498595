// Keras Bidirectional(SimpleRNN): a forward and a backwards run over the same input and mask, the
// backwards outputs flipped back to time order for return_sequences, merged by merge_mode (concat,
// sum, mul, ave, or None for two outputs), then the forward and backward states with return_state.
// Keras 2 and 3 give both directions zero_output_for_mask = return_sequences; TF.js does not.
import { MalformedFileError, UnsupportedError } from '../../../errors';
import type { Tensor } from '../../../tensor';
import type { Json } from '../description';
import { checkFloat32 } from '../fields';
import { one, type BuildContext, type BuiltLayer, type LayerKind, type Symbolic, type Value } from '../layer';
import { isObject } from '../config';
import * as ops from '../../../native/ops';
import { concatLastAxis } from './merging';
import { checkRnnWeights, parseRnn, rnnRoles, rnnSummary, RnnRunner, type RnnSpec } from './simple-rnn';

type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;
const MERGE_MODES: MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];

function wrapped(value: unknown, key: string, context: BuildContext): Json {
  if (!isObject(value) || !isObject(value.config)) throw new MalformedFileError(`${context.what}: config.${key} must be { class_name, config }, got ${JSON.stringify(value)}`, { base: 'TypeError' });
  if (value.class_name !== 'SimpleRNN') throw new UnsupportedError(`${context.what}: wraps a ${String(value.class_name)}; only SimpleRNN is supported in Bidirectional`);
  return value.config;
}

function directions(config: Json, context: BuildContext): [RnnSpec, RnnSpec] {
  const forward = parseRnn(wrapped(config.layer, 'layer', context), context);
  // TF.js saves only the wrapped layer; Keras 2 and 3 save the backward one too.
  const backward = config.backward_layer === undefined || config.backward_layer === null
    ? { ...forward, goBackwards: !forward.goBackwards }
    : parseRnn(wrapped(config.backward_layer, 'backward_layer', context), context);
  if (forward.goBackwards || !backward.goBackwards) throw new MalformedFileError(`${context.what}: only a forward layer running forwards and a backward layer running backwards are supported`);
  for (const key of ['returnSequences', 'returnState'] as const) {
    if (forward[key] !== backward[key]) throw new MalformedFileError(`${context.what}: the forward and backward layers differ in ${key}`);
  }
  if (context.dialect !== 'tfjs') {
    forward.zeroOutputForMask = forward.returnSequences;
    backward.zeroOutputForMask = backward.returnSequences;
  }
  return [forward, backward];
}

function merge(mode: MergeMode, y: Tensor, yRev: Tensor): Tensor[] {
  switch (mode) {
    case 'concat': return [concatLastAxis([y, yRev])];
    case 'sum': return [ops.binary({ op: 'Add', a: y.data, aShape: y.shape, b: yRev.data, bShape: yRev.shape })];
    case 'mul': return [ops.binary({ op: 'Mul', a: y.data, aShape: y.shape, b: yRev.data, bShape: yRev.shape })];
    case 'ave': {
      const sum = ops.binary({ op: 'Add', a: y.data, aShape: y.shape, b: yRev.data, bShape: yRev.shape });
      return [ops.binary({ op: 'Mul', a: sum.data, aShape: sum.shape, b: Float32Array.of(0.5), bShape: [] })];
    }
    case null: return [y, yRev];
  }
}

export const BidirectionalLayer: LayerKind = {
  parse(config, context) {
    checkFloat32(config, context);
    const mode = config.merge_mode === undefined ? 'concat' : config.merge_mode as MergeMode;
    if (!MERGE_MODES.includes(mode)) throw new UnsupportedError(`${context.what}: config.merge_mode ${JSON.stringify(config.merge_mode)} is not one of concat, sum, mul, ave, null`);
    const [forward, backward] = directions(config, context);
    return {
      roles: [...rnnRoles(forward, ['forward_layer', 'cell']), ...rnnRoles(backward, ['backward_layer', 'cell'])],
      supportsMasking: true,
      summary: { mergeMode: mode, forward: rnnSummary(forward), backward: rnnSummary(backward) },
      build(inputs, weights, context): BuiltLayer {
        const input = one(inputs, context);
        const split = forward.useBias ? 3 : 2;
        const runners = [
          new RnnRunner(forward, checkRnnWeights(forward, input, weights.slice(0, split), context, 'forward '), weights.slice(0, split), context.what),
          new RnnRunner(backward, checkRnnWeights(backward, input, weights.slice(split), context, 'backward '), weights.slice(split), context.what, true),
        ];
        const [batch, steps] = input.shape;
        const outputShape = forward.returnSequences ? [batch, steps] : [batch];
        const width = (units: number) => (mode === 'concat' ? forward.units + backward.units : units);
        if (mode !== 'concat' && mode !== null && forward.units !== backward.units) throw new MalformedFileError(`${context.what}: merge_mode ${mode} needs directions of the same units`);
        const masked = input.masked && forward.returnSequences;
        const outputs: Symbolic[] = mode === null
          ? [{ shape: [...outputShape, forward.units], masked }, { shape: [...outputShape, backward.units], masked }]
          : [{ shape: [...outputShape, width(forward.units)], masked }];
        if (forward.returnState) outputs.push({ shape: [batch, forward.units], masked: false }, { shape: [batch, backward.units], masked: false });
        return {
          outputs,
          call([x]: Value[]) {
            const [f, b] = runners.map((runner) => runner.run(x.tensor, x.mask));
            const mask = forward.returnSequences ? x.mask : null;
            const merged: Value[] = merge(mode, f.output, b.output).map((tensor) => ({ tensor, mask }));
            return forward.returnState ? [...merged, { tensor: f.state, mask: null }, { tensor: b.state, mask: null }] : merged;
          },
        };
      },
    };
  },
};
