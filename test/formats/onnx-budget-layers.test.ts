// The element budget and the operators around an RNN: a product or a broadcast can make a result far
// larger than its inputs ([4096, 1] against [1, 4097] is 2^24 + 4096 elements from 8193), so each
// charges its result before allocating it, while the file loads (constants folded) and per call.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../lib/model';
import { FLOAT, INT64, modelBytes, node, tensor, valueInfo } from './helpers/onnx-builder';

const [ROWS, COLS] = [4096, 4097];
const GROWN = ROWS * COLS; // just above the 2^24 floor
const column = (name: string) => ({ name, dims: [ROWS, 1], type: FLOAT });
const row = (name: string) => ({ name, dims: [1, COLS], type: FLOAT });
const BOOL = 9;

/** Nodes whose result has ROWS x COLS elements, from a column `a` and a row `b` (and, for Where, a condition `c`). */
const GROWING: Array<[string, object, Array<{ name: string; dims: number[]; type: number }>]> = [
  ['MatMul', node('MatMul', ['a', 'b'], ['y'], {}, '/n'), [column('a'), row('b')]],
  ['Gemm', node('Gemm', ['a', 'b'], ['y'], {}, '/n'), [column('a'), row('b')]],
  ['Add', node('Add', ['a', 'b'], ['y'], {}, '/n'), [column('a'), row('b')]],
  ['Pow', node('Pow', ['a', 'b'], ['y'], {}, '/n'), [column('a'), row('b')]],
  ['Max', node('Max', ['a', 'b'], ['y'], {}, '/n'), [column('a'), row('b')]],
  ['Equal', node('Equal', ['a', 'b'], ['y'], {}, '/n'), [column('a'), row('b')]],
  ['Where', node('Where', ['c', 'a', 'b'], ['y'], {}, '/n'), [{ name: 'c', dims: [1], type: BOOL }, column('a'), row('b')]],
  ['Gather', node('Gather', ['b', 'i'], ['y'], {}, '/n'), [row('b'), { name: 'i', dims: [ROWS], type: INT64 }]],
];

function zeros(dims: number[], type: number): object {
  const count = dims.reduce((p, d) => p * d, 1);
  return type === BOOL ? { dims, dataType: BOOL, rawData: new Uint8Array(count) } : tensor('', dims, new Array(count).fill(0), type);
}

describe('ONNX budget: results larger than their inputs', () => {
  it.each(GROWING.map(([op, n, inputs]) => [op, n, inputs] as const))('%s is refused per call before it allocates, naming the node', async (op, n, inputs) => {
    const model = await loadModel(modelBytes({ nodes: [n], inputs: inputs.map((i) => valueInfo(i.name, i.dims, i.type)), outputs: [valueInfo('y', null)] }));
    const feeds = Object.fromEntries(inputs.map((i) => {
      const count = i.dims.reduce((p, d) => p * d, 1);
      const data = i.type === FLOAT ? new Float32Array(count) : i.type === INT64 ? new BigInt64Array(count) : new Uint8Array(count);
      return [i.name, { data, shape: i.dims }];
    }));
    const refused = new RegExp(`node 0 "/n" \\(${op}\\): would create ${GROWN} elements, more than the 16777216 this model and its inputs justify`);
    expect(() => model.runSync(feeds as never)).toThrow(refused);
    await expect(model.run(feeds as never)).rejects.toThrow(RangeError);
  });

  it.each(GROWING.map(([op, n, inputs]) => [op, n, inputs] as const))('%s of constants is refused while the file loads', async (op, n, inputs) => {
    const initializers = inputs.map((i) => ({ ...zeros(i.dims, i.type), name: i.name }));
    const bytes = modelBytes({ nodes: [n], initializers, inputs: [], outputs: [valueInfo('y', null)] });
    await expect(loadModel(bytes)).rejects.toThrow(new RegExp(`node 0 "/n" \\(${op}\\): would create ${GROWN} elements, more than the \\d+ its size allows`));
  });
});
