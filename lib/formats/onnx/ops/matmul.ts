// MatMul and Gemm, what nn.Linear becomes (MatMul + Add for a sequence, Gemm for a batch of rows),
// through the addon's sgemm. Integer products are not supported: models multiply floats.
import { MalformedFileError } from '../../../errors';
import { broadcastShapes, gemm, matMul } from '../../../native/ops';
import { formatShape, sizeOf } from '../../../tensor';
import { floatData, native, newFloats } from '../native-call';
import { operator, required, type Operator } from '../op';
import { floatValue } from '../value';

/** numpy.matmul's result shape, or a RangeError naming the node. */
function matMulShape(a: readonly number[], b: readonly number[], label: string): number[] {
  if (a.length === 0 || b.length === 0) throw new RangeError(`${label}: MatMul needs inputs of at least 1 dimension, got ${formatShape(a)} and ${formatShape(b)}`);
  const [m, k] = a.length === 1 ? [1, a[0]] : a.slice(-2);
  const [kb, n] = b.length === 1 ? [b[0], 1] : b.slice(-2);
  if (k !== kb) throw new RangeError(`${label}: shapes ${formatShape(a)} and ${formatShape(b)} do not multiply (${k} columns against ${kb} rows)`);
  const batch = broadcastShapes([a.slice(0, -2), b.slice(0, -2)], label);
  return [...batch, ...(a.length === 1 ? [] : [m]), ...(b.length === 1 ? [] : [n])];
}

export const MatMul: Operator = operator([2, 2], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly([]);
  return (inputs, budget) => {
    const [a, b] = [required(inputs, 0), required(inputs, 1)];
    const [aData, bData] = [floatData(a, label, 'A'), floatData(b, label, 'B')];
    const shape = matMulShape(a.shape, b.shape, label);
    const output = newFloats(budget, sizeOf(shape), label);
    native(label, () => matMul({ a: aData, aShape: a.shape, b: bData, bShape: b.shape, output }));
    return [floatValue(shape, output)];
  };
});

/** Y = alpha A' B' + beta C, A' and B' transposed as transA and transB say; C broadcasts to Y (unidirectionally). */
export const Gemm: Operator = operator([2, 3], [1, 1], ({ attributes, label }) => {
  attributes.allowOnly(['alpha', 'beta', 'transA', 'transB']);
  const alpha = attributes.float('alpha') ?? 1;
  const beta = attributes.float('beta') ?? 1;
  const [transA, transB] = [attributes.int('transA', 0), attributes.int('transB', 0)];
  for (const [name, value] of [['transA', transA], ['transB', transB]] as const) {
    if (value !== 0 && value !== 1) throw new MalformedFileError(`${label}: attribute '${name}' must be 0 or 1, got ${value}`);
  }
  return (inputs, budget) => {
    const [a, b, c] = [required(inputs, 0), required(inputs, 1), inputs[2]];
    const [aData, bData] = [floatData(a, label, 'A'), floatData(b, label, 'B')];
    const cData = c ? floatData(c, label, 'C') : null;
    if (a.shape.length !== 2 || b.shape.length !== 2) throw new RangeError(`${label}: A and B must be matrices, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
    const m = transA ? a.shape[1] : a.shape[0];
    const n = transB ? b.shape[0] : b.shape[1];
    const output = newFloats(budget, m * n, label);
    native(label, () => gemm({
      a: aData, aShape: a.shape, b: bData, bShape: b.shape, transA: transA === 1, transB: transB === 1, alpha, beta,
      c: cData, cShape: c?.shape, output,
    }));
    return [floatValue([m, n], output)];
  };
});
