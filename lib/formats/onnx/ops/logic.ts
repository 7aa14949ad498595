// Comparisons, boolean logic and Where: how a model builds and applies masks (padding ids, lengths).
// Float comparisons and float Where run natively; booleans and integers (masks of token ids) here.
import { broadcastShapes, compare, where, type CompareOp } from '../../../native/ops';
import { sizeOf } from '../../../tensor';
import { mapIntegers, mapToBool } from '../integer-math';
import { native, newFloats, newIntegers } from '../native-call';
import { operator, required, type Operator } from '../op';
import { BOOL, floatValue, isFloatType, typeName, type Value } from '../value';

const COMPARE: Record<CompareOp, (a: number, b: number) => boolean> = {
  Equal: (a, b) => a === b,
  Less: (a, b) => a < b,
  LessOrEqual: (a, b) => a <= b,
  Greater: (a, b) => a > b,
  GreaterOrEqual: (a, b) => a >= b,
};

function comparison(op: CompareOp): Operator {
  return operator([2, 2], [1, 1], ({ attributes, label }) => {
    attributes.allowOnly([]);
    return (inputs, budget) => {
      const [a, b] = [required(inputs, 0), required(inputs, 1)];
      if (a.dtype !== b.dtype) throw new TypeError(`${label}: the inputs must have one type, got ${typeName(a.dtype)} and ${typeName(b.dtype)}`);
      if (!isFloatType(a.dtype)) return [mapToBool([a, b], COMPARE[op], budget, label)];
      const shape = broadcastShapes([a.shape, b.shape], label);
      const output = newIntegers(budget, sizeOf(shape), label);
      native(label, () => compare({ op, a: a.data as Float32Array, aShape: a.shape, b: b.data as Float32Array, bShape: b.shape, output }));
      return [{ dtype: BOOL, shape, data: output }];
    };
  });
}

export const Equal = comparison('Equal');
export const Less = comparison('Less');
export const LessOrEqual = comparison('LessOrEqual');
export const Greater = comparison('Greater');
export const GreaterOrEqual = comparison('GreaterOrEqual');

function booleans(values: readonly Value[], label: string): void {
  const other = values.find((v) => v.dtype !== BOOL);
  if (other) throw new TypeError(`${label}: expected BOOL inputs, got ${typeName(other.dtype)}`);
}

export const Not: Operator = operator([1, 1], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly([]);
  return (inputs, budget) => {
    const x = required(inputs, 0);
    booleans([x], label);
    return [mapToBool([x], (v) => v === 0, budget, label)];
  };
});

function logical(fn: (a: boolean, b: boolean) => boolean): Operator {
  return operator([2, 2], [1, 1], ({ attributes, label }) => {
    attributes.allowOnly([]);
    return (inputs, budget) => {
      const [a, b] = [required(inputs, 0), required(inputs, 1)];
      booleans([a, b], label);
      return [mapToBool([a, b], (x, y) => fn(x !== 0, y !== 0), budget, label)];
    };
  });
}

export const And = logical((a, b) => a && b);
export const Or = logical((a, b) => a || b);
export const Xor = logical((a, b) => a !== b);

/** Where(condition, X, Y): X where the condition holds, else Y, the three broadcast together. */
export const Where: Operator = operator([3, 3], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly([]);
  return (inputs, budget) => {
    const [condition, x, y] = [required(inputs, 0), required(inputs, 1), required(inputs, 2)];
    booleans([condition], label);
    if (x.dtype !== y.dtype) throw new TypeError(`${label}: X and Y must have one type, got ${typeName(x.dtype)} and ${typeName(y.dtype)}`);
    if (!isFloatType(x.dtype)) return [mapIntegers([condition, x, y], x.dtype, (c, a, b) => (c !== 0 ? a : b), budget, label)];
    const shape = broadcastShapes([condition.shape, x.shape, y.shape], label);
    const output = newFloats(budget, sizeOf(shape), label);
    native(label, () => where({
      condition: condition.data, conditionShape: condition.shape, x: x.data as Float32Array, xShape: x.shape, y: y.data as Float32Array, yShape: y.shape, output,
    }));
    return [floatValue(shape, output)];
  };
});
