// Elementwise arithmetic on integer and boolean tensors, which are shapes, indices and masks of
// token ids: small, so computed here, with numpy broadcasting. Results are exact or refused: the
// interpreter holds integers as doubles, so a result beyond the type's range (or 2^53) is an error
// rather than a silently wrapped or rounded number.
import { broadcastShapes, broadcastStrides } from '../../native/broadcast';
import { sizeOf } from '../../tensor';
import type { ElementBudget } from './budget';
import { newIntegers } from './native-call';
import { BOOL, INT32, INT64, typeName, type Value } from './value';

const RANGES: Record<number, [number, number]> = {
  2: [0, 255], 3: [-128, 127], 4: [0, 65535], 5: [-32768, 32767], [INT32]: [-(2 ** 31), 2 ** 31 - 1],
  [INT64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], 9: [0, 1], 12: [0, 2 ** 32 - 1], 13: [0, Number.MAX_SAFE_INTEGER],
};

/** The values `dtype` holds exactly in this interpreter. */
export function integerRange(dtype: number): [number, number] {
  return RANGES[dtype] ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
}

function notRepresentable(result: number, args: number[], dtype: number, label: string): RangeError {
  const from = `(from ${args.join(', ')})`;
  if (!Number.isFinite(result)) return new RangeError(`${label}: ${from} has no ${typeName(dtype)} result (division by zero or an undefined power)`);
  return new RangeError(`${label}: the result ${result} ${from} is outside what ${typeName(dtype)} holds here (${min(dtype)}..${max(dtype)})`);
}

const min = (dtype: number) => integerRange(dtype)[0];
const max = (dtype: number) => integerRange(dtype)[1];

/**
 * `fn` over the inputs broadcast together (numpy rules), giving a tensor of `dtype`; a result that
 * is not an integer in dtype's range is refused, naming the node.
 */
export function mapIntegers(inputs: readonly Value[], dtype: number, fn: (...values: number[]) => number, budget: ElementBudget, label: string): Value {
  const shape = broadcastShapes(inputs.map((v) => v.shape), label);
  const strides = inputs.map((v) => broadcastStrides(v.shape, shape));
  const out = newIntegers(budget, sizeOf(shape), label);
  const [min, max] = integerRange(dtype);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  const offsets = new Array<number>(inputs.length).fill(0);
  const args = new Array<number>(inputs.length);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < inputs.length; k++) args[k] = inputs[k].data[offsets[k]];
    const result = fn(...args);
    if (!(Number.isInteger(result) && result >= min && result <= max)) throw notRepresentable(result, args, dtype, label);
    out[i] = result;
    for (let axis = rank - 1; axis >= 0; axis--) {
      for (let k = 0; k < inputs.length; k++) offsets[k] += strides[k][axis];
      if (++index[axis] < shape[axis]) break;
      for (let k = 0; k < inputs.length; k++) offsets[k] -= strides[k][axis] * shape[axis];
      index[axis] = 0;
    }
  }
  return { dtype, shape, data: out };
}

/** A boolean result of `fn` over the inputs broadcast together. */
export function mapToBool(inputs: readonly Value[], fn: (...values: number[]) => boolean, budget: ElementBudget, label: string): Value {
  return mapIntegers(inputs, BOOL, (...values) => (fn(...values) ? 1 : 0), budget, label);
}
