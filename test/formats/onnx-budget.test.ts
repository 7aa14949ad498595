// The element budgets: everything constant folding creates while a file loads is charged against one
// budget sized by the file, everything a call creates against one sized by the model and the call's
// inputs, each operator charging before it allocates; the refusal is a RangeError naming the node.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOAD_FLOOR, LOAD_PER_FILE_BYTE, MAX_RANK } from '../../lib/formats/onnx/budget';
import { loadModel } from '../../lib/model';
import { measureLoad, RSS_BOUNDS_APPLY } from './helpers/measure-load';
import { chainedConstantOfShape, manyConstantOfShape, repeatedConcat } from './helpers/onnx-bombs';
import { FLOAT, INT64, modelBytes, node, tensor, valueInfo } from './helpers/onnx-builder';

const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-onnx-budget-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MAX_RSS_MIB = 256;
const ints = (name: string, values: number[]) => tensor(name, [values.length], values, INT64);

describe('ONNX load budget: small files whose folding would take gigabytes, each loaded in a child process', () => {
  const bombs: Array<[string, () => Uint8Array, RegExp]> = [
    ['three chained ConstantOfShape (2^24, 2^28, 2^31-1)', chainedConstantOfShape,
      /node 1 "\/B" \(ConstantOfShape\): would create 268435456 elements, after 16777216 already created by loading this file, more than the 16777216 its size allows \(4 elements per byte of its \d+ bytes, at least 2\^24\)/],
    ['60 ConstantOfShape of 2^24 int64', () => manyConstantOfShape(60),
      /node 1 "\/C1" \(ConstantOfShape\): would create 16777216 elements, after 16777216 already created by loading this file, more than the 16777216/],
    ['a Concat of one 2^24 constant 120 times', () => repeatedConcat(120),
      /node 1 "\/Concat" \(Concat\): would create 2013265920 elements, after 16777216 already created by loading this file/],
  ];
  for (const [what, make, message] of bombs) {
    it(`${what}: a RangeError naming the node, within ${MAX_RSS_MIB} MiB`, async () => {
      const bytes = make();
      expect(bytes.length).toBeLessThan(8192);
      const file = path.join(scratch, `${what.replace(/\W+/g, '-')}.onnx`);
      writeFileSync(file, bytes);
      const measured = await measureLoad(file);
      expect(measured.loaded).toBe(false);
      expect(measured.type).toBe('RangeError');
      expect(measured.message).toMatch(message);
      if (RSS_BOUNDS_APPLY) expect(measured.maxRssMiB).toBeLessThanOrEqual(MAX_RSS_MIB);
    }, 180_000);
  }
});

describe('ONNX load budget: sized by the file, charged by every folded node', () => {
  it('a larger file may fold more: the limit is 4 elements per file byte above the 2^24 floor', async () => {
    const fold = (count: number, padding: number) => modelBytes({
      nodes: [node('ConstantOfShape', ['s'], ['y'], {}, '/Fill')],
      initializers: [ints('s', [count]), tensor('padding', [padding], new Array(padding).fill(0), FLOAT)],
      inputs: [], outputs: [valueInfo('y', null)],
    });
    const count = LOAD_FLOOR + 2 ** 20;
    await expect(loadModel(fold(count, 1))).rejects.toThrow(/node 0 "\/Fill" \(ConstantOfShape\): would create 17825792 elements, more than the 16777216 its size allows/);
    const padded = fold(count, Math.ceil(count / LOAD_PER_FILE_BYTE / 4)); // float32 padding: 4 bytes each
    expect(LOAD_PER_FILE_BYTE * padded.length).toBeGreaterThanOrEqual(count);
    const model = await loadModel(padded);
    expect(model.runSync({}).y.shape).toEqual([count]);
  });

  it('every kind of node that copies or creates data is charged: Expand, Slice, Transpose, Cast, Concat; views are free', async () => {
    const third = 3 * 2 ** 22; // a copy of it brings the load to 1.5 times the floor
    const after = (nodes: object[], extra: object[] = []) => modelBytes({
      nodes: [node('ConstantOfShape', ['s'], ['c'], {}, '/C'), ...nodes],
      initializers: [ints('s', [third]), ...extra],
      inputs: [], outputs: [valueInfo('y', null)],
    });
    const refused = (label: string, count = third) => new RegExp(`${label}: would create ${count} elements, after ${third} already created by loading this file, more than the 16777216`);
    await expect(loadModel(after([node('Expand', ['c', 'twice'], ['y'], {}, '/E')], [ints('twice', [2, 1])]))).rejects.toThrow(refused('node 1 "/E" \\(Expand\\)', 2 * third));
    await expect(loadModel(after([node('Slice', ['c', 'zero', 'end'], ['y'], {}, '/S')], [ints('zero', [0]), ints('end', [third])]))).rejects.toThrow(refused('node 1 "/S" \\(Slice\\)'));
    await expect(loadModel(after([node('Transpose', ['c'], ['y'], {}, '/T')]))).rejects.toThrow(refused('node 1 "/T" \\(Transpose\\)'));
    await expect(loadModel(after([node('Cast', ['c'], ['y'], { to: INT64 }, '/Cast')]))).rejects.toThrow(refused('node 1 "/Cast" \\(Cast\\)'));
    await expect(loadModel(after([node('Concat', ['c'], ['y'], { axis: 0 }, '/Cat')]))).rejects.toThrow(refused('node 1 "/Cat" \\(Concat\\)'));
    await expect(loadModel(after([node('Gather', ['c', 'i'], ['y'], { axis: 0 }, '/G')], [ints('i', [0, 0])]))).resolves.toBeDefined(); // two elements
    const views = after([
      node('Reshape', ['c', 'r'], ['r1'], {}, '/R'), node('Unsqueeze', ['r1', 'a0'], ['u']), node('Squeeze', ['u', 'a0'], ['q']), node('Identity', ['q'], ['y']),
    ], [ints('r', [2, -1]), ints('a0', [0])]);
    expect((await loadModel(views)).runSync({}).y.shape).toEqual([2, third / 2]);
  });

  it('a Gather whose indices repeat a large constant is charged for what it creates', async () => {
    const bytes = modelBytes({
      nodes: [node('ConstantOfShape', ['s'], ['c'], {}, '/C'), node('ConstantOfShape', ['n'], ['i'], { value: { tensor: tensor('', [1], [0], INT64) } }, '/I'),
        node('Gather', ['c', 'i'], ['y'], { axis: 0 }, '/G')],
      initializers: [ints('s', [1, 2 ** 20]), ints('n', [16])],
      inputs: [], outputs: [valueInfo('y', null)],
    });
    await expect(loadModel(bytes)).rejects.toThrow(/node 2 "\/G" \(Gather\): would create 16777216 elements, after 1048592 already created by loading this file/);
  });

  it(`no value may have more than ${MAX_RANK} axes: Unsqueeze chains grow shapes, not data`, async () => {
    const axes = Array.from({ length: 40 }, (_, i) => i);
    const bytes = modelBytes({
      nodes: [node('Unsqueeze', ['x', 'axes'], ['a'], {}, '/U0'), node('Unsqueeze', ['a', 'axes'], ['y'], {}, '/U1')],
      initializers: [ints('x', [1]), ints('axes', axes)],
      inputs: [], outputs: [valueInfo('y', null)],
    });
    await expect(loadModel(bytes)).rejects.toThrow(/node 1 "\/U1" \(Unsqueeze\): its result would have 81 axes, more than the 64 a tensor may have/);
  });
});

