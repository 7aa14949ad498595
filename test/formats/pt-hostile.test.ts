// Hostile torch.save files: pickles that would run code, lie about sizes, overflow the stack or the
// memo, nest without end or point past their storages, and seeded mutations of the real fixtures.
// Each is loaded or refused with an Error naming the file; nothing runs and nothing crashes.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MalformedFileError, UnsupportedError } from '../../lib/errors';
import { loadModel } from '../../lib/model';
import { RNN } from '../../lib/rnn';
import { FIXTURES_DIR, mulberry32 } from '../support/fixtures';
import { mutateBytes } from '../support/fuzz-mutate';
import { floatBytes, Pickle, stateDictPickle, tensorOps, torchArchive, type TensorSpec } from './helpers/torch-archive';
import { zipArchive } from './helpers/zip-archive';

afterEach(() => vi.restoreAllMocks());
const quiet = () => vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
const BUILT = { nonlinearity: 'tanh', batchFirst: false } as const;

/** An nn.RNN(2, 3) state_dict: every parameter a view of one storage '0'. */
function rnnTensors(): { specs: TensorSpec[]; values: number[] } {
  const shapes: Array<[string, number[]]> = [['weight_ih_l0', [3, 2]], ['weight_hh_l0', [3, 3]], ['bias_ih_l0', [3]], ['bias_hh_l0', [3]]];
  const numel = 6 + 9 + 3 + 3;
  let offset = 0;
  const specs = shapes.map(([name, size]) => {
    const spec = { name, key: '0', numel, offset, size };
    offset += size.reduce((a, b) => a * b, 1);
    return spec;
  });
  return { specs, values: Array.from({ length: numel }, (_, i) => Math.sin(i) / 2) };
}

async function validArchive(): Promise<Uint8Array> {
  const { specs, values } = rnnTensors();
  return torchArchive(stateDictPickle(specs), { 0: floatBytes(values) });
}

/** The pickle `build` makes, ended by STOP, in an archive with the RNN's storage. */
async function archiveOf(build: (p: Pickle) => Pickle): Promise<Uint8Array> {
  return torchArchive(build(new Pickle().proto()).stop().bytes(), { 0: floatBytes(rnnTensors().values) });
}

async function refusal(bytes: Uint8Array): Promise<Error> {
  quiet();
  const outcome = await loadModel(bytes, BUILT).then(() => null, (e: Error) => e);
  expect(outcome, 'the file was loaded').toBeInstanceOf(Error);
  expect(outcome!.message.startsWith('<bytes>: ')).toBe(true);
  return outcome!;
}

