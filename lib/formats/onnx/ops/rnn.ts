// The ONNX RNN operator on the RNN class. When the weights are initializers the RNN is built once,
// when the model loads; weights fed as graph inputs (the layout of ONNX's own backend tests) build
// one per call. Each run converts between ONNX's layouts and the RNN class' ones.
import { where } from '../../../native/ops';
import { RNN, type RNNOutput } from '../../../rnn';
import { formatShape, type Tensor } from '../../../tensor';
import type { ElementBudget } from '../budget';
import { native } from '../native-call';
import { withLabel, type CompiledOp, type Inputs, type NodeContext, type Operator, type Outputs } from '../op';
import { stridedCopy } from '../strided';
import { floatValue, integersOf, isFloatType, typeName, type Value } from '../value';
import { readRnnAttributes, type RnnAttributes } from './rnn-attributes';

interface Geometry {
  numDirections: number;
  hiddenSize: number;
  inputSize: number;
}

interface Weights {
  w: Value;
  r: Value;
  b: Value | undefined;
}

function checkWeight(value: Value, name: string, shape: number[], label: string): Float32Array {
  if (!isFloatType(value.dtype) || formatShape(value.shape) !== formatShape(shape)) {
    throw new RangeError(`${label}: input ${name} must be a float tensor of shape ${formatShape(shape)}, got ${typeName(value.dtype)} ${formatShape(value.shape)}`);
  }
  return value.data as Float32Array;
}

function geometryOf(w: Value, attributes: RnnAttributes, label: string): Geometry {
  if (w.shape.length !== 3) {
    throw new RangeError(`${label}: input W must have shape [num_directions, hidden_size, input_size], got ${formatShape(w.shape)}`);
  }
  const [numDirections, hiddenSize, inputSize] = w.shape;
  if (numDirections !== attributes.numDirections || hiddenSize === 0 || inputSize === 0) {
    throw new RangeError(`${label}: W has shape ${formatShape(w.shape)}; direction ${attributes.direction} needs [${attributes.numDirections}, hidden_size >= 1, input_size >= 1]`);
  }
  if (attributes.hiddenSize !== undefined && attributes.hiddenSize !== hiddenSize) {
    throw new RangeError(`${label}: attribute hidden_size is ${attributes.hiddenSize} but W has shape ${formatShape(w.shape)}`);
  }
  return { numDirections, hiddenSize, inputSize };
}

/** PyTorch names per direction: W, R and the halves of B (Wb, Rb); zeros when B is absent. */
function stateDict(w: Float32Array, r: Float32Array, b: Float32Array | null, g: Geometry): Record<string, Float32Array> {
  const { hiddenSize: h, inputSize: d } = g;
  const dict: Record<string, Float32Array> = {};
  for (let dir = 0; dir < g.numDirections; dir++) {
    const suffix = dir === 1 ? '_l0_reverse' : '_l0';
    dict[`weight_ih${suffix}`] = w.subarray(dir * h * d, (dir + 1) * h * d);
    dict[`weight_hh${suffix}`] = r.subarray(dir * h * h, (dir + 1) * h * h);
    dict[`bias_ih${suffix}`] = b ? b.subarray(dir * 2 * h, dir * 2 * h + h) : new Float32Array(h);
    dict[`bias_hh${suffix}`] = b ? b.subarray(dir * 2 * h + h, (dir + 1) * 2 * h) : new Float32Array(h);
  }
  return dict;
}

/** An RNN of W, R and B, each checked against the attributes and W's shape. */
function buildRnn({ w, r, b }: Weights, attributes: RnnAttributes, label: string): { rnn: RNN; g: Geometry } {
  const g = geometryOf(w, attributes, label);
  const { numDirections: nd, hiddenSize: h, inputSize: d } = g;
  const wData = checkWeight(w, 'W', [nd, h, d], label);
  const rData = checkWeight(r, 'R', [nd, h, h], label);
  const bData = b ? checkWeight(b, 'B', [nd, 2 * h], label) : null;
  try {
    const rnn = new RNN({
      inputSize: d, hiddenSize: h, direction: attributes.direction, activations: attributes.activations,
      clip: attributes.clip, batchFirst: attributes.layout === 1, bias: true,
    });
    rnn.loadStateDict(stateDict(wData, rData, bData, g));
    return { rnn, g };
  } catch (error) {
    throw withLabel(error, label);
  }
}

