// Feeds to interpreter values: float inputs as float32 tensors, integer inputs (sequence_lens) from
// numbers or any integer typed array, each checked against the graph's declared type and shape.
import { toTensor } from '../../tensor';
import { realLength, typedArrayKind } from '../../typed-arrays';
import { checkDeclaredShape } from '../feeds';
import type { GraphValue } from './graph';
import { integerRange } from './integer-math';
import { FLOAT, isFloatType, typeName, type Value } from './value';

type IntegerArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

function integerTypedData(value: unknown): { data: IntegerArray; shape: unknown } | null {
  if (typeof value !== 'object' || value === null || !('data' in value) || !('shape' in value)) return null;
  const { data, shape } = value as { data: unknown; shape: unknown };
  const kind = typedArrayKind(data);
  const integer = kind !== undefined && kind !== 'Float32Array' && kind !== 'Float64Array';
  return integer ? { data: data as IntegerArray, shape } : null;
}

// Read by index up to the real length: a subclass may fake .length or its iterator.
function elementsOf(data: IntegerArray): number[] {
  return Array.from({ length: realLength(data) }, (_, i) => Number(data[i]));
}

function integerValue(name: string, given: unknown, dtype: number): Value {
  const typed = integerTypedData(given);
  const tensor = typed
    ? toTensor({ data: new Float32Array(realLength(typed.data)), shape: typed.shape }, name) // checks the shape against the length
    : toTensor(given, name);
  const numbers = typed ? elementsOf(typed.data) : Array.from(tensor.data);
  const bad = numbers.findIndex((v) => !Number.isInteger(v));
  if (bad >= 0) throw new TypeError(`input '${name}': ${typeName(dtype)} input needs integers, element ${bad} is ${numbers[bad]}`);
  const [min, max] = integerRange(dtype);
  const outside = numbers.findIndex((v) => v < min || v > max);
  if (outside >= 0) throw new RangeError(`input '${name}': element ${outside} is ${numbers[outside]}, outside what ${typeName(dtype)} holds (${min}..${max} here)`);
  return { dtype, shape: tensor.shape, data: Float64Array.from(numbers) };
}

export function feedValue(input: GraphValue, given: unknown, batchAxis?: number): Value {
  let value: Value;
  if (isFloatType(input.dtype)) {
    const tensor = toTensor(given, input.name);
    value = { dtype: FLOAT, shape: tensor.shape, data: tensor.data };
  } else {
    value = integerValue(input.name, given, input.dtype);
  }
  checkDeclaredShape(input.name, value.shape, input.shape, batchAxis);
  return value;
}

