// Keras weight lists: setWeights() checks and copies, and the transpose between Keras' [in, units]
// kernels and the [units, in] the kernel (like PyTorch) wants.
import { copyOfShape, describe, formatShape, toTensor, type Tensor } from '../tensor';
import { isFloat32Array } from '../typed-arrays';

export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

export interface WeightCopies {
  /** The kernel's input size: the layer's own when known, else the kernel's first dimension. */
  inputDim: number;
  /** One checked copy per name, in order. */
  copies: Float32Array[];
}

/**
 * Reads a setWeights() list once and copies each entry as it is checked, so a getter in the list
 * cannot change an entry after its check and the layer can take the copies all at once.
 */
export function copyWeightList(weights: unknown, names: string[], layer: string, inputDim: number | undefined,
  shapesFor: (inputDim: number) => number[][]): WeightCopies {
  const entries = readEntries(weights, names, layer);
  const kernel = inputDim === undefined ? kernelOfUnbuiltLayer(entries[0], layer) : entries[0];
  const dim = inputDim ?? (kernel as Tensor).shape[0];
  const shapes = shapesFor(dim);
  const copies = entries.map((entry, i) => copyOfShape(i === 0 ? kernel : entry, shapes[i], `${layer}.setWeights ${names[i]}`));
  return { inputDim: dim, copies };
}

function readEntries(weights: unknown, names: string[], layer: string): unknown[] {
  const count = Array.isArray(weights) ? weights.length : undefined;
  if (count !== names.length) {
    const got = count === undefined ? describe(weights) : `${count} arrays`;
    throw new RangeError(`${layer}.setWeights: expected [${names.join(', ')}] (${names.length} arrays), got ${got}`);
  }
  return Array.from({ length: count }, (_, i) => (weights as unknown[])[i]);
}

/** A layer that does not know its input size yet learns it from the kernel, which must be a matrix. */
function kernelOfUnbuiltLayer(value: unknown, layer: string): Tensor {
  if (isFloat32Array(value)) throw new RangeError(`${layer}.setWeights: a bare Float32Array kernel needs inputDim to know its shape`);
  const kernel = toTensor(value, `${layer}.setWeights kernel`);
  if (kernel.shape.length !== 2 || kernel.shape[0] < 1) {
    throw new RangeError(`${layer}.setWeights kernel: expected an [in >= 1, units] matrix, got shape ${formatShape(kernel.shape)}`);
  }
  return kernel;
}

export function tensor(data: Float32Array, shape: number[]): Tensor {
  return { data, shape };
}
