// A seeded fuzz suite over the models PyTorch users export around nn.RNN (test/fixtures/torch-onnx):
// copies with their graphs edited as a hostile or broken file would have them (attributes out of
// range, of other types, unknown, removed; operators swapped; initializers of other shapes and types;
// inputs rewired; other opsets; graph inputs of other types) and byte-mutated copies. Each must load
// and run, or be refused with an Error naming what is wrong. What runs must run the same in
// runSync and run, and, where the model states its batch axes, the same in parts as whole (the
// batch rules must never claim a split that changes the numbers). Copies edited in ways that keep
// the meaning (names, Identity and inference Dropout inserted, initializers stored in their typed
// fields, opsets whose operators mean the same) must give PyTorch's outputs.
//
// Environment: VANILLA_RNN_FUZZ_SEED (default 20261123), VANILLA_RNN_FUZZ_ONNX_LAYERS (cases, default 400).
import * as protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { concatAlong, sliceAlong } from './support/slices';
import { schemaPath } from '../lib/formats/onnx/proto';
import { loadModel, type Model, type Tensor } from '../lib/index';
import { isClose, mulberry32 } from './support/fixtures';
import { FuzzTally, show } from './support/fuzz-harness';
import { between, chance, pick, type Rng } from './support/fuzz-junk';
import { mutateBytes } from './support/fuzz-mutate';
import { expectedOf, inputsOf, TORCH_ONNX_CASES, type TorchOnnxCase } from './support/torch-onnx';
import { readFileSync } from 'node:fs';

const SEED = Number(process.env.VANILLA_RNN_FUZZ_SEED ?? 20261123);
const CASES = Math.max(50, Number(process.env.VANILLA_RNN_FUZZ_ONNX_LAYERS ?? 400));
const ModelProto = protobuf.loadSync(schemaPath()).lookupType('onnx.ModelProto');

/* eslint-disable @typescript-eslint/no-explicit-any */
type Plain = any;

const decode = (bytes: Uint8Array): Plain => ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false, bytes: Buffer });
const encode = (model: Plain): Uint8Array => ModelProto.encode(ModelProto.fromObject(model)).finish();

const UNARY = ['Relu', 'Tanh', 'Sigmoid', 'Softsign', 'Softplus', 'Exp', 'Erf', 'Abs', 'Neg', 'Sqrt', 'Reciprocal', 'Identity', 'Not', 'Softmax', 'LogSoftmax', 'Flatten', 'Dropout', 'Shape', 'Cast'];
const BINARY = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'PRelu', 'MatMul', 'Equal', 'Less', 'Greater', 'And', 'Or', 'Gather', 'Expand', 'Reshape'];
const TERNARY = ['Gemm', 'Where', 'LayerNormalization', 'Clip', 'Slice', 'ReduceSum'];
const ATTRIBUTE_VALUES = [
  { type: 2, i: -1 }, { type: 2, i: 0 }, { type: 2, i: 1 }, { type: 2, i: 2 }, { type: 2, i: 3 }, { type: 2, i: 99 }, { type: 2, i: -99 }, { type: 2, i: 2 ** 40 },
  { type: 1, f: NaN }, { type: 1, f: -1 }, { type: 1, f: 0 }, { type: 1, f: 1e30 }, { type: 1, f: 0.5 },
  { type: 7, ints: [] }, { type: 7, ints: [0] }, { type: 7, ints: [-1, 1] }, { type: 7, ints: [1, 1] }, { type: 7, ints: [5, 0, 2] },
  { type: 6, floats: [1, 2] }, { type: 3, s: Buffer.from('tanh') }, { type: 3, s: Buffer.from('\u00ff') }, { type: 8, strings: [Buffer.from('Tanh')] },
];
const ATTRIBUTE_NAMES = ['axis', 'axes', 'keepdims', 'alpha', 'beta', 'transA', 'transB', 'epsilon', 'perm', 'to', 'select_last_index', 'noop_with_empty_axes', 'approximate', 'layout', 'stash_type', 'training_mode', 'allowzero'];

const nodes = (m: Plain): Plain[] => m.graph.node ?? [];
const definedNames = (m: Plain): string[] => [
  ...(m.graph.input ?? []).map((i: Plain) => i.name), ...(m.graph.initializer ?? []).map((t: Plain) => t.name),
  ...nodes(m).flatMap((n: Plain) => n.output ?? []),
];

