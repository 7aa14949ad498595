// One strided gather serves Transpose, Slice and Expand: walk the output in row-major order while
// moving through the source by a per-axis stride (negative for reversed slices, 0 for broadcast).
import { rowMajorStrides } from '../../native/broadcast';
import { elementCount } from '../checked';
import type { ElementBudget } from './budget';
import type { Value } from './value';

export { rowMajorStrides as stridesOf };

export function stridedCopy(source: Value, outShape: number[], base: number, strides: readonly number[], budget: ElementBudget, what: string): Value {
  const count = elementCount(outShape, what);
  const out = budget.allocate(source, count, what);
  const rank = outShape.length;
  const index = new Array<number>(rank).fill(0);
  let offset = base;
  for (let i = 0; i < count; i++) {
    out[i] = source.data[offset];
    for (let axis = rank - 1; axis >= 0; axis--) {
      offset += strides[axis];
      if (++index[axis] < outShape[axis]) break;
      offset -= strides[axis] * outShape[axis];
      index[axis] = 0;
    }
  }
  return { dtype: source.dtype, shape: outShape, data: out };
}
