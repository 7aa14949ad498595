// Add, Sub, Mul, Div, Pow, Max, Min and PRelu with numpy broadcasting: float tensors natively,
// integer tensors (shape arithmetic) exactly in JavaScript. Opset 6's `broadcast` and `axis`
// attributes (legacy broadcasting) are refused: since opset 7 broadcasting is numpy's.
import { binary, broadcastShapes, type BinaryOp } from '../../../native/ops';
import { sizeOf, formatShape } from '../../../tensor';
import type { ElementBudget } from '../budget';
import { mapIntegers } from '../integer-math';
import { native, newFloats } from '../native-call';
import { operator, required, type Operator } from '../op';
import { BOOL, floatValue, isFloatType, typeName, type Value } from '../value';

/** The integer form of each operation; ONNX integer division truncates toward zero, as C does. */
const INTEGER: Record<BinaryOp, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => (b === 0 ? NaN : Math.trunc(a / b)),
  Pow: (a, b) => Math.trunc(a ** b),
  Max: Math.max,
  Min: Math.min,
  PRelu: (x, slope) => (x < 0 ? slope * x : x),
};

export function floatBinary(op: BinaryOp, a: Value, b: Value, budget: ElementBudget, label: string): Value {
  const shape = broadcastShapes([a.shape, b.shape], label);
  const output = newFloats(budget, sizeOf(shape), label);
  native(label, () => binary({ op, a: a.data as Float32Array, aShape: a.shape, b: b.data as Float32Array, bShape: b.shape, output }));
  return floatValue(shape, output);
}

function sameType(values: readonly Value[], label: string): number {
  const dtype = values[0].dtype;
  const other = values.find((v) => v.dtype !== dtype);
  if (other) throw new TypeError(`${label}: the inputs must have one type, got ${typeName(dtype)} and ${typeName(other.dtype)}`);
  if (dtype === BOOL) throw new TypeError(`${label}: arithmetic on BOOL tensors is not defined`);
  return dtype;
}

function apply(op: BinaryOp, a: Value, b: Value, budget: ElementBudget, label: string): Value {
  const dtype = sameType([a, b], label);
  return isFloatType(dtype) ? floatBinary(op, a, b, budget, label) : mapIntegers([a, b], dtype, INTEGER[op], budget, label);
}

function binaryOperator(op: BinaryOp): Operator {
  return operator([2, 2], [1, 1], ({ attributes, label }) => {
    attributes.allowOnly([]);
    return (inputs, budget) => [apply(op, required(inputs, 0), required(inputs, 1), budget, label)];
  });
}

export const Add = binaryOperator('Add');
export const Sub = binaryOperator('Sub');
export const Mul = binaryOperator('Mul');
export const Div = binaryOperator('Div');

/** Pow's exponent may have another numeric type than its base (T1, since opset 12). */
export const Pow: Operator = operator([2, 2], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly([]);
  return (inputs, budget) => {
    const [x, y] = [required(inputs, 0), required(inputs, 1)];
    if (y.dtype === BOOL || x.dtype === BOOL) throw new TypeError(`${label}: Pow is not defined on BOOL tensors`);
    if (!isFloatType(x.dtype)) return [mapIntegers([x, y], x.dtype, INTEGER.Pow, budget, label)];
    if (isFloatType(y.dtype)) return [floatBinary('Pow', x, y, budget, label)];
    const exponent = newFloats(budget, y.data.length, label);
    exponent.set(y.data);
    return [floatBinary('Pow', x, floatValue(y.shape, exponent), budget, label)];
  };
});

/** Max and Min take one or more inputs, broadcast together. */
function variadic(op: 'Max' | 'Min'): Operator {
  return operator([1, Infinity], [1, 1], ({ attributes, label }) => {
    attributes.allowOnly([]);
    return (inputs, budget) => {
      const values = inputs.filter((v): v is Value => v !== undefined);
      sameType(values, label);
      return [values.slice(1).reduce((acc, v) => apply(op, acc, v, budget, label), values[0])];
    };
  });
}

export const Max = variadic('Max');
export const Min = variadic('Min');

/** PRelu's slope broadcasts to X one way: the result has X's shape. */
export const PRelu: Operator = operator([2, 2], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly([]);
  return (inputs, budget) => {
    const [x, slope] = [required(inputs, 0), required(inputs, 1)];
    const shape = broadcastShapes([x.shape, slope.shape], label);
    if (formatShape(shape) !== formatShape(x.shape)) {
      throw new RangeError(`${label}: slope of shape ${formatShape(slope.shape)} must broadcast to X's shape ${formatShape(x.shape)}`);
    }
    return [apply('PRelu', x, slope, budget, label)];
  };
});