/** Edits that may break the file: each must be refused cleanly or give a self-consistent model. */
const BREAKING: Record<string, (rng: Rng, m: Plain) => void> = {
  attributeValue(rng, m) {
    const withAttributes = nodes(m).filter((n) => n.attribute?.length);
    const target = pick(rng, withAttributes.length ? withAttributes : nodes(m));
    target.attribute ??= [];
    const attribute = target.attribute.length && chance(rng, 0.8) ? pick(rng, target.attribute) : (target.attribute.push({ name: pick(rng, ATTRIBUTE_NAMES) }), target.attribute.at(-1));
    for (const key of ['i', 'f', 'ints', 'floats', 's', 'strings', 't']) delete attribute[key];
    Object.assign(attribute, pick(rng, ATTRIBUTE_VALUES));
  },
  attributeRemoved(rng, m) {
    const withAttributes = nodes(m).filter((n) => n.attribute?.length);
    if (withAttributes.length) { const n = pick(rng, withAttributes); n.attribute.splice(between(rng, 0, n.attribute.length - 1), 1); }
  },
  operatorSwapped(rng, m) {
    const n = pick(rng, nodes(m));
    const arity = (n.input ?? []).length;
    n.opType = pick(rng, arity <= 1 ? UNARY : arity === 2 ? BINARY : TERNARY);
  },
  initializerReshaped(rng, m) {
    const t = pick(rng, (m.graph.initializer ?? []) as Plain[]);
    if (!t) return;
    const dims: number[] = t.dims ?? [];
    t.dims = pick(rng, [[...dims].reverse(), [1, ...dims], dims.slice(1), dims.map((d: number) => (d > 1 ? d - 1 : d)), [dims.reduce((a: number, b: number) => a * b, 1)]]);
  },
  initializerRetyped(rng, m) {
    const t = pick(rng, (m.graph.initializer ?? []) as Plain[]);
    if (t) t.dataType = pick(rng, [1, 6, 7, 9, 10, 11, 2, 8, 14]);
  },
  inputRewired(rng, m) {
    const n = pick(rng, nodes(m).filter((x) => x.input?.length));
    const names = definedNames(m);
    if (n) n.input[between(rng, 0, n.input.length - 1)] = chance(rng, 0.1) ? '' : pick(rng, names);
  },
  opsetChanged(rng, m) {
    m.opsetImport = [{ domain: '', version: pick(rng, [1, 7, 9, 10, 11, 12, 13, 15, 16, 17, 18, 20, 99]) }];
  },
  graphInputRetyped(rng, m) {
    const input = pick(rng, (m.graph.input ?? []) as Plain[]);
    if (!input?.type?.tensorType) return;
    if (chance(rng, 0.5)) input.type.tensorType.elemType = pick(rng, [1, 6, 7, 9, 11, 10, 8]);
    else input.type.tensorType.shape = { dim: Array.from({ length: between(rng, 0, 4) }, () => (chance(rng, 0.5) ? { dimValue: between(rng, 0, 5) } : { dimParam: 'n' })) };
  },
};

