// Shape, Reshape, Flatten, Squeeze, Unsqueeze and Expand: operators that change only the shape
// (Expand also repeats data).
import { broadcastShapes } from '../../../native/broadcast';
import { checkDim, elementCount } from '../../checked';
import { operator, required, type Inputs, type NodeContext, type Operator } from '../op';
import { stridedCopy, stridesOf } from '../strided';
import { integersOf, intValue, normalizeAxis, type Value } from '../value';

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

export const Shape: Operator = operator([1, 1], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['start', 'end']);
  const start = attributes.int('start', 0);
  const end = attributes.int('end');
  return (inputs, budget) => {
    const shape = required(inputs, 0).shape;
    const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + shape.length : i, 0), shape.length);
    const dims = shape.slice(clamp(start), clamp(end ?? shape.length));
    budget.charge(dims.length, label);
    return [intValue([dims.length], dims)];
  };
});

function reshaped(x: Value, shape: number[]): Value {
  return { dtype: x.dtype, shape, data: x.data };
}

/** The Reshape target: 0 copies the input's dimension (unless allowzero), one -1 is inferred. */
function targetShape(requested: number[], input: Value, allowZero: boolean, label: string): number[] {
  const cannot = (why: string) => new RangeError(`${label}: cannot reshape ${fmt(input.shape)} (${input.data.length} elements) to ${fmt(requested)}: ${why}`);
  const shape = requested.map((d, i) => (d === 0 && !allowZero ? input.shape[i] : d));
  if (shape.some((d) => d === undefined || !Number.isSafeInteger(d) || d < -1)) throw cannot('invalid dimension');
  const inferred = shape.indexOf(-1);
  if (inferred !== shape.lastIndexOf(-1)) throw cannot('more than one -1');
  if (inferred >= 0) {
    const known = elementCount(shape.filter((_, i) => i !== inferred), label);
    if (known === 0 || input.data.length % known !== 0) throw cannot('the -1 cannot be inferred');
    shape[inferred] = input.data.length / known;
  }
  if (elementCount(shape, label) !== input.data.length) throw cannot('the element counts differ');
  return shape;
}

export const Reshape: Operator = operator([2, 2], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['allowzero']);
  const allowZero = attributes.int('allowzero', 0) === 1;
  return (inputs) => {
    const x = required(inputs, 0);
    const requested = integersOf(required(inputs, 1), `${label} input 'shape'`);
    return [reshaped(x, targetShape(requested, x, allowZero, label))];
  };
});

/** Squeeze and Unsqueeze take axes as an attribute before opset 13 and as an input after. */
function axesOf(context: NodeContext, inputs: Inputs): number[] | undefined {
  const attribute = context.attributes.ints('axes');
  if (attribute) return attribute;
  return inputs[1] ? integersOf(inputs[1], `${context.label} input 'axes'`) : undefined;
}

function uniqueAxes(axes: number[], rank: number, label: string): Set<number> {
  const normalized = new Set(axes.map((a) => normalizeAxis(a, rank, label)));
  if (normalized.size !== axes.length) throw new RangeError(`${label}: repeated axis in ${fmt(axes)}`);
  return normalized;
}

export const Squeeze: Operator = operator([1, 2], [1, 1], (context) => {
  context.attributes.allowOnly(['axes']);
  return (inputs) => {
    const x = required(inputs, 0);
    const axes = axesOf(context, inputs);
    const drop = axes ? uniqueAxes(axes, x.shape.length, context.label) : new Set(x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
    for (const axis of drop) {
      if (x.shape[axis] !== 1) throw new RangeError(`${context.label}: cannot squeeze axis ${axis} of shape ${fmt(x.shape)}: its size is not 1`);
    }
    return [reshaped(x, x.shape.filter((_, i) => !drop.has(i)))];
  };
});

export const Unsqueeze: Operator = operator([1, 2], [1, 1], (context) => {
  context.attributes.allowOnly(['axes']);
  return (inputs) => {
    const x = required(inputs, 0);
    const axes = axesOf(context, inputs);
    if (!axes) throw new Error(`${context.label}: Unsqueeze needs axes (an attribute before opset 13, the second input since)`);
    const rank = x.shape.length + axes.length;
    const insert = uniqueAxes(axes, rank, context.label);
    const rest = x.shape.slice();
    return [reshaped(x, Array.from({ length: rank }, (_, i) => (insert.has(i) ? 1 : rest.shift()!)))];
  };
});

/** Flatten: [d0 .. d(axis-1)] and [d(axis) ..] each into one axis; axis may be the rank (giving [all, 1]). */
export const Flatten: Operator = operator([1, 1], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['axis']);
  const axisAttribute = attributes.int('axis', 1);
  return (inputs) => {
    const x = required(inputs, 0);
    const rank = x.shape.length;
    const axis = axisAttribute === rank ? rank : normalizeAxis(axisAttribute, rank, label);
    const product = (dims: number[]) => dims.reduce((p, d) => p * d, 1);
    return [reshaped(x, [product(x.shape.slice(0, axis)), product(x.shape.slice(axis))])];
  };
});

export const Expand: Operator = operator([2, 2], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly([]);
  return (inputs, budget) => {
    const x = required(inputs, 0);
    const target = integersOf(required(inputs, 1), `${label} input 'shape'`).map((d, i) => checkDim(d, `${label} shape[${i}]`));
    const shape = broadcastShapes([x.shape, target], label);
    const offset = shape.length - x.shape.length;
    const sourceStrides = stridesOf(x.shape);
    const strides = shape.map((_, i) => (i < offset || x.shape[i - offset] === 1 ? 0 : sourceStrides[i - offset]));
    return [stridedCopy(x, shape, 0, strides, budget, label)];
  };
});
