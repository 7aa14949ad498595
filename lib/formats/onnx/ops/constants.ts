// Constant, ConstantOfShape, Identity and Cast.
import { MalformedFileError, UnsupportedError } from '../../../errors';
import { checkDim, elementCount } from '../../checked';
import type { Attributes } from '../attributes';
import { operator, required, type Operator } from '../op';
import { integerRange } from '../integer-math';
import { valueFromTensorProto } from '../tensor-proto';
import {
  BOOL, floatValue, integersOf, intValue, isFloatType, isSupportedType, typeName, type Value,
} from '../value';

const CONSTANT_ATTRIBUTES = ['value', 'value_float', 'value_floats', 'value_int', 'value_ints', 'sparse_value', 'value_string', 'value_strings'];

export const Constant: Operator = operator([0, 0], [1, 1], ({ attributes, label }) => {
  const given = attributes.names();
  if (given.length !== 1 || !CONSTANT_ATTRIBUTES.includes(given[0])) {
    throw new MalformedFileError(`${label}: expected exactly one of the attributes ${CONSTANT_ATTRIBUTES.join(', ')}, got ${given.join(', ') || 'none'}`, { base: 'Error' });
  }
  const value = constantValue(given[0], attributes, label);
  return (_, budget) => {
    budget.charge(value.data.length, label);
    return [value];
  };
});

function constantValue(name: string, attributes: Attributes, label: string): Value {
  switch (name) {
    case 'value': return valueFromTensorProto(attributes.tensor('value')!, `${label} attribute 'value'`);
    case 'value_float': return floatValue([], Float32Array.of(attributes.float(name)!));
    case 'value_floats': { const f = attributes.floats(name)!; return floatValue([f.length], Float32Array.from(f)); }
    case 'value_int': return intValue([], [attributes.int(name)!]);
    case 'value_ints': { const i = attributes.ints(name)!; return intValue([i.length], i); }
    default: throw new UnsupportedError(`${label}: Constant with attribute '${name}' is not supported (numeric dense tensors only)`, { base: 'Error' });
  }
}

export const ConstantOfShape: Operator = operator([1, 1], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['value']);
  const given = attributes.tensor('value');
  const fill = given ? valueFromTensorProto(given, `${label} attribute 'value'`) : floatValue([1], new Float32Array(1));
  if (fill.data.length !== 1) throw new MalformedFileError(`${label}: attribute 'value' must hold one element, got ${fill.data.length}`);
  return (inputs, budget) => {
    const dims = integersOf(required(inputs, 0), `${label} input 'input'`);
    const shape = dims.map((d, i) => checkDim(d, `${label} shape[${i}]`));
    const data = budget.allocate(fill, elementCount(shape, label), label);
    return [{ dtype: fill.dtype, shape, data: data.fill(fill.data[0]) }];
  };
});

export const Identity: Operator = operator([1, 1], [1, 1], ({ attributes }) => {
  attributes.allowOnly([]);
  return (inputs) => [required(inputs, 0)];
});

/** A scalar input's one value (Dropout's ratio and training_mode), or a TypeError naming it. */
function scalarOf(value: Value, name: string, float: boolean, label: string): number {
  if (value.data.length !== 1 || isFloatType(value.dtype) !== float) {
    throw new TypeError(`${label}: input '${name}' must be a ${float ? 'float' : 'BOOL'} scalar, got ${typeName(value.dtype)} of ${value.data.length} elements`);
  }
  return value.data[0];
}

/**
 * Dropout at inference is the identity, with a mask of ones when one is asked for. A graph that
 * turns training_mode on (opset 12+) asks for random dropout, which is refused rather than ignored,
 * unless its ratio is 0 (the identity again, as the specification says).
 */
export const Dropout: Operator = operator([1, 3], [1, 2], ({ attributes, label, produces }) => {
  attributes.allowOnly(['ratio', 'seed']);
  return (inputs, budget) => {
    const x = required(inputs, 0);
    const training = inputs[2] ? scalarOf(inputs[2], 'training_mode', false, label) !== 0 : false;
    const ratio = inputs[1] ? scalarOf(inputs[1], 'ratio', true, label) : 0.5;
    if (training && ratio !== 0) throw new UnsupportedError(`${label}: training_mode is true with ratio ${ratio}: random dropout (training) is not supported, only inference`, { base: 'Error' });
    if (!produces[1]) return [x];
    budget.charge(x.data.length, label);
    return [x, { dtype: BOOL, shape: x.shape.slice(), data: new Float64Array(x.data.length).fill(1) }];
  };
});

const FLOAT16 = 10;
const BFLOAT16 = 16;

/** Truncated toward zero (BOOL: nonzero, NaN included, is true); a value the type cannot hold is refused. */
function castInteger(x: number, to: number, label: string): number {
  if (to === BOOL) return x !== 0 ? 1 : 0;
  const value = Math.trunc(x);
  const [min, max] = integerRange(to);
  if (!(value >= min && value <= max)) throw new RangeError(`${label}: ${x} cannot be cast to ${typeName(to)} (${min}..${max} here)`);
  return value;
}

/**
 * Cast. Every float type is held as float32, so a cast between float types keeps the values; a cast
 * to FLOAT16 or BFLOAT16 would have to round them to fewer bits, which the interpreter does not do, so
 * it is refused rather than ignored.
 */
export const Cast: Operator = operator([1, 1], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['to', 'saturate']);
  const to = attributes.int('to');
  if (to === undefined || !isSupportedType(to)) {
    throw new UnsupportedError(`${label}: attribute 'to' must name a numeric type, got ${to === undefined ? 'nothing' : typeName(to)}`, { base: 'TypeError' });
  }
  if (to === FLOAT16 || to === BFLOAT16) throw new UnsupportedError(`${label}: Cast to ${typeName(to)} is not supported: tensors are computed in float32, and the rounding to ${typeName(to)} would be lost`, { base: 'TypeError' });
  return (inputs, budget) => {
    const x = required(inputs, 0);
    if (isFloatType(to) && isFloatType(x.dtype)) return [x];
    budget.charge(x.data.length, label);
    if (isFloatType(to)) return [floatValue(x.shape, new Float32Array(x.data))];
    return [{ dtype: to, shape: x.shape, data: Float64Array.from(x.data, (v) => castInteger(v, to, label)) }];
  };
});
