// Keras keeps kernels as [in, units]; the kernel (like PyTorch) wants [units, in].
import { toTensorOfShape, type Tensor } from '../tensor';

export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** Checks a setWeights() list: the right count, each entry the right shape; returns the data. */
export function checkWeightList(weights: unknown, shapes: number[][], names: string[], layer: string): Float32Array[] {
  if (!Array.isArray(weights) || weights.length !== shapes.length) {
    const got = Array.isArray(weights) ? `${weights.length} arrays` : typeof weights;
    throw new RangeError(`${layer}.setWeights: expected [${names.join(', ')}] (${shapes.length} arrays), got ${got}`);
  }
  return weights.map((w, i) => toTensorOfShape(w, shapes[i], `${layer}.setWeights ${names[i]}`).data);
}

export function tensor(data: Float32Array, shape: number[]): Tensor {
  return { data, shape };
}
