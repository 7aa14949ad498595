// One strided gather serves Transpose, Slice and Expand: walk the output in row-major order while
// moving through the source by a per-axis stride (negative for reversed slices, 0 for broadcast).
// Float tensors are model-sized, so they are copied natively, a run of contiguous elements at a
// time (a row of gatherRows); JavaScript only lists where each run starts. Integer tensors (shapes,
// indices, masks) are copied here.
import { rowMajorStrides } from '../../native/broadcast';
import { gatherRows } from '../../native/ops';
import { elementCount } from '../checked';
import type { ElementBudget } from './budget';
import type { Value } from './value';

export { rowMajorStrides as stridesOf };

const MAX_ROWS = 2 ** 31 - 1;

function gcd(a: number, b: number): number {
  let [x, y] = [Math.abs(a), Math.abs(b)];
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

interface Runs {
  /** The output's axes from this one on are contiguous in the source... */
  axis: number;
  /** ...holding this many elements... */
  inner: number;
  /** ...copied in runs of this many, each starting on a multiple of it (so the source is rows of that width). */
  run: number;
}

function runsOf(outShape: readonly number[], base: number, strides: readonly number[]): Runs {
  let axis = outShape.length;
  let inner = 1;
  while (axis > 0 && (outShape[axis - 1] === 1 || strides[axis - 1] === inner)) inner *= outShape[--axis];
  let run = gcd(inner, base);
  for (let i = 0; i < axis; i++) if (outShape[i] > 1) run = gcd(run, strides[i]);
  return { axis, inner, run };
}

/** The source row (of `run` elements) each output run starts at, in output order. */
function runStarts(outShape: readonly number[], base: number, strides: readonly number[], count: number, { axis: inner0, inner, run }: Runs): Int32Array {
  const starts = new Int32Array(count / run);
  const perBlock = inner / run;
  const index = new Array<number>(inner0).fill(0);
  let offset = base;
  for (let r = 0; r < starts.length; r += perBlock) {
    for (let j = 0; j < perBlock; j++) starts[r + j] = offset / run + j;
    for (let axis = inner0 - 1; axis >= 0; axis--) {
      offset += strides[axis];
      if (++index[axis] < outShape[axis]) break;
      offset -= strides[axis] * outShape[axis];
      index[axis] = 0;
    }
  }
  return starts;
}

function copyFloats(source: Float32Array, outShape: readonly number[], base: number, strides: readonly number[], out: Float32Array): boolean {
  const runs = runsOf(outShape, base, strides);
  const { run } = runs;
  const rows = Math.floor(source.length / run);
  if (rows > MAX_ROWS || out.length / run > MAX_ROWS) return false;
  const indices = runStarts(outShape, base, strides, out.length, runs);
  gatherRows({ table: source.subarray(0, rows * run), rows, cols: run, indices, output: out });
  return true;
}

function copyElements(source: Float32Array | Float64Array, outShape: readonly number[], base: number, strides: readonly number[], out: Float32Array | Float64Array): void {
  const rank = outShape.length;
  const index = new Array<number>(rank).fill(0);
  let offset = base;
  for (let i = 0; i < out.length; i++) {
    out[i] = source[offset];
    for (let axis = rank - 1; axis >= 0; axis--) {
      offset += strides[axis];
      if (++index[axis] < outShape[axis]) break;
      offset -= strides[axis] * outShape[axis];
      index[axis] = 0;
    }
  }
}

export function stridedCopy(source: Value, outShape: number[], base: number, strides: readonly number[], budget: ElementBudget, what: string): Value {
  const count = elementCount(outShape, what);
  const out = budget.allocate(source, count, what);
  if (count > 0) {
    const native = out instanceof Float32Array && copyFloats(source.data as Float32Array, outShape, base, strides, out);
    if (!native) copyElements(source.data, outShape, base, strides, out);
  }
  return { dtype: source.dtype, shape: outShape, data: out };
}
