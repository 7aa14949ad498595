// The interpreter's shape operators on small built graphs, with exact expected values, in both
// the opset 13+ form (axes as inputs) and the older attribute form.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../lib/model';
import { INT64, modelBytes, node, tensor, valueInfo, type GraphSpec } from './helpers/onnx-builder';

const X = { data: Float32Array.from({ length: 24 }, (_, i) => i), shape: [2, 3, 4] };

async function run(spec: Omit<GraphSpec, 'inputs' | 'outputs'> & { outputs: string[] }, feeds: Record<string, unknown> = { X }) {
  const model = await loadModel(modelBytes({ ...spec, inputs: [valueInfo('X', ['a', 'b', 'c'])], outputs: spec.outputs.map((o) => valueInfo(o, null)) }));
  return model.runSync(feeds as never);
}

const ints = (name: string, values: Array<number | bigint>) => tensor(name, [values.length], values, INT64);
const values = (t: { data: Float32Array }) => Array.from(t.data);

describe('ONNX interpreter: shape operators', () => {
  it('Shape (with start), Gather with a negative index, Unsqueeze, Concat, ConstantOfShape', async () => {
    const out = await run({
      nodes: [
        node('Shape', ['X'], ['s']), node('Shape', ['X'], ['tail'], { start: 1 }),
        node('Gather', ['s', 'minus1'], ['last'], { axis: 0 }),
        node('Unsqueeze', ['last', 'zero'], ['last1']),
        node('Concat', ['two', 'last1'], ['shape'], { axis: 0 }),
        node('ConstantOfShape', ['shape'], ['filled'], { value: { tensor: tensor('', [1], [2.5]) } }),
      ],
      initializers: [tensor('minus1', [], [-1], INT64), ints('zero', [0]), ints('two', [2])],
      outputs: ['s', 'tail', 'last', 'shape', 'filled'],
    });
    expect(values(out.s)).toEqual([2, 3, 4]);
    expect(values(out.tail)).toEqual([3, 4]);
    expect(out.last.shape).toEqual([]);
    expect(values(out.last)).toEqual([4]);
    expect(values(out.shape)).toEqual([2, 4]);
    expect(out.filled.shape).toEqual([2, 4]);
    expect(values(out.filled)).toEqual(new Array(8).fill(2.5));
  });

  it('Transpose, Reshape with 0 and -1, Squeeze with and without axes, Identity', async () => {
    const out = await run({
      nodes: [
        node('Transpose', ['X'], ['t'], { perm: [2, 0, 1] }),
        node('Reshape', ['X', 'target'], ['r']),
        node('Reshape', ['r', 'with1'], ['r1']),
        node('Squeeze', ['r1', 'axis1'], ['sq']),
        node('Squeeze', ['r1'], ['sqAll']),
        node('Identity', ['sq'], ['id']),
      ],
      initializers: [ints('target', [0, -1]), ints('with1', [2, 1, 12, 1]), ints('axis1', [1])],
      outputs: ['t', 'r', 'sq', 'sqAll', 'id'],
    });
    expect(out.t.shape).toEqual([4, 2, 3]);
    expect(values(out.t).slice(0, 7)).toEqual([0, 4, 8, 12, 16, 20, 1]);
    expect(out.r.shape).toEqual([2, 12]);
    expect(out.sq.shape).toEqual([2, 12, 1]);
    expect(out.sqAll.shape).toEqual([2, 12]);
    expect(values(out.id)).toEqual(values(X));
    expect(out.id.data).not.toBe(X.data); // a result never aliases the caller's array
  });

  it('Slice: negative steps, clamped ends, axes and steps as inputs', async () => {
    const out = await run({
      nodes: [
        node('Slice', ['X', 'start', 'end', 'axes', 'steps'], ['rev']),
        node('Slice', ['X', 'one', 'big'], ['tail']),
        node('Slice', ['X', 'zero', 'big', 'axis2', 'two'], ['even']),
      ],
      initializers: [
        ints('start', [-1]), ints('end', [-1000]), ints('axes', [2]), ints('steps', [-1]), ints('one', [1]),
        ints('big', [9223372036854775807n]), ints('zero', [0]), ints('axis2', [-1]), ints('two', [2]),
      ],
      outputs: ['rev', 'tail', 'even'],
    });
    expect(out.rev.shape).toEqual([2, 3, 4]);
    expect(values(out.rev).slice(0, 8)).toEqual([3, 2, 1, 0, 7, 6, 5, 4]);
    expect(out.tail.shape).toEqual([1, 3, 4]);
    expect(values(out.tail)[0]).toBe(12);
    expect(out.even.shape).toEqual([2, 3, 2]);
    expect(values(out.even).slice(0, 4)).toEqual([0, 2, 4, 6]);
  });

  it('Expand broadcasts, Cast truncates toward zero, Constant value_floats / value_ints', async () => {
    const out = await run({
      nodes: [
        node('Constant', [], ['row'], { value_floats: { floats: [1.75, -1.75, 0.5] } }),
        node('Constant', [], ['shape'], { value_ints: [2, 3] }),
        node('Expand', ['row', 'shape'], ['grid']),
        node('Cast', ['grid'], ['asInt'], { to: INT64 }),
        node('Cast', ['asInt'], ['back'], { to: 1 }),
      ],
      outputs: ['grid', 'asInt', 'back'],
    });
    expect(out.grid.shape).toEqual([2, 3]);
    expect(values(out.grid)).toEqual([1.75, -1.75, 0.5, 1.75, -1.75, 0.5]);
    expect(values(out.asInt)).toEqual([1, -1, 0, 1, -1, 0]);
    expect(values(out.back)).toEqual([1, -1, 0, 1, -1, 0]);
  });

  it('opset 11 forms: Squeeze/Unsqueeze axes and Slice starts/ends as attributes', async () => {
    const out = await run({
      opset: 9,
      nodes: [
        node('Unsqueeze', ['X'], ['u'], { axes: [0, -1] }),
        node('Squeeze', ['u'], ['s'], { axes: [0, 4] }),
        node('Slice', ['s'], ['sl'], { starts: [1], ends: [3], axes: [1] }),
      ],
      outputs: ['u', 's', 'sl'],
    });
    expect(out.u.shape).toEqual([1, 2, 3, 4, 1]);
    expect(out.s.shape).toEqual([2, 3, 4]);
    expect(out.sl.shape).toEqual([2, 2, 4]);
    expect(values(out.sl).slice(0, 4)).toEqual([4, 5, 6, 7]);
  });

  it('nodes whose inputs are all constant are folded while the model loads', async () => {
    const model = await loadModel(modelBytes({
      nodes: [node('Constant', [], ['c'], { value_ints: [3, 4] }), node('Concat', ['c', 'c'], ['cc'], { axis: 0 }), node('Identity', ['X'], ['Y'])],
      inputs: [valueInfo('X', [2])], outputs: [valueInfo('cc', null), valueInfo('Y', null)],
    }));
    const out = model.runSync({ X: [1, 2] });
    expect(values(out.cc)).toEqual([3, 4, 3, 4]);
    out.cc.data[0] = 99; // the caller's copy: the folded constant is not changed
    expect(values(model.runSync({ X: [1, 2] }).cc)).toEqual([3, 4, 3, 4]);
  });

  it('run-time errors name the node: bad reshape, out-of-range gather, squeezing a non-1 axis', async () => {
    const bad = (n: object, init: object[] = []) => run({ nodes: [n], initializers: init, outputs: ['o'] });
    await expect(bad(node('Reshape', ['X', 't'], ['o'], {}, 'reshape'), [ints('t', [5, -1])])).rejects.toThrow(/node 0 "reshape" \(Reshape\): cannot reshape \[2, 3, 4\] \(24 elements\) to \[5, -1\]: the -1 cannot be inferred/);
    await expect(bad(node('Gather', ['X', 'i'], ['o'], { axis: 1 }), [ints('i', [3])])).rejects.toThrow(/node 0 \(Gather\): index 3 is out of range for axis 1 of size 3/);
    await expect(bad(node('Squeeze', ['X', 'a'], ['o']), [ints('a', [1])])).rejects.toThrow(/cannot squeeze axis 1 of shape \[2, 3, 4\]: its size is not 1/);
    await expect(bad(node('Transpose', ['X'], ['o'], { perm: [0, 0, 1] }))).rejects.toThrow(/perm \[0, 0, 1\] is not a permutation/);
    await expect(bad(node('Expand', ['X', 's'], ['o']), [ints('s', [5, 3, 4])])).rejects.toThrow(/shapes \[2, 3, 4\] and \[5, 3, 4\] do not broadcast/);
  });
});
