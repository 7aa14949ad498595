// Transpose, Slice, Gather and Concat: what indexing (out[:, -1], h_n[-1]) and nn.Embedding export to.
import { concatBlocks } from '../../../concat-blocks';
import { gatherRows } from '../../../native/ops';
import { sizeOf } from '../../../tensor';
import { elementCount } from '../../checked';
import { native } from '../native-call';
import { operator, required, type Inputs, type NodeContext, type Operator } from '../op';
import { stridedCopy, stridesOf } from '../strided';
import { integersOf, isFloatType, normalizeAxis, typeName, type Value } from '../value';

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

export const Transpose: Operator = operator([1, 1], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['perm']);
  const perm = attributes.ints('perm');
  return (inputs, budget) => {
    const x = required(inputs, 0);
    const rank = x.shape.length;
    const order = perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    if (order.length !== rank || new Set(order).size !== rank || order.some((a) => !(a >= 0 && a < rank))) {
      throw new RangeError(`${label}: perm ${fmt(order)} is not a permutation of the ${rank} axes of ${fmt(x.shape)}`);
    }
    const strides = stridesOf(x.shape);
    return [stridedCopy(x, order.map((a) => x.shape[a]), 0, order.map((a) => strides[a]), budget, label)];
  };
});

interface SliceArguments {
  starts: number[];
  ends: number[];
  axes: number[] | undefined;
  steps: number[] | undefined;
}

/** Slice took starts/ends/axes as attributes before opset 10, as inputs since. */
function sliceArguments(context: NodeContext, inputs: Inputs): SliceArguments {
  const { attributes, label } = context;
  if (attributes.has('starts')) {
    return { starts: attributes.ints('starts')!, ends: attributes.ints('ends') ?? [], axes: attributes.ints('axes'), steps: undefined };
  }
  const ints = (i: number, name: string) => (inputs[i] ? integersOf(inputs[i]!, `${label} input '${name}'`) : undefined);
  if (!inputs[1] || !inputs[2]) throw new Error(`${label}: Slice needs starts and ends (inputs 1 and 2 since opset 10)`);
  return { starts: ints(1, 'starts')!, ends: ints(2, 'ends')!, axes: ints(3, 'axes'), steps: ints(4, 'steps') };
}

/** ONNX's clamping of one axis' start and end, giving the first index and the element count. */
function sliceAxis(start: number, end: number, step: number, dim: number): { first: number; count: number } {
  const resolve = (i: number) => (i < 0 ? i + dim : i);
  if (step > 0) {
    const first = Math.min(Math.max(resolve(start), 0), dim);
    const last = Math.min(Math.max(resolve(end), 0), dim);
    return { first, count: Math.max(0, Math.ceil((last - first) / step)) };
  }
  const first = Math.min(Math.max(resolve(start), 0), dim - 1);
  const last = Math.min(Math.max(resolve(end), -1), dim - 1);
  return { first, count: Math.max(0, Math.ceil((first - last) / -step)) };
}

export const Slice: Operator = operator([1, 5], [1, 1], (context) => {
  const { label } = context;
  context.attributes.allowOnly(context.attributes.has('starts') ? ['starts', 'ends', 'axes'] : []);
  return (inputs, budget) => {
    const x = required(inputs, 0);
    const { starts, ends, axes, steps } = sliceArguments(context, inputs);
    const rank = x.shape.length;
    const axisList = (axes ?? starts.map((_, i) => i)).map((a) => normalizeAxis(a, rank, label));
    if (ends.length !== starts.length || axisList.length !== starts.length || (steps && steps.length !== starts.length)) {
      throw new RangeError(`${label}: starts, ends, axes and steps must have the same length (got ${starts.length}, ${ends.length}, ${axisList.length}, ${steps?.length ?? '-'})`);
    }
    if (new Set(axisList).size !== axisList.length) throw new RangeError(`${label}: repeated axis in ${fmt(axisList)}`);
    const shape = x.shape.slice();
    const strides = stridesOf(x.shape);
    const outStrides = strides.slice();
    let base = 0;
    axisList.forEach((axis, i) => {
      const step = steps?.[i] ?? 1;
      if (step === 0) throw new RangeError(`${label}: step 0 on axis ${axis}`);
      const { first, count } = sliceAxis(starts[i], ends[i], step, x.shape[axis]);
      shape[axis] = count;
      if (count > 0) base += first * strides[axis];
      outStrides[axis] = strides[axis] * step;
    });
    return [stridedCopy(x, shape, base, outStrides, budget, label)];
  };
});

/** The indices, each checked against the axis and made non-negative. */
function checkedIndices(indices: Value, dim: number, axis: number, label: string): number[] {
  return Array.from(indices.data, (raw) => {
    if (!(raw >= -dim && raw < dim)) throw new RangeError(`${label}: index ${raw} is out of range for axis ${axis} of size ${dim}`);
    return raw < 0 ? raw + dim : raw;
  });
}

/** The rows of data seen as [outer * dim, inner] that make the output: row o * dim + index, in output order. */
function gatherRowIndices(indices: number[], outer: number, dim: number): Int32Array {
  const rows = new Int32Array(outer * indices.length);
  for (let o = 0; o < outer; o++) indices.forEach((index, j) => { rows[o * indices.length + j] = o * dim + index; });
  return rows;
}

/** Gather: float data (an embedding table, an RNN's outputs) natively, a row per index; integers (shapes) here. */
export const Gather: Operator = operator([2, 2], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['axis']);
  const axisAttribute = attributes.int('axis', 0);
  return (inputs, budget) => {
    const [x, indices] = [required(inputs, 0), required(inputs, 1)];
    if (isFloatType(indices.dtype)) throw new TypeError(`${label}: indices must be integers, got ${typeName(indices.dtype)}`);
    const axis = normalizeAxis(axisAttribute, x.shape.length, label);
    const dim = x.shape[axis];
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const picked = checkedIndices(indices, dim, axis, label);
    const out = budget.allocate(x, elementCount(shape, label), label);
    if (out.length === 0) return [{ dtype: x.dtype, shape, data: out }];
    const rows = gatherRowIndices(picked, outer, dim);
    if (out instanceof Float32Array) {
      const table = x.data as Float32Array;
      native(label, () => gatherRows({ table, rows: outer * dim, cols: inner, indices: rows, output: out }));
    } else {
      rows.forEach((row, r) => out.set(x.data.subarray(row * inner, (row + 1) * inner), r * inner));
    }
    return [{ dtype: x.dtype, shape, data: out }];
  };
});

export const Concat: Operator = operator([1, Infinity], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['axis']);
  const axisAttribute = attributes.int('axis');
  if (axisAttribute === undefined) throw new Error(`${label}: Concat needs the attribute 'axis'`);
  return (inputs, budget) => {
    const parts = inputs.filter((v): v is Value => v !== undefined);
    const first = parts[0];
    const axis = normalizeAxis(axisAttribute, first.shape.length, label);
    for (const part of parts) {
      const sameRest = part.shape.length === first.shape.length && part.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!sameRest || part.dtype !== first.dtype) {
        throw new RangeError(`${label}: cannot concatenate ${typeName(part.dtype)} ${fmt(part.shape)} with ${typeName(first.dtype)} ${fmt(first.shape)} on axis ${axis}`);
      }
    }
    const shape = first.shape.slice();
    shape[axis] = parts.reduce((sum, p) => sum + p.shape[axis], 0);
    const outer = first.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    return [{ dtype: first.dtype, shape, data: concatBlocks(parts, outer, budget.allocate(first, elementCount(shape, label), label)) }];
  };
});
