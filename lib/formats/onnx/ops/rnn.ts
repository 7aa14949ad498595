// The ONNX RNN operator on the RNN class. The weights are initializers, so the RNN is built once,
// when the model loads; each run converts between ONNX's layouts and the RNN class' ones.
import { RNN, type RNNOutput } from '../../../rnn';
import { formatShape, type Tensor } from '../../../tensor';
import type { ElementBudget } from '../budget';
import type { CompiledOp, Inputs, NodeContext, Operator, Outputs } from '../op';
import { stridedCopy } from '../strided';
import { floatValue, isFloatType, typeName, type Value } from '../value';
import { readRnnAttributes, type RnnAttributes } from './rnn-attributes';

interface Geometry {
  numDirections: number;
  hiddenSize: number;
  inputSize: number;
}

function constantInput(context: NodeContext, index: number, name: string, shape: number[]): Float32Array | null {
  if (!context.present[index]) return null;
  const value = context.constants[index];
  if (!value) throw new Error(`${context.label}: input ${name} must be an initializer or a constant; computed weights are not supported`);
  if (!isFloatType(value.dtype) || formatShape(value.shape) !== formatShape(shape)) {
    throw new RangeError(`${context.label}: input ${name} must be a float tensor of shape ${formatShape(shape)}, got ${typeName(value.dtype)} ${formatShape(value.shape)}`);
  }
  return value.data as Float32Array;
}