describe('ONNX run budget: one per call, every node charged', () => {
  it('an RNN whose X is a constant is not folded while loading: it runs per call, as with X given', async () => {
    const weights = [tensor('W', [1, 3, 1], [0.5, -0.25, 1]), tensor('R', [1, 3, 3], [0.1, 0, 0.2, 0, -0.3, 0, 0.4, 0, 0.1])];
    const xs = [1, -2, 0.5, 3];
    const rnn = node('RNN', ['X', 'W', 'R'], ['Y'], { hidden_size: 3 }, '/RNN');
    const constant = await loadModel(modelBytes({ nodes: [rnn], initializers: [tensor('X', [4, 1, 1], xs), ...weights], inputs: [], outputs: [valueInfo('Y', null)] }));
    const given = await loadModel(modelBytes({ nodes: [rnn], initializers: weights, inputs: [valueInfo('X', [4, 1, 1])], outputs: [valueInfo('Y', null)] }));
    const want = given.runSync({ X: { data: Float32Array.from(xs), shape: [4, 1, 1] } }).Y;
    expect(constant.config.operators).toEqual({ RNN: 1 });
    expect(constant.runSync({}).Y).toEqual(want);
    expect(want.shape).toEqual([4, 1, 1, 3]);
    // Folded, X of 2^22 steps and its 3 x 2^22 outputs would exceed the load budget; not folded, the file loads.
    const long = modelBytes({
      nodes: [node('ConstantOfShape', ['dims'], ['X'], {}, '/X'), rnn], initializers: [ints('dims', [2 ** 22, 1, 1]), ...weights], inputs: [], outputs: [valueInfo('Y', null)],
    });
    await expect(loadModel(long)).resolves.toBeDefined();
  });

  const withInput = (nodes: object[], initializers: object[] = []) => modelBytes({
    nodes, initializers, inputs: [valueInfo('X', ['n'])], outputs: [valueInfo('Y', null)],
  });

  it('a Concat that repeats the input 120 times is refused before it allocates', async () => {
    const model = await loadModel(withInput([node('Concat', new Array(120).fill('X'), ['Y'], { axis: 0 }, '/Concat')]));
    const X = { data: new Float32Array(2 ** 18), shape: [2 ** 18] };
    expect(() => model.runSync({ X })).toThrow(/node 0 "\/Concat" \(Concat\): would create 31457280 elements, more than the 16777216 this model and its inputs justify/);
    await expect(model.run({ X })).rejects.toThrow(/node 0 "\/Concat" \(Concat\): would create 31457280 elements/);
    expect(model.runSync({ X: { data: new Float32Array(2), shape: [2] } }).Y.shape).toEqual([240]);
  });

  it('constants folded while loading do not raise what a call may create', async () => {
    const model = await loadModel(withInput([node('ConstantOfShape', ['s'], ['c'], {}, '/C'), node('Concat', ['c', 'c', 'X'], ['Y'], { axis: 0 }, '/Cat')], [ints('s', [2 ** 23])]));
    expect(() => model.runSync({ X: { data: new Float32Array(1), shape: [1] } }))
      .toThrow(/node 1 "\/Cat" \(Concat\): would create 16777217 elements, more than the 16777216 this model and its inputs justify \(4 per byte of the file, 16 per element of the largest input, at least 2\^24; more for each RNN result\)/);
  });

  it('the charges add up over the call: 20 Expand nodes, each within the limit, together beyond it', async () => {
    const nodes = Array.from({ length: 20 }, (_, i) => node('Expand', ['X', 'shape'], [i === 19 ? 'Y' : `e${i}`], {}, `/E${i}`));
    const model = await loadModel(withInput(nodes, [ints('shape', [2 ** 20])]));
    expect(() => model.runSync({ X: { data: new Float32Array(1), shape: [1] } }))
      .toThrow(/node 16 "\/E16" \(Expand\): would create 1048576 elements, after 16777216 already created by this call, more than the 16777216/);
  });
});
