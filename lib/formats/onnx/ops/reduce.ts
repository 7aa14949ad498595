// ReduceMean, ReduceSum, ReduceMax, ReduceMin (pooling over time, LayerNorm's decomposition) and
// ArgMax/ArgMin. The axes are an attribute until ReduceSum's opset 13 and the others' opset 18, an
// input from then on; each form is accepted only in the opsets that define it. Floats reduce
// natively, one run of adjacent axes at a time; integers (lengths from masks) here.
import { MalformedFileError } from '../../../errors';
import { argReduce, reduce, type ArgReduceOp, type ReduceOp } from '../../../native/ops';
import { formatShape, sizeOf } from '../../../tensor';
import type { ElementBudget } from '../budget';
import { native, newFloats, newIntegers } from '../native-call';
import { operator, required, type Inputs, type NodeContext, type Operator } from '../op';
import { BOOL, floatValue, INT64, integersOf, isFloatType, normalizeAxis, typeName, type Value } from '../value';

/** The first opset in which each reduction takes its axes as an input. */
const AXES_INPUT_SINCE: Record<ReduceOp, number> = { Sum: 13, Mean: 18, Max: 18, Min: 18 };

const INTEGER_REDUCE: Record<ReduceOp, { start: number; step: (acc: number, v: number) => number }> = {
  Sum: { start: 0, step: (acc, v) => acc + v },
  Mean: { start: 0, step: (acc, v) => acc + v },
  Max: { start: -Infinity, step: Math.max },
  Min: { start: Infinity, step: Math.min },
};

/** Groups of adjacent axes, so [1, 2] reduces in one pass over [outer, 2 axes, inner]. */
function runsOf(axes: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const axis of axes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === axis) last[1] = axis + 1;
    else runs.push([axis, axis + 1]);
  }
  return runs;
}

function around(shape: readonly number[], from: number, to: number) {
  return { outer: sizeOf(shape.slice(0, from)), axisSize: sizeOf(shape.slice(from, to)), inner: sizeOf(shape.slice(to)) };
}

/** Reduces the runs from the last to the first, keeping reduced axes as 1 until the end; no axes (a scalar) is x. */
function reduceFloats(op: ReduceOp, x: Value, axes: number[], budget: ElementBudget, label: string): Value {
  let shape = x.shape.slice();
  let data = x.data as Float32Array;
  for (const [from, to] of runsOf(axes).reverse()) {
    const sizes = around(shape, from, to);
    const output = newFloats(budget, sizes.outer * sizes.inner, label);
    const input = data;
    native(label, () => reduce({ op, x: input, ...sizes, output }));
    data = output;
    shape = shape.map((d, i) => (i >= from && i < to ? 1 : d));
  }
  return floatValue(shape, data);
}

function reduceIntegers(op: ReduceOp, x: Value, axes: number[], budget: ElementBudget, label: string): Value {
  const shape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = newIntegers(budget, sizeOf(shape), label);
  const { start, step } = INTEGER_REDUCE[op];
  out.fill(start);
  const counts = new Float64Array(out.length);
  const strides = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  const index = new Array<number>(x.shape.length).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    let at = 0;
    for (let axis = 0; axis < index.length; axis++) if (!axes.includes(axis)) at += index[axis] * strides[axis];
    out[at] = step(out[at], x.data[i]);
    counts[at] += 1;
    for (let axis = index.length - 1; axis >= 0 && ++index[axis] === x.shape[axis]; axis--) index[axis] = 0;
  }
  if (op === 'Mean') out.forEach((sum, i) => { out[i] = Math.trunc(sum / counts[i]); });
  const empty = out.findIndex((v) => !Number.isFinite(v) || !Number.isSafeInteger(v));
  if (empty >= 0) throw new RangeError(`${label}: Reduce${op} of an empty or too large integer set has no ${typeName(x.dtype)} result`);
  return { dtype: x.dtype, shape, data: out };
}

interface ReduceSettings {
  keepDims: boolean;
  noopWithEmptyAxes: boolean;
  axesFromInput: boolean;
  attributeAxes: number[] | undefined;
}