function geometryOf(context: NodeContext, attributes: RnnAttributes): Geometry {
  const w = context.constants[1];
  if (!w || w.shape.length !== 3) {
    throw new Error(`${context.label}: input W must be an initializer or constant of shape [num_directions, hidden_size, input_size], got ${w ? formatShape(w.shape) : 'a computed value'}`);
  }
  const [numDirections, hiddenSize, inputSize] = w.shape;
  if (numDirections !== attributes.numDirections || hiddenSize === 0 || inputSize === 0) {
    throw new RangeError(`${context.label}: W has shape ${formatShape(w.shape)}; direction ${attributes.direction} needs [${attributes.numDirections}, hidden_size >= 1, input_size >= 1]`);
  }
  if (attributes.hiddenSize !== undefined && attributes.hiddenSize !== hiddenSize) {
    throw new RangeError(`${context.label}: attribute hidden_size is ${attributes.hiddenSize} but W has shape ${formatShape(w.shape)}`);
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

/** The RNN class' own message (lengths out of range, ...) with the node named, keeping its type. */
function withLabel(error: unknown, label: string): Error {
  const Type = error instanceof RangeError ? RangeError : error instanceof TypeError ? TypeError : Error;
  return new Type(`${label}: ${(error as Error).message}`);
}

class RnnNode implements CompiledOp {
  private readonly rnn: RNN;

  constructor(private readonly context: NodeContext, private readonly attributes: RnnAttributes, private readonly g: Geometry) {
    const { numDirections: nd, hiddenSize: h, inputSize: d } = g;
    const w = constantInput(context, 1, 'W', [nd, h, d])!;
    const r = constantInput(context, 2, 'R', [nd, h, h])!;
    const b = constantInput(context, 3, 'B', [nd, 2 * h]);
    try {
      this.rnn = new RNN({
        inputSize: d, hiddenSize: h, direction: attributes.direction, activations: attributes.activations,
        clip: attributes.clip, batchFirst: attributes.layout === 1, bias: true,
      });
      this.rnn.loadStateDict(stateDict(w, r, b, g));
    } catch (error) {
      throw withLabel(error, context.label);
    }
  }

  describe(): Record<string, unknown> {
    const a = this.attributes;
    return {
      direction: a.direction, hiddenSize: this.g.hiddenSize, inputSize: this.g.inputSize, activations: a.activations,
      clip: a.clip ?? null, layout: a.layout, bias: this.context.present[3] === true,
    };
  }

  run(inputs: Inputs, budget: ElementBudget): Outputs {
    const { x, options } = this.prepare(inputs, budget);
    let result: RNNOutput;
    try {
      result = this.rnn.forward(x, options);
    } catch (error) {
      throw withLabel(error, this.context.label);
    }
    return this.finish(result, x, budget);
  }

  async runAsync(inputs: Inputs, budget: ElementBudget): Promise<Outputs> {
    const { x, options } = this.prepare(inputs, budget);
    const result = await this.rnn.forwardAsync(x, options).catch((error: unknown) => {
      throw withLabel(error, this.context.label);
    });
    return this.finish(result, x, budget);
  }

  private prepare(inputs: Inputs, budget: ElementBudget): { x: Tensor; options: { h0?: Tensor; lengths?: number[] } } {
    const label = this.context.label;
    const x = inputs[0]!;
    const { inputSize: d, numDirections: nd, hiddenSize: h } = this.g;
    const expected = this.attributes.layout === 0 ? `[seq_length, batch_size, ${d}]` : `[batch_size, seq_length, ${d}]`;
    if (!isFloatType(x.dtype) || x.shape.length !== 3 || x.shape[2] !== d || x.shape[0] === 0 || x.shape[1] === 0) {
      throw new RangeError(`${label}: input X must be a float tensor of shape ${expected}, got ${typeName(x.dtype)} ${formatShape(x.shape)}`);
    }
    const batch = this.attributes.layout === 0 ? x.shape[1] : x.shape[0];
    this.chargeResults(x.shape[0] * x.shape[1], batch, budget);
    const options: { h0?: Tensor; lengths?: number[] } = {};
    const lengths = inputs[4];
    if (lengths) {
      if (isFloatType(lengths.dtype) || formatShape(lengths.shape) !== formatShape([batch])) {
        throw new RangeError(`${label}: input sequence_lens must be an integer tensor of shape [${batch}], got ${typeName(lengths.dtype)} ${formatShape(lengths.shape)}`);
      }
      options.lengths = Array.from(lengths.data);
    }
    const initial = inputs[5];
    if (initial) options.h0 = this.initialState(initial, batch, nd, h, budget);
    return { x: { data: x.data as Float32Array, shape: x.shape }, options };
  }

  /** The output and final state the RNN class allocates: the call's own work, charged before it runs. */
  private chargeResults(rows: number, batch: number, budget: ElementBudget): void {
    const { numDirections: nd, hiddenSize: h } = this.g;
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
    const state = this.attributes.layout === 0 ? value : stridedCopy(value, layout0, 0, [h, nd * h, 1], budget, this.context.label);
    return { data: state.data as Float32Array, shape: layout0 };
  }

  /**
   * The RNN class gives output [T, B, nd*H] (layout 0) or [B, T, nd*H] (layout 1) and hn [nd, B, H].
   * ONNX wants Y [T, nd, B, H] or [B, T, nd, H] (the latter is the same memory) and Y_h [nd, B, H] or [B, nd, H].
   */
  private finish({ output, hn }: RNNOutput, x: Tensor, budget: ElementBudget): Outputs {
    const { numDirections: nd, hiddenSize: h } = this.g;
    const label = this.context.label;
    const out = floatValue(output.shape, output.data);
    const state = floatValue(hn.shape, hn.data);
    if (this.attributes.layout === 1) {
      const [batch, steps] = x.shape;
      return [floatValue([batch, steps, nd, h], output.data), stridedCopy(state, [batch, nd, h], 0, [h, batch * h, 1], budget, label)];
    }
    const [steps, batch] = x.shape;
    return [stridedCopy(out, [steps, nd, batch, h], 0, [batch * nd * h, h, nd * h, 1], budget, label), state];
  }
}

export const RnnOperator: Operator = {
  inputs: [3, 6],
  outputs: [0, 2],
  folds: false,
  compile(context) {
    const attributes = readRnnAttributes(context.attributes, context.label);
    return new RnnNode(context, attributes, geometryOf(context, attributes));
  },
};
