// Constant, ConstantOfShape, Identity and Cast.
import { checkDim, elementCount } from '../../checked';
import type { Attributes } from '../attributes';
import { operator, required, type Operator } from '../op';
import { valueFromTensorProto } from '../tensor-proto';
import {
  BOOL, floatValue, integersOf, intValue, isFloatType, isSupportedType, typeName, type Value,
} from '../value';

const CONSTANT_ATTRIBUTES = ['value', 'value_float', 'value_floats', 'value_int', 'value_ints', 'sparse_value', 'value_string', 'value_strings'];

export const Constant: Operator = operator([0, 0], [1, 1], ({ attributes, label }) => {
  const given = attributes.names();
  if (given.length !== 1 || !CONSTANT_ATTRIBUTES.includes(given[0])) {
    throw new Error(`${label}: expected exactly one of the attributes ${CONSTANT_ATTRIBUTES.join(', ')}, got ${given.join(', ') || 'none'}`);
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
    default: throw new Error(`${label}: Constant with attribute '${name}' is not supported (numeric dense tensors only)`);
  }
}

export const ConstantOfShape: Operator = operator([1, 1], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['value']);
  const given = attributes.tensor('value');
  const fill = given ? valueFromTensorProto(given, `${label} attribute 'value'`) : floatValue([1], new Float32Array(1));
  if (fill.data.length !== 1) throw new RangeError(`${label}: attribute 'value' must hold one element, got ${fill.data.length}`);
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

function castInteger(x: number, to: number): number {
  if (to === BOOL) return x !== 0 ? 1 : 0;
  return Number.isFinite(x) ? Math.trunc(x) : 0;
}

export const Cast: Operator = operator([1, 1], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['to', 'saturate']);
  const to = attributes.int('to');
  if (to === undefined || !isSupportedType(to)) {
    throw new TypeError(`${label}: attribute 'to' must name a numeric type, got ${to === undefined ? 'nothing' : typeName(to)}`);
  }
  return (inputs, budget) => {
    const x = required(inputs, 0);
    budget.charge(x.data.length, label);
    if (isFloatType(to)) return [floatValue(x.shape, Float32Array.from(x.data))];
    return [{ dtype: to, shape: x.shape, data: Float64Array.from(x.data, (v) => castInteger(v, to)) }];
  };
});