let fresh = 0;
/** Edits that keep the meaning: the model must give PyTorch's outputs. */
const NEUTRAL: Record<string, (rng: Rng, m: Plain) => void> = {
  renamed(_, m) {
    const names = new Map(definedNames(m).filter((name) => !(m.graph.input ?? []).some((i: Plain) => i.name === name) && !(m.graph.output ?? []).some((o: Plain) => o.name === name))
      .map((name) => [name, `v${fresh++}`]));
    for (const t of m.graph.initializer ?? []) t.name = names.get(t.name) ?? t.name;
    for (const n of nodes(m)) {
      n.input = (n.input ?? []).map((name: string) => names.get(name) ?? name);
      n.output = (n.output ?? []).map((name: string) => names.get(name) ?? name);
      n.name = `node ${fresh++}`;
    }
  },
  identityInserted(rng, m) {
    const at = between(rng, 0, nodes(m).length - 1);
    const n = nodes(m)[at];
    const [output] = n.output;
    const hidden = `hidden${fresh++}`;
    n.output[0] = hidden;
    const opset = m.opsetImport[0].version;
    const op = chance(rng, 0.5) ? { opType: 'Identity' } : { opType: 'Dropout', ...(opset < 12 && { attribute: [{ name: 'ratio', type: 1, f: 0.3 }] }) };
    nodes(m).splice(at + 1, 0, { ...op, input: [hidden], output: [output] });
  },
  typedFields(_, m) {
    for (const t of m.graph.initializer ?? []) {
      if (t.dataType !== 1 || !t.rawData) continue;
      const raw: Buffer = t.rawData;
      t.floatData = Array.from(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
      delete t.rawData;
    }
  },
  opsetAlike(rng, m) {
    const version = m.opsetImport[0].version;
    // 14..17 differ only in types and in LayerNormalization's arrival (17); 11 and 12 mean the same for these graphs.
    if (version >= 14 && version <= 16) m.opsetImport[0].version = pick(rng, [14, 15, 16]);
    if (version === 11) m.opsetImport[0].version = 12;
  },
};

function sameOutputs(a: Record<string, Tensor>, b: Record<string, Tensor>): string | null {
  for (const [name, t] of Object.entries(a)) {
    const other = b[name];
    if (!other || other.shape.join() !== t.shape.join()) return `${name}: shape [${t.shape}] against [${other?.shape}]`;
    const bad = t.data.findIndex((v, i) => !isClose(v, other.data[i]));
    if (bad >= 0) return `${name}[${bad}]: ${t.data[bad]} against ${other.data[bad]}`;
  }
  return null;
}

function wellFormed(outputs: Record<string, Tensor>): string | null {
  for (const [name, t] of Object.entries(outputs)) {
    if (!(t.data instanceof Float32Array) || t.data.length !== t.shape.reduce((x, y) => x * y, 1)) return `${name}: ${t.data.length} values for shape [${t.shape}]`;
  }
  return null;
}

/** The whole batch against the model run on two parts of it along its stated batch axes. */
async function checkParts(model: Model, feeds: Record<string, Tensor>, whole: Record<string, Tensor>): Promise<string | null> {
  const axes = model.batchAxes!;
  const sequences = feeds[model.inputNames[0]].shape[axes.inputs[model.inputNames[0]]];
  if (sequences < 2) return null;
  const part = (start: number, count: number) => Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, sliceAlong(t, axes.inputs[name], start, count)]));
  const [first, rest] = [await model.run(part(0, 1)), await model.run(part(1, sequences - 1))];
  const joined = Object.fromEntries(Object.keys(whole).map((name) => [name, concatAlong([first[name], rest[name]], axes.outputs[name], name)]));
  return sameOutputs(whole, joined);
}

/** Every copy of `m` with one node's axis-like attribute, or one small integer Constant, set to each value in -4..3. */
function* axisSweep(m: Plain): Generator<{ model: Plain; edit: string }> {
  const copy = () => decode(encode(m));
  for (const [k, n] of nodes(m).entries()) {
    if (n.opType === 'Constant') {
      const t = n.attribute?.[0]?.t;
      if (!t || t.dataType !== 7 || !t.rawData || t.rawData.length > 16) continue;
      const count = t.rawData.length / 8;
      for (let at = 0; at < count; at++) {
        for (let v = -4; v <= 3; v++) {
          const model = copy();
          const raw = Buffer.from(model.graph.node[k].attribute[0].t.rawData);
          raw.writeBigInt64LE(BigInt(v), at * 8);
          model.graph.node[k].attribute[0].t.rawData = raw;
          yield { model, edit: `node ${k} (Constant) element ${at} = ${v}` };
        }
      }
      continue;
    }
    for (const [a, attribute] of (n.attribute ?? []).entries()) {
      if (!['axis', 'axes', 'keepdims'].includes(attribute.name)) continue;
      for (let v = attribute.name === 'keepdims' ? 0 : -4; v <= (attribute.name === 'keepdims' ? 1 : 3); v++) {
        const model = copy();
        const edited = model.graph.node[k].attribute[a];
        if (attribute.name === 'axes') edited.ints = [v];
        else edited.i = v;
        yield { model, edit: `node ${k} (${n.opType}) ${attribute.name} = ${v}` };
      }
    }
  }
}