interface Prepared {
  rnn: RNN;
  g: Geometry;
  x: Tensor;
  options: { h0?: Tensor; lengths?: number[] };
  /** The sequences whose sequence_lens is 0, whose Y and Y_h are zeros (onnxruntime's behaviour). */
  empty: Float64Array | null;
}

class RnnNode implements CompiledOp {
  /** Built while loading when W, R and B are all known then. */
  private readonly loaded: { rnn: RNN; g: Geometry } | null;

  constructor(private readonly context: NodeContext, private readonly attributes: RnnAttributes) {
    const weights = this.weightsOf(context.constants);
    this.loaded = weights ? buildRnn(weights, attributes, context.label) : null;
  }

  /** W, R and B when all of them are there (B may be absent), else null. */
  private weightsOf(inputs: Inputs): Weights | null {
    const [w, r, b] = [inputs[1], inputs[2], inputs[3]];
    if (!w || !r || (this.context.present[3] && !b)) return null;
    return { w, r, b };
  }

  describe(): Record<string, unknown> {
    const a = this.attributes;
    const g = this.loaded?.g;
    return {
      direction: a.direction, hiddenSize: g?.hiddenSize ?? a.hiddenSize ?? null, inputSize: g?.inputSize ?? null, activations: a.activations,
      clip: a.clip ?? null, layout: a.layout, bias: this.context.present[3] === true, ...(!g && { weights: 'graph inputs' }),
    };
  }

  run(inputs: Inputs, budget: ElementBudget): Outputs {
    const prepared = this.prepare(inputs, budget);
    let result: RNNOutput;
    try {
      result = prepared.rnn.forward(prepared.x, prepared.options);
    } catch (error) {
      throw withLabel(error, this.context.label);
    }
    return this.finish(result, prepared, budget);
  }

  async runAsync(inputs: Inputs, budget: ElementBudget): Promise<Outputs> {
    const prepared = this.prepare(inputs, budget);
    const result = await prepared.rnn.forwardAsync(prepared.x, prepared.options).catch((error: unknown) => {
      throw withLabel(error, this.context.label);
    });
    return this.finish(result, prepared, budget);
  }