describe('hand-built torch.save files', () => {
  it('the builder\'s own state_dict loads and runs as the same weights in an RNN (so the refusals below are the edits\')', async () => {
    quiet();
    const model = await loadModel(await validArchive(), BUILT);
    const { specs, values } = rnnTensors();
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, seed: 1 });
    rnn.loadStateDict(Object.fromEntries(specs.map((s) => [s.name, { data: Float32Array.from(values.slice(s.offset, s.offset! + s.size.reduce((a, b) => a * b, 1))), shape: s.size }])));
    const x = { data: Float32Array.from({ length: 8 }, (_, i) => i / 8), shape: [4, 1, 2] };
    expect(Array.from(model.runSync({ x }).y.data)).toEqual(Array.from(rnn.forward(x).output.data));
  });

  it('a big-endian archive (byteorder "big") reads the same numbers', async () => {
    quiet();
    const { specs, values } = rnnTensors();
    const big = new Uint8Array(values.length * 4);
    values.forEach((v, i) => new DataView(big.buffer).setFloat32(i * 4, v, false));
    const patched = await zipArchive([
      { name: 'archive/data.pkl', data: stateDictPickle(specs), compress: false },
      { name: 'archive/byteorder', data: new TextEncoder().encode('big'), compress: false },
      { name: 'archive/data/0', data: big, compress: false },
    ]);
    const x = { data: new Float32Array(8).fill(0.25), shape: [4, 1, 2] };
    const want = (await loadModel(await validArchive(), BUILT)).runSync({ x }).y.data;
    expect(Array.from((await loadModel(patched, BUILT)).runSync({ x }).y.data)).toEqual(Array.from(want));
  });

  const cases: Array<[string, () => Promise<Uint8Array>, RegExp, unknown]> = [
    ['os.system through REDUCE', () => archiveOf((p) => p.global('posix', 'system').str(`touch ${path.join(tmpdir(), 'vrnn-pwned')}`).tuple1().reduce()),
      /refuses the pickle global posix\.system: not a tensor, storage or OrderedDict\. As torch\.load\(weights_only=True\) does, only tensors, storages and ordered dicts are read, and nothing in the file was run/, UnsupportedError],
    ['builtins.eval', () => archiveOf((p) => p.global('builtins', 'eval').str('1+1').tuple1().reduce()), /refuses the pickle global builtins\.eval/, UnsupportedError],
    ['a state_dict holding a function beside its tensors', () => torchArchive(new Pickle().proto().emptyDict().str('hook').global('__main__', 'hook').setitem().stop().bytes(), {}),
      /refuses the pickle global __main__\.hook.*torch\.save\(model\.state_dict\(\), path\)/, UnsupportedError],
    ['a complex storage', () => torchArchive(stateDictPickle([{ name: 'w', key: '0', numel: 1, size: [1], storageType: 'ComplexFloatStorage' }]), { 0: new Uint8Array(8) }),
      /refuses the pickle global torch\.ComplexFloatStorage: a storage of a dtype that is not read/, UnsupportedError],
    ['NEWOBJ', () => archiveOf((p) => p.global('collections', 'OrderedDict').emptyTuple().op(0x81)), /pickle opcode NEWOBJ at offset \d+ is not one torch\.load\(weights_only=True\) reads/, UnsupportedError],
    ['protocol 4', () => torchArchive(new Pickle().proto(4).emptyDict().stop().bytes(), {}), /pickle protocol 4; only protocol 2, torch\.save's default, is read/, UnsupportedError],
    ['an unknown opcode byte', () => archiveOf((p) => p.op(0xfe)), /pickle opcode 0xfe at offset 2/, UnsupportedError],
    ['a memo entry read before it is written', () => archiveOf((p) => p.get(7)), /memo entry 7 is read before it is written/, MalformedFileError],
    ['a string longer than the pickle', () => torchArchive(new Pickle().proto().op(0x58, 0xff, 0xff, 0xff, 0xff, 0x41).stop().bytes(), {}), /truncated: 4294967295 bytes needed at offset 7, 2 left/, MalformedFileError],
    ['a pickle without STOP', () => torchArchive(new Pickle().proto().emptyDict().bytes(), {}), /truncated: 1 bytes needed at offset 3, 0 left/, MalformedFileError],
    ['REDUCE on an empty stack', () => archiveOf((p) => p.reduce()), /REDUCE on an empty stack/, MalformedFileError],
    ['SETITEMS without MARK', () => archiveOf((p) => p.emptyDict().setitems()), /SETITEMS without a MARK/, MalformedFileError],
    ['STOP with two values', () => archiveOf((p) => p.emptyDict().emptyDict()), /STOP with 2 values on the stack and 0 open marks/, MalformedFileError],
    ['more values than any state_dict', () => torchArchive(new Pickle().proto().repeat(0x4e, 1_000_001).stop().bytes(), {}), /makes more than 1000000 values/, MalformedFileError],
    ['a million open marks', () => torchArchive(new Pickle().proto().repeat(0x28, 1_000_001).stop().bytes(), {}), /more than 1000000 open marks|makes more than/, MalformedFileError],
    ['a GLOBAL without an end of line', () => torchArchive(new Pickle().proto().op(0x63).repeat(0x61, 300).stop().bytes(), {}), /a GLOBAL name at offset 3 has no end of line within 256 bytes/, MalformedFileError],
    ['a string that is not UTF-8', () => torchArchive(new Pickle().proto().op(0x58, 2, 0, 0, 0, 0xc3, 0x28).stop().bytes(), {}), /a string at offset 7 is not valid UTF-8/, MalformedFileError],
    ['SETITEM on a list', () => archiveOf((p) => p.emptyList().str('k').none().setitem()), /SETITEM on a list; only dicts take items/, UnsupportedError],
    ['BUILD on a tensor', () => archiveOf((p) => tensorOps(p, rnnTensors().specs[0]).emptyDict().build()), /BUILD of a tensor with dict state; only OrderedDicts are built/, UnsupportedError],
    ['a tuple as a dict key', () => archiveOf((p) => p.emptyDict().emptyTuple().none().setitem()), /a dict key of type tuple; only str, int, float, bool and None keys are read/, UnsupportedError],
    ['REDUCE of a storage type', () => archiveOf((p) => p.global('torch', 'FloatStorage').emptyTuple().reduce()), /REDUCE of a storage_type, which is not called/, UnsupportedError],
    ['OrderedDict with items as arguments', () => archiveOf((p) => p.global('collections', 'OrderedDict').mark().emptyList().tuple().reduce()), /OrderedDict called with 1 arguments/, UnsupportedError],
    ['a persistent id that is not a storage', () => archiveOf((p) => p.mark().str('module').str('x').tuple().binpersid()), /a persistent id other than \('storage', type, key, location, numel\)/, UnsupportedError],
    ['a single tensor, not a state_dict', () => archiveOf((p) => tensorOps(p, rnnTensors().specs[0])), /holds a single tensor, not a state_dict \(a dict of name -> tensor\)/, MalformedFileError],
    ['a list at the top', () => archiveOf((p) => p.emptyList()), /holds a list, not a state_dict/, MalformedFileError],
    ['a storage whose record is short', () => torchArchive(stateDictPickle(rnnTensors().specs), { 0: new Uint8Array(8) }), /storage '0' \(FloatStorage of 21\) needs 84 bytes, its record holds 8/, MalformedFileError],
    ['a storage with no record', () => torchArchive(stateDictPickle(rnnTensors().specs), {}), /storage '0' has no record archive\/data\/0/, MalformedFileError],
    ['a view past its storage', () => torchArchive(stateDictPickle([{ name: 'weight_ih_l0', key: '0', numel: 4, offset: 2, size: [2, 2] }]), { 0: new Uint8Array(16) }),
      /tensor 'weight_ih_l0': shape \[2, 2\] with strides \[2, 1\] from offset 2 reaches past its storage's 4 elements/, MalformedFileError],
    ['a negative offset', () => torchArchive(stateDictPickle([{ name: 'w', key: '0', numel: 4, offset: -1, size: [2] }]), { 0: new Uint8Array(16) }),
      /storage_offset: expected a non-negative integer, got int -1/, UnsupportedError],
    ['a size of 2^40', () => torchArchive(stateDictPickle([{ name: 'w', key: '0', numel: 4, size: [2 ** 40], stride: [0] }]), { 0: new Uint8Array(16) }),
      /tensor 'w': shape \[1099511627776\] has more than 2147483647 elements/, MalformedFileError],
    ['sizes and strides of different ranks', () => torchArchive(stateDictPickle([{ name: 'w', key: '0', numel: 4, size: [2, 2], stride: [1] }]), { 0: new Uint8Array(16) }),
      /tensor 'w' has 2 sizes and 1 strides/, MalformedFileError],
    ['a non-contiguous view', () => torchArchive(stateDictPickle([{ name: 'w', key: '0', numel: 4, size: [2, 2], stride: [1, 2] }]), { 0: new Uint8Array(16) }),
      /tensor 'w' is a non-contiguous view \(strides \[1, 2\] for shape \[2, 2\]\)/, UnsupportedError],
    ['one storage named with two types', () => torchArchive(stateDictPickle([{ name: 'a', key: '0', numel: 4, size: [4] }, { name: 'b', key: '0', numel: 2, size: [2], storageType: 'DoubleStorage' }]), { 0: new Uint8Array(16) }),
      /storage '0' is a FloatStorage of 4 and a DoubleStorage of 2/, MalformedFileError],
    ['a thousand views of one storage', () => torchArchive(stateDictPickle(Array.from({ length: 1000 }, (_, i) => ({ name: `w${i}`, key: '0', numel: 64, size: [64] }))), { 0: new Uint8Array(256) }),
      /its tensors view 64000 elements of storages holding 64, more than tied weights explain/, MalformedFileError],
    ['two tensors under one dotted name', () => archiveOf((p) => {
      p.emptyDict().str('a.b');
      tensorOps(p, rnnTensors().specs[2]).setitem().str('a').emptyDict().str('b');
      return tensorOps(p, rnnTensors().specs[3]).setitem().setitem();
    }), /two tensors are named 'a\.b'/, MalformedFileError],
    ['dicts nested 100 deep', () => archiveOf((p) => {
      for (let i = 0; i < 100; i++) p.emptyDict().str('k');
      p.emptyDict();
      for (let i = 0; i < 100; i++) p.setitem();
      return p;
    }), /'k(\.k)+' is nested more than 64 levels deep/, MalformedFileError],
    ['a byteorder that is neither', () => zipArchive([
      { name: 'a/data.pkl', data: stateDictPickle(rnnTensors().specs) }, { name: 'a/byteorder', data: new TextEncoder().encode('middle') }]), /a\/byteorder says 'middle', expected 'little' or 'big'/, MalformedFileError],
    ['two archives in one zip', () => zipArchive([
      { name: 'a/data.pkl', data: stateDictPickle([]) }, { name: 'b/data.pkl', data: stateDictPickle([]) }]), /a zip archive with 2 <name>\/data\.pkl records, so not a torch\.save file/, MalformedFileError],
  ];

  for (const [what, build, message, Coded] of cases) {
    it(`refuses ${what}`, async () => {
      const error = await refusal(await build());
      expect(error.message).toMatch(message);
      expect(error).toBeInstanceOf(Coded as never);
    });
  }

  it('nothing in a refused pickle ran', () => {
    expect(existsSync(path.join(tmpdir(), 'vrnn-pwned'))).toBe(false);
  });

  it('a dict that holds itself ends the walk (and is then no nn.RNN)', async () => {
    const error = await refusal(await archiveOf((p) => p.emptyDict().put(0).str('self').get(0).setitem()));
    expect(error.message).toMatch(/no weight_ih_l0 tensor, so not an nn\.RNN state_dict \(tensors: none\)/);
  });

  it('a memo index of 2^32-1 allocates nothing by its size', async () => {
    quiet();
    const { specs } = rnnTensors();
    const p = new Pickle().proto().global('collections', 'OrderedDict').emptyTuple().reduce().put(0xffffffff).mark();
    for (const t of specs) tensorOps(p.str(t.name), t);
    const bytes = await torchArchive(p.setitems().stop().bytes(), { 0: floatBytes(rnnTensors().values) });
    expect((await loadModel(bytes, BUILT)).format).toBe('pytorch');
  });
});

