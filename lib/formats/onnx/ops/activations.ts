// Elementwise functions of one tensor: the activations people put after a layer and the math the
// exporter writes for others (GELU as Erf, LayerNorm's Sqrt and Reciprocal), computed natively.
// Defaults are the ONNX specification's (float32 values, as attributes are float32 in the file).
import { MalformedFileError } from '../../../errors';
import { unary, type UnaryOp } from '../../../native/ops';
import type { Attributes } from '../attributes';
import type { ElementBudget } from '../budget';
import { mapIntegers } from '../integer-math';
import { floatData, native, newFloats } from '../native-call';
import { operator, required, type Inputs, type NodeContext, type Operator } from '../op';
import { BOOL, floatValue, integersOf, isFloatType, typeName, type Value } from '../value';

interface Parameters {
  alpha?: number;
  beta?: number;
}

interface UnarySpec {
  op: UnaryOp;
  attributes?: string[];
  parameters?: (attributes: Attributes) => Parameters;
  /** The function on integers, where the specification allows integer tensors. */
  integer?: (x: number) => number;
}

const f = Math.fround;

function unaryFloat(op: UnaryOp, x: Value, parameters: Parameters & { min?: number; max?: number }, budget: ElementBudget, label: string): Value {
  const data = floatData(x, label, 'X');
  const output = newFloats(budget, data.length, label);
  native(label, () => unary({ op, x: data, ...parameters, output }));
  return floatValue(x.shape, output);
}

function elementwise(spec: UnarySpec): Operator {
  return operator([1, 1], [1, 1], ({ attributes, label }) => {
    attributes.allowOnly(spec.attributes ?? []);
    const parameters = spec.parameters?.(attributes) ?? {};
    return (inputs, budget) => {
      const x = required(inputs, 0);
      if (isFloatType(x.dtype)) return [unaryFloat(spec.op, x, parameters, budget, label)];
      if (!spec.integer || x.dtype === BOOL) throw new TypeError(`${label}: input 'X' must be a float tensor, got ${typeName(x.dtype)}`);
      return [mapIntegers([x], x.dtype, spec.integer, budget, label)];
    };
  });
}

const plain = (op: UnaryOp, integer?: (x: number) => number) => elementwise({ op, integer });
const withAlpha = (op: UnaryOp, alpha: number) => elementwise({
  op, attributes: ['alpha'], parameters: (a) => ({ alpha: a.float('alpha') ?? f(alpha) }),
});

export const Relu = plain('Relu', (x) => Math.max(0, x));
export const Tanh = plain('Tanh');
export const Sigmoid = plain('Sigmoid');
export const Softsign = plain('Softsign');
export const Softplus = plain('Softplus');
export const Exp = plain('Exp');
export const Log = plain('Log');
export const Sqrt = plain('Sqrt');
export const Reciprocal = plain('Reciprocal');
export const Erf = plain('Erf');
export const Abs = plain('Abs', Math.abs);
export const Neg = plain('Neg', (x) => -x);
export const HardSwish = plain('HardSwish');
export const Mish = plain('Mish');
export const LeakyRelu = withAlpha('LeakyRelu', 0.01);
export const Elu = withAlpha('Elu', 1);
export const ThresholdedRelu = withAlpha('ThresholdedRelu', 1);
export const Selu = elementwise({
  op: 'Selu', attributes: ['alpha', 'gamma'],
  parameters: (a) => ({ alpha: a.float('alpha') ?? f(1.67326319217681884765625), beta: a.float('gamma') ?? f(1.05070102214813232421875) }),
});
export const HardSigmoid = elementwise({
  op: 'HardSigmoid', attributes: ['alpha', 'beta'],
  parameters: (a) => ({ alpha: a.float('alpha') ?? f(0.2), beta: a.float('beta') ?? f(0.5) }),
});

/** Gelu (opset 20): exact with erf, or the tanh approximation. */
export const Gelu: Operator = {
  inputs: [1, 1],
  outputs: [1, 1],
  compile(context) {
    const approximate = context.attributes.string('approximate') ?? 'none';
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new MalformedFileError(`${context.label}: attribute 'approximate' must be 'none' or 'tanh', got '${approximate}'`);
    }
    return elementwise({ op: approximate === 'tanh' ? 'GeluTanh' : 'Gelu', attributes: ['approximate'] }).compile(context);
  },
};

/** A scalar bound given as an input (Clip since opset 11). */
function boundOf(inputs: Inputs, index: number, name: string, x: Value, label: string): number | undefined {
  const bound = inputs[index];
  if (!bound) return undefined;
  if (bound.data.length !== 1 || bound.shape.length > 1) {
    throw new RangeError(`${label}: input '${name}' must be a scalar, got shape [${bound.shape.join(', ')}]`);
  }
  if (isFloatType(bound.dtype) !== isFloatType(x.dtype)) throw new TypeError(`${label}: input '${name}' is ${typeName(bound.dtype)} but input is ${typeName(x.dtype)}`);
  return isFloatType(bound.dtype) ? bound.data[0] : integersOf(bound, `${label} input '${name}'`)[0];
}

const FLT_MAX = 3.4028234663852886e38;

/**
 * Clip: bounds as attributes before opset 11, whose stated defaults are -FLT_MAX and FLT_MAX (so an
 * infinity becomes the largest float, as onnxruntime does); as optional inputs since, absent meaning
 * no bound (numpy's clip, the reference implementation). A minimum above the maximum gives the maximum.
 */
export const Clip: Operator = operator([1, 3], [1, 1], (context: NodeContext) => {
  const { attributes, label } = context;
  const legacy = context.opset < 11;
  attributes.allowOnly(legacy ? ['min', 'max'] : []);
  if (legacy && (context.present[1] || context.present[2])) throw new MalformedFileError(`${label}: Clip takes min and max as attributes before opset 11, not as inputs`, { base: 'Error' });
  return (inputs, budget) => {
    const x = required(inputs, 0);
    const low = legacy ? attributes.float('min') ?? -FLT_MAX : boundOf(inputs, 1, 'min', x, label) ?? -Infinity;
    const high = legacy ? attributes.float('max') ?? FLT_MAX : boundOf(inputs, 2, 'max', x, label) ?? Infinity;
    const min = Math.min(low, high);
    if (isFloatType(x.dtype)) return [unaryFloat('Clip', x, { min, max: high }, budget, label)];
    if (x.dtype === BOOL) throw new TypeError(`${label}: Clip is not defined on BOOL tensors`);
    return [mapIntegers([x], x.dtype, (v) => Math.min(Math.max(v, min), high), budget, label)];
  };
});