  private prepare(inputs: Inputs, budget: ElementBudget): Prepared {
    const label = this.context.label;
    const { rnn, g } = this.loaded ?? buildRnn(this.weightsOf(inputs)!, this.attributes, label);
    const x = inputs[0]!;
    const { inputSize: d, numDirections: nd, hiddenSize: h } = g;
    const expected = this.attributes.layout === 0 ? `[seq_length, batch_size, ${d}]` : `[batch_size, seq_length, ${d}]`;
    if (!isFloatType(x.dtype) || x.shape.length !== 3 || x.shape[2] !== d || x.shape[0] === 0 || x.shape[1] === 0) {
      throw new RangeError(`${label}: input X must be a float tensor of shape ${expected}, got ${typeName(x.dtype)} ${formatShape(x.shape)}`);
    }
    const [batch, steps] = this.attributes.layout === 0 ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]];
    this.chargeResults(x.shape[0] * x.shape[1], batch, g, budget);
    const options: Prepared['options'] = {};
    let empty: Float64Array | null = null;
    if (inputs[4]) {
      const lengths = this.sequenceLengths(inputs[4], batch, steps);
      if (lengths.includes(0)) empty = Float64Array.from(lengths, (length) => (length === 0 ? 0 : 1));
      options.lengths = lengths.map((length) => Math.max(length, 1)); // run one step, then zero it
    }
    const initial = inputs[5];
    if (initial) options.h0 = this.initialState(initial, batch, nd, h, budget);
    return { rnn, g, x: { data: x.data as Float32Array, shape: x.shape }, options, empty };
  }

  /** sequence_lens: one integer in [0, seq_length] per sequence. */
  private sequenceLengths(value: Value, batch: number, steps: number): number[] {
    const label = this.context.label;
    if (isFloatType(value.dtype) || formatShape(value.shape) !== formatShape([batch])) {
      throw new RangeError(`${label}: input sequence_lens must be an integer tensor of shape [${batch}], got ${typeName(value.dtype)} ${formatShape(value.shape)}`);
    }
    const lengths = integersOf(value, `${label} input 'sequence_lens'`);
    const bad = lengths.findIndex((length) => !(length >= 0 && length <= steps));
    if (bad >= 0) throw new RangeError(`${label}: sequence_lens[${bad}]: expected an integer in [0, ${steps}] (the sequence length), got ${lengths[bad]}`);
    return lengths;
  }

  /** The output and final state the RNN class allocates: the call's own work, charged before it runs. */
  private chargeResults(rows: number, batch: number, { numDirections: nd, hiddenSize: h }: Geometry, budget: ElementBudget): void {
    const [output, state] = [rows * nd * h, nd * batch * h];
    budget.admitResult(output + state);
    budget.charge(output, this.context.label);
    budget.charge(state, this.context.label);
  }

  /** initial_h is [nd, B, H] (layout 0) or [B, nd, H] (layout 1); the RNN class takes [nd, B, H]. */
  private initialState(value: Value, batch: number, nd: number, h: number, budget: ElementBudget): Tensor {
    const layout0 = [nd, batch, h];
    const expected = this.attributes.layout === 0 ? layout0 : [batch, nd, h];
    if (!isFloatType(value.dtype) || formatShape(value.shape) !== formatShape(expected)) {
      throw new RangeError(`${this.context.label}: input initial_h must be a float tensor of shape ${formatShape(expected)}, got ${typeName(value.dtype)} ${formatShape(value.shape)}`);
    }
    const state = this.attributes.layout === 0 || nd === 1 ? value : stridedCopy(value, layout0, 0, [h, nd * h, 1], budget, this.context.label);
    return { data: state.data as Float32Array, shape: layout0 };
  }

  /**
   * The RNN class gives output [T, B, nd*H] (layout 0) or [B, T, nd*H] (layout 1) and hn [nd, B, H].
   * ONNX wants Y [T, nd, B, H] or [B, T, nd, H] (the latter is the same memory, as is the former for
   * one direction) and Y_h [nd, B, H] or [B, nd, H] (the same memory for one direction).
   */
  private finish({ output, hn }: RNNOutput, { g, x, empty }: Prepared, budget: ElementBudget): Outputs {
    const { numDirections: nd, hiddenSize: h } = g;
    const label = this.context.label;
    const layout1 = this.attributes.layout === 1;
    const [steps, batch] = layout1 ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]];
    const y = layout1 || nd === 1
      ? floatValue(layout1 ? [batch, steps, nd, h] : [steps, nd, batch, h], output.data)
      : stridedCopy(floatValue(output.shape, output.data), [steps, nd, batch, h], 0, [batch * nd * h, h, nd * h, 1], budget, label);
    const yh = !layout1 || nd === 1
      ? floatValue(layout1 ? [batch, nd, h] : [nd, batch, h], hn.data)
      : stridedCopy(floatValue(hn.shape, hn.data), [batch, nd, h], 0, [h, batch * h, 1], budget, label);
    if (empty) {
      this.zeroEmpty(y, empty, layout1 ? [batch, 1, 1, 1] : [1, 1, batch, 1]);
      this.zeroEmpty(yh, empty, layout1 ? [batch, 1, 1] : [1, batch, 1]);
    }
    return [y, yh];
  }

  /** Zeros, in place, the sequences `keep` marks 0. */
  private zeroEmpty(value: Value, keep: Float64Array, keepShape: number[]): void {
    const data = value.data as Float32Array;
    native(this.context.label, () => where({ condition: keep, conditionShape: keepShape, x: data, xShape: value.shape, y: new Float32Array(1), yShape: [], output: data }));
  }
}

export const RnnOperator: Operator = {
  inputs: [3, 6],
  outputs: [0, 2],
  folds: false,
  compile(context) {
    return new RnnNode(context, readRnnAttributes(context.attributes, context.label));
  },
};