describe('seeded hostile pickles and mutated fixtures', () => {
  const ENGINE_ERRORS = /Cannot (read|set) propert|is not a function|is not iterable|Invalid typed array length|Array buffer allocation failed|Invalid array length|is out of bounds|Offset is outside the bounds|Maximum call stack/;
  const OPS = [0x28, 0x2e, 0x4b, 0x4d, 0x4a, 0x4e, 0x51, 0x52, 0x58, 0x5d, 0x61, 0x62, 0x63, 0x65, 0x68, 0x71, 0x73, 0x74, 0x75, 0x7d, 0x29, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8f];

  async function check(bytes: Uint8Array, label: string, problems: string[]): Promise<'loaded' | 'refused'> {
    try {
      const model = await loadModel(bytes, { ...BUILT, format: 'pytorch' });
      const width = model.config.inputSize as number;
      model.runSync({ x: { data: new Float32Array(2 * width), shape: [2, 1, width] } });
      return 'loaded';
    } catch (error) {
      const named = error instanceof Error && (error.message.startsWith('<bytes>: ') || error.message.startsWith('input'));
      if (!named) problems.push(`${label}: ${String(error)}`);
      else if (ENGINE_ERRORS.test(error.message)) problems.push(`${label}: engine error ${error.message}`);
      return 'refused';
    }
  }

  it('500 pickles of random opcodes around a real state_dict: loaded or refused, never an engine error', async () => {
    quiet();
    const rng = mulberry32(20261201);
    const { specs, values } = rnnTensors();
    const problems: string[] = [];
    const tally = { loaded: 0, refused: 0 };
    for (let i = 0; i < 500; i++) {
      const valid = stateDictPickle(specs);
      const at = 2 + Math.floor(rng() * (valid.length - 3));
      const noise = Array.from({ length: 1 + Math.floor(rng() * 6) }, () => (rng() < 0.7 ? OPS[Math.floor(rng() * OPS.length)] : Math.floor(rng() * 256)));
      const pickle = Uint8Array.from([...valid.subarray(0, at), ...noise, ...valid.subarray(at + Math.floor(rng() * 3))]);
      tally[await check(await torchArchive(pickle, { 0: floatBytes(values) }), `pickle ${i} (${noise.map((b) => b.toString(16)).join(' ')} at ${at})`, problems)]++;
    }
    expect(problems).toEqual([]);
    expect(tally.refused).toBeGreaterThan(250);
  });

  for (const name of ['bare_relu_batchfirst_bidir.pt', 'nested_model.pt', 'checkpoint.pt']) {
    it(`${name}: 300 byte mutations are loaded or refused cleanly`, async () => {
      quiet();
      const rng = mulberry32(name.length * 104729);
      const original = new Uint8Array(readFileSync(path.join(FIXTURES_DIR, 'torch-models', name)));
      const problems: string[] = [];
      const tally = { loaded: 0, refused: 0 };
      for (let i = 0; i < 300; i++) {
        const { bytes, applied } = mutateBytes(rng, original);
        tally[await check(bytes, `${name} after ${applied.join(', ')}`, problems)]++;
      }
      expect(problems).toEqual([]);
      expect(tally.refused).toBeGreaterThan(75);
    });
  }
});
