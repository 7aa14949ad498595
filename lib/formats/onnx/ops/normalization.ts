// LayerNormalization (opset 17; earlier exports spell it out in ReduceMean, Sub, Pow, Sqrt and Div)
// and BatchNormalization in its inference form, both natively.
import { MalformedFileError, UnsupportedError } from '../../../errors';
import { batchNorm, binary, broadcastShapes, layerNorm, reduce, unary } from '../../../native/ops';
import { formatShape, sizeOf } from '../../../tensor';
import type { ElementBudget } from '../budget';
import { floatBinary } from './arithmetic';
import { floatData, native, newFloats } from '../native-call';
import { operator, required, type Operator } from '../op';
import { floatValue, normalizeAxis, type Value } from '../value';

const DEFAULT_EPSILON = Math.fround(1e-5);

function withoutLeadingOnes(shape: readonly number[]): string {
  const first = shape.findIndex((d) => d !== 1);
  return formatShape(first < 0 ? [] : shape.slice(first));
}

/** Scale or B as one value per normalized element (null when absent), or undefined when it broadcasts otherwise. */
function perColumn(value: Value | undefined, normalized: readonly number[]): Float32Array | null | undefined {
  if (!value) return null;
  return withoutLeadingOnes(value.shape) === withoutLeadingOnes(normalized) ? (value.data as Float32Array) : undefined;
}

/** Mean and 1 / sqrt(variance + epsilon) of each row, for the optional outputs. */
function statistics(x: Float32Array, rows: number, cols: number, epsilon: number, budget: ElementBudget, label: string): [Float32Array, Float32Array] {
  const mean = newFloats(budget, rows, label);
  const centered = newFloats(budget, rows * cols, label);
  const invStdDev = newFloats(budget, rows, label);
  native(label, () => {
    reduce({ op: 'Mean', x, outer: rows, axisSize: cols, inner: 1, output: mean });
    binary({ op: 'Sub', a: x, aShape: [rows, cols], b: mean, bShape: [rows, 1], output: centered });
    binary({ op: 'Mul', a: centered, aShape: [rows, cols], b: centered, bShape: [rows, cols], output: centered });
    reduce({ op: 'Mean', x: centered, outer: rows, axisSize: cols, inner: 1, output: invStdDev });
    binary({ op: 'Add', a: invStdDev, aShape: [rows], b: Float32Array.of(epsilon), bShape: [], output: invStdDev });
    unary({ op: 'Sqrt', x: invStdDev, output: invStdDev });
    unary({ op: 'Reciprocal', x: invStdDev, output: invStdDev });
  });
  return [mean, invStdDev];
}

export const LayerNormalization: Operator = operator([2, 3], [1, 3], ({ attributes, label, produces }) => {
  attributes.allowOnly(['axis', 'epsilon', 'stash_type']);
  const axisAttribute = attributes.int('axis', -1);
  const epsilon = attributes.float('epsilon') ?? DEFAULT_EPSILON;
  const stash = attributes.int('stash_type', 1);
  if (stash !== 1) throw new UnsupportedError(`${label}: attribute 'stash_type' must be 1 (float), got ${stash}`);
  if (!(epsilon >= 0)) throw new MalformedFileError(`${label}: attribute 'epsilon' must be a non-negative number, got ${epsilon}`);
  return (inputs, budget) => {
    const [x, scale, bias] = [required(inputs, 0), required(inputs, 1), inputs[2]];
    const data = floatData(x, label, 'X');
    floatData(scale, label, 'Scale');
    if (bias) floatData(bias, label, 'B');
    const axis = normalizeAxis(axisAttribute, x.shape.length, label);
    const [rows, cols] = [sizeOf(x.shape.slice(0, axis)), sizeOf(x.shape.slice(axis))];
    for (const [name, value] of [['Scale', scale], ['B', bias]] as const) {
      if (value && formatShape(broadcastShapes([x.shape, value.shape], label)) !== formatShape(x.shape)) {
        throw new RangeError(`${label}: input '${name}' of shape ${formatShape(value.shape)} must broadcast to X's shape ${formatShape(x.shape)}`);
      }
    }
    const normalized = x.shape.slice(axis);
    const [scaleColumns, biasColumns] = [perColumn(scale, normalized), perColumn(bias, normalized)];
    const output = newFloats(budget, data.length, label);
    const direct = scaleColumns !== undefined && biasColumns !== undefined;
    native(label, () => layerNorm({ x: data, rows, cols, scale: direct ? scaleColumns : null, bias: direct ? biasColumns : null, epsilon, output }));
    let y = floatValue(x.shape, output);
    if (!direct) {
      y = floatBinary('Mul', y, scale, budget, label);
      if (bias) y = floatBinary('Add', y, bias, budget, label);
    }
    if (!produces[1] && !produces[2]) return [y];
    const statsShape = x.shape.map((d, i) => (i < axis ? d : 1));
    const [mean, invStdDev] = statistics(data, rows, cols, epsilon, budget, label);
    return [y, floatValue(statsShape, mean), floatValue(statsShape.slice(), invStdDev)];
  };
});

/** Inference only: Y = (X - mean) / sqrt(var + epsilon) * scale + B over channel axis 1. */
export const BatchNormalization: Operator = operator([5, 5], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['epsilon', 'momentum', 'training_mode', 'spatial']);
  const epsilon = attributes.float('epsilon') ?? DEFAULT_EPSILON;
  if (attributes.int('training_mode', 0) !== 0) throw new UnsupportedError(`${label}: training_mode is set; only inference (training_mode 0) is supported`, { base: 'Error' });
  if (attributes.int('spatial', 1) !== 1) throw new UnsupportedError(`${label}: spatial 0 (statistics per element, before opset 9) is not supported`, { base: 'Error' });
  return (inputs, budget) => {
    const x = required(inputs, 0);
    const data = floatData(x, label, 'X');
    if (x.shape.length < 2) throw new RangeError(`${label}: input 'X' must be [N, C, ...], got ${formatShape(x.shape)}`);
    const channels = x.shape[1];
    const [scale, bias, mean, variance] = (['scale', 'B', 'input_mean', 'input_var'] as const).map((name, i) => {
      const value = required(inputs, i + 1);
      const values = floatData(value, label, name);
      if (values.length !== channels || value.shape.length !== 1) throw new RangeError(`${label}: input '${name}' must have shape [${channels}], got ${formatShape(value.shape)}`);
      return values;
    });
    const output = newFloats(budget, data.length, label);
    native(label, () => batchNorm({ x: data, outer: x.shape[0], channels, inner: sizeOf(x.shape.slice(2)), scale, bias, mean, variance, epsilon, output }));
    return [floatValue(x.shape, output)];
  };
});