describe('fuzz: torch.onnx.export models around nn.RNN, edited and mutated', () => {
  it('every axis-like attribute and small integer Constant set to every axis: a stated split never changes the numbers', async () => {
    const tally = new FuzzTally();
    let split = 0;
    for (const c of TORCH_ONNX_CASES.filter((x) => x.opset === 11 || x.opset === 17)) {
      const feeds = inputsOf(c.model);
      for (const { model: edited, edit } of axisSweep(decode(new Uint8Array(readFileSync(c.path))))) {
        const what = () => `${c.file} with ${edit}`;
        const model = await tally.attemptAsync('loadModel', what, () => loadModel(encode(edited))) as Model | undefined;
        const whole = model && tally.attempt('runSync', what, () => model.runSync(feeds));
        if (!model?.batchAxes || !whole) continue;
        split++;
        const parts = await tally.attemptAsync('run in parts', what, () => checkParts(model, feeds, whole));
        if (parts === undefined) tally.violation('run in parts', what(), 'the whole batch ran but a part of it did not');
        else if (parts) tally.violation('run in parts', what(), `the parts along batch axes ${show(model.batchAxes)} differ from the whole: ${parts}`);
      }
    }
    console.log(`${tally.summary()}\n  ${split} runs checked in parts`);
    expect(tally.violations).toEqual([]);
    expect(split).toBeGreaterThan(100);
  }, 600_000);

  it(`${CASES} cases load and run correctly or are refused with a clear error`, async () => {
    const tally = new FuzzTally();
    const rng = mulberry32(SEED + 41);
    const originals = new Map<string, Uint8Array>();
    const bytesOf = (c: TorchOnnxCase) => originals.get(c.file) ?? originals.set(c.file, new Uint8Array(readFileSync(c.path))).get(c.file)!;
    let neutralRuns = 0;
    let split = 0;
    for (let i = 0; i < CASES; i++) {
      const c = pick(rng, TORCH_ONNX_CASES);
      const neutral = chance(rng, 0.25);
      const edits: string[] = [];
      const bytes = tally.build(() => {
        if (!neutral && chance(rng, 0.2)) {
          const mutated = mutateBytes(rng, bytesOf(c));
          edits.push(...mutated.applied);
          return mutated.bytes;
        }
        const model = decode(bytesOf(c));
        const table = neutral ? NEUTRAL : BREAKING;
        for (let k = between(rng, 1, neutral ? 3 : 2); k > 0; k--) {
          const name = pick(rng, Object.keys(table));
          table[name](rng, model);
          edits.push(name);
        }
        return encode(model);
      });
      if (!bytes) continue;
      const what = () => `${c.file} after ${edits.join(', ')}`;
      const model = await tally.attemptAsync('loadModel', what, () => loadModel(bytes)) as Model | undefined;
      if (neutral && !model) tally.violation('loadModel', what(), 'a file edited without changing its meaning was refused');
      if (!model) continue;
      const feeds = inputsOf(c.model);
      const sync = tally.attempt('runSync', what, () => model.runSync(feeds));
      const async = await tally.attemptAsync('run', what, () => model.run(feeds));
      if (!sync !== !async) tally.violation('run', what(), `runSync ${sync ? 'worked' : 'threw'} but run ${async ? 'worked' : 'threw'}`);
      if (!sync || !async) {
        if (neutral) tally.violation('run', what(), 'a file edited without changing its meaning failed to run');
        continue;
      }
      const problem = wellFormed(sync) ?? sameOutputs(sync, async);
      if (problem) tally.violation('run', what(), `runSync against run: ${problem}`);
      if (neutral) {
        neutralRuns++;
        const wrong = sameOutputs(expectedOf(c.model), sync);
        if (wrong) tally.violation('run', what(), `a file edited without changing its meaning gives other numbers than PyTorch: ${wrong}`);
      }
      if (model.batchAxes) {
        split++;
        const parts = await tally.attemptAsync('run in parts', what, () => checkParts(model, feeds, sync));
        if (parts === undefined) tally.violation('run in parts', what(), 'the whole batch ran but a part of it did not');
        else if (parts) tally.violation('run in parts', what(), `the parts along batch axes ${show(model.batchAxes)} differ from the whole: ${parts}`);
      }
    }
    console.log(`${tally.summary()}\n  ${neutralRuns} meaning-keeping edits checked against PyTorch, ${split} runs checked in parts`);
    expect(tally.violations).toEqual([]);
    expect([...tally.foreign.keys()]).toEqual([]);
    expect(neutralRuns).toBeGreaterThan(CASES / 10);
  }, 600_000);
});