function reduceSettings(op: ReduceOp, context: NodeContext): ReduceSettings {
  const { attributes, label, opset } = context;
  const axesFromInput = opset >= AXES_INPUT_SINCE[op];
  attributes.allowOnly(axesFromInput ? ['keepdims', 'noop_with_empty_axes'] : ['axes', 'keepdims']);
  if (!axesFromInput && context.present[1]) throw new MalformedFileError(`${label}: Reduce${op} takes its axes as an attribute before opset ${AXES_INPUT_SINCE[op]}, not as an input`, { base: 'Error' });
  const flag = (name: string, fallback: number) => {
    const value = attributes.int(name, fallback);
    if (value !== 0 && value !== 1) throw new MalformedFileError(`${label}: attribute '${name}' must be 0 or 1, got ${value}`);
    return value === 1;
  };
  return { keepDims: flag('keepdims', 1), noopWithEmptyAxes: flag('noop_with_empty_axes', 0), axesFromInput, attributeAxes: attributes.ints('axes') };
}

/** The reduced axes, sorted; null for an identity (no axes with noop_with_empty_axes). */
function reducedAxes(settings: ReduceSettings, inputs: Inputs, rank: number, label: string): number[] | null {
  const given = settings.axesFromInput ? (inputs[1] ? integersOf(inputs[1], `${label} input 'axes'`) : []) : settings.attributeAxes ?? [];
  if (given.length === 0) return settings.noopWithEmptyAxes ? null : Array.from({ length: rank }, (_, i) => i);
  const axes = given.map((a) => normalizeAxis(a, rank, label));
  if (new Set(axes).size !== axes.length) throw new RangeError(`${label}: repeated axis in ${formatShape(given)}`);
  return axes.sort((a, b) => a - b);
}

function reduction(op: ReduceOp): Operator {
  return operator([1, 2], [1, 1], (context) => {
    const settings = reduceSettings(op, context);
    const { label } = context;
    return (inputs, budget) => {
      const x = required(inputs, 0);
      if (x.dtype === BOOL) throw new TypeError(`${label}: Reduce${op} is not defined on BOOL tensors`);
      const axes = reducedAxes(settings, inputs, x.shape.length, label);
      if (!axes) return [x];
      const kept = isFloatType(x.dtype) ? reduceFloats(op, x, axes, budget, label) : reduceIntegers(op, x, axes, budget, label);
      return [settings.keepDims ? kept : { ...kept, shape: kept.shape.filter((_, i) => !axes.includes(i)) }];
    };
  });
}

export const ReduceMean = reduction('Mean');
export const ReduceSum = reduction('Sum');
export const ReduceMax = reduction('Max');
export const ReduceMin = reduction('Min');

function argReduction(op: ArgReduceOp): Operator {
  return operator([1, 1], [1, 1], ({ attributes, label }) => {
    attributes.allowOnly(['axis', 'keepdims', 'select_last_index']);
    const axisAttribute = attributes.int('axis', 0);
    const keepDims = attributes.int('keepdims', 1);
    const selectLastIndex = attributes.int('select_last_index', 0);
    for (const [name, value] of [['keepdims', keepDims], ['select_last_index', selectLastIndex]] as const) {
      if (value !== 0 && value !== 1) throw new MalformedFileError(`${label}: attribute '${name}' must be 0 or 1, got ${value}`);
    }
    return (inputs, budget) => {
      const x = required(inputs, 0);
      if (!isFloatType(x.dtype)) throw new TypeError(`${label}: input 'data' must be a float tensor, got ${typeName(x.dtype)}`);
      const axis = normalizeAxis(axisAttribute, x.shape.length, label);
      const sizes = around(x.shape, axis, axis + 1);
      if (sizes.axisSize === 0) throw new RangeError(`${label}: cannot take Arg${op.slice(3)} along axis ${axis} of shape ${formatShape(x.shape)}: it is empty`);
      const output = newIntegers(budget, sizes.outer * sizes.inner, label);
      native(label, () => argReduce({ op, x: x.data as Float32Array, ...sizes, selectLastIndex: selectLastIndex === 1, output }));
      const shape = keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
      return [{ dtype: INT64, shape, data: output }];
    };
  });
}

export const ArgMax = argReduction('ArgMax');
export const ArgMin = argReduction('ArgMin');
