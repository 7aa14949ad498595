// How operators hand float tensors to the native ops (lib/native/ops.ts): inputs checked to be
// floats, results charged to the budget before they are allocated, and any error the binding
// raises reported with the node named.
import type { ElementBudget } from './budget';
import { withLabel } from './op';
import { isFloatType, typeName, type Value } from './value';

/** A float input's data, or a TypeError naming the node and the input. */
export function floatData(value: Value, label: string, what: string): Float32Array {
  if (!isFloatType(value.dtype)) throw new TypeError(`${label}: input '${what}' must be a float tensor, got ${typeName(value.dtype)}`);
  return value.data as Float32Array;
}

/** A new float result of `count` elements, charged first. */
export function newFloats(budget: ElementBudget, count: number, label: string): Float32Array {
  budget.charge(count, label);
  return new Float32Array(count);
}

/** A new integer (or boolean) result of `count` elements, charged first. */
export function newIntegers(budget: ElementBudget, count: number, label: string): Float64Array {
  budget.charge(count, label);
  return new Float64Array(count);
}

/** Runs a native op; what it refuses is reported as the node's error. */
export function native<T>(label: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw withLabel(error, label);
  }
}
