// PyTorch model files as users have them (test/fixtures/torch-models, made by make_fixtures.py with
// PyTorch itself): torch.save .pt state_dicts and safetensors, of bare nn.RNNs and of whole models
// holding one, through loadModel and RNN.loadStateDict, against what PyTorch computed; the
// warnings owed when the file does not say how the RNN was built; and the files refused.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadModel, type LoadModelOptions } from '../../lib/model';
import { RNN } from '../../lib/rnn';
import { readNpy } from '../../lib/formats/npy';
import { decodeSafetensors } from '../../lib/formats/safetensors';
import { MalformedFileError, UnsupportedError } from '../../lib/errors';
import { expectClose, FIXTURES_DIR } from '../support/fixtures';
import { fixtureBytes } from './helpers/files';

const DIR = path.join(FIXTURES_DIR, 'torch-models');
const file = (name: string) => path.join(DIR, name);

interface Case {
  name: string;
  files: string[];
  prefix: string;
  config: { inputSize: number; hiddenSize: number; numLayers: number; nonlinearity: 'tanh' | 'relu'; bias: boolean; batchFirst: boolean; bidirectional: boolean };
  rnnKeys: string[];
  otherKeys: string[] | null;
}

const manifest = JSON.parse(new TextDecoder().decode(fixtureBytes('../torch-models/cases.json'))) as {
  cases: Case[]; refusals: Array<{ file: string; mustName: string[] }>;
};
const byName = (name: string) => manifest.cases.find((c) => c.name === name)!;
/** Files holding more than one nn.RNN, where the prefix must be given. */
const needsPrefix = (c: Case) => c.name.startsWith('two_rnns');

function optionsFor(c: Case, fileName: string): LoadModelOptions {
  const built = fileName.endsWith('.meta.safetensors') ? {} : { nonlinearity: c.config.nonlinearity, batchFirst: c.config.batchFirst };
  return { ...built, ...(needsPrefix(c) && { prefix: c.prefix }) };
}

function expected(c: Case) {
  return { x: readNpy(file(`${c.name}.x.npy`)), y: readNpy(file(`${c.name}.y.npy`)), hn: readNpy(file(`${c.name}.hn.npy`)) };
}

function warningsDuring() {
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  return {
    codes: () => spy.mock.calls.map(([, options]) => (options as { code: string }).code),
    messages: () => spy.mock.calls.map(([message]) => String(message)),
  };
}

afterEach(() => vi.restoreAllMocks());

describe('PyTorch files: each nn.RNN runs as PyTorch ran it', () => {
  for (const c of manifest.cases) {
    for (const name of c.files) {
      it(`${name}${needsPrefix(c) ? ` (prefix '${c.prefix}')` : ''}: y and hn within the fixture tolerance, run and runSync`, async () => {
        const warnings = warningsDuring();
        const model = await loadModel(file(name), optionsFor(c, name));
        expect(model.format).toBe(name.endsWith('.pt') ? 'pytorch' : 'safetensors');
        expect(model.config).toMatchObject({ ...c.config, prefix: c.prefix });
        if (c.otherKeys) expect(model.config.unusedKeys).toEqual(expect.arrayContaining(c.otherKeys));
        if (c.otherKeys) expect((model.config.unusedKeys as string[]).length).toBe(c.otherKeys.length);
        const want = expected(c);
        for (const outputs of [model.runSync({ x: want.x }), await model.run({ x: want.x })]) {
          expect(outputs.y.shape).toEqual(want.y.shape);
          expect(outputs.hn.shape).toEqual(want.hn.shape);
          expectClose(outputs.y.data, want.y.data, `${name} y`);
          expectClose(outputs.hn.data, want.hn.data, `${name} hn`);
        }
        expect(warnings.codes()).not.toContain('VANILLA_RNN_ASSUMED_CONFIG');
      });
    }
  }

  it('a torch.save file under another name (Hugging Face\'s pytorch_model.bin) is told by its bytes', async () => {
    const renamed = path.join(mkdtempSync(path.join(tmpdir(), 'vrnn-pt-')), 'pytorch_model.bin');
    copyFileSync(file('bare_tanh.pt'), renamed);
    const model = await loadModel(renamed, { nonlinearity: 'tanh', batchFirst: false });
    expect(model.format).toBe('pytorch');
    const want = expected(byName('bare_tanh'));
    expectClose(model.runSync({ x: want.x }).y.data, want.y.data, 'pytorch_model.bin y');
    rmSync(path.dirname(renamed), { recursive: true });
  });

  it('config names where the RNN was found and how each setting was settled', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const found = await loadModel(file('nested_model.pt'), { nonlinearity: 'relu', batchFirst: false });
    expect(found.config).toMatchObject({ prefix: 'encoder.rnn.', sources: { prefix: 'detected', nonlinearity: 'options', batchFirst: 'options' } });
    expect(found.config.unusedKeys).toContain('bn.num_batches_tracked');
    const given = await loadModel(file('nested_model.pt'), { nonlinearity: 'relu', batchFirst: false, prefix: 'encoder.rnn.' });
    expect(given.config).toMatchObject({ prefix: 'encoder.rnn.', sources: { prefix: 'option' } });
    const meta = await loadModel(file('nested_model.meta.safetensors'));
    expect(meta.config).toMatchObject({ sources: { nonlinearity: 'metadata', batchFirst: 'metadata' } });
  });
});

describe('PyTorch files: what the file does not say is said', () => {
  const c = byName('bare_relu_batchfirst_bidir');

  for (const name of ['bare_relu_batchfirst_bidir.pt', 'bare_relu_batchfirst_bidir.safetensors']) {
    it(`${name} without options warns that tanh and time-major are assumed, naming the options that settle it`, async () => {
      const warnings = warningsDuring();
      const model = await loadModel(file(name));
      expect(model.config).toMatchObject({ nonlinearity: 'tanh', batchFirst: false, sources: { nonlinearity: 'default', batchFirst: 'default' } });
      expect(warnings.codes()).toEqual(['VANILLA_RNN_ASSUMED_CONFIG']);
      const [message] = warnings.messages();
      expect(message).toContain(`${name}: the file does not say how its nn.RNN was built, so it runs with nonlinearity 'tanh' and batch_first False`);
      expect(message).toContain("Pass loadModel's nonlinearity and batchFirst options (on the command line --nonlinearity tanh|relu, --batch-first or --no-batch-first)");
      expect(message.includes('__metadata__')).toBe(name.endsWith('.safetensors'));
      // The numbers are indeed wrong that way, which is why it is said.
      const want = expected(c);
      const { y } = model.runSync({ x: want.x });
      expect(Array.from(y.data).some((v, i) => Math.abs(v - want.y.data[i]) > 1e-3)).toBe(true);
    });
  }

  it('names only the setting still assumed, and nothing when both are known', async () => {
    const warnings = warningsDuring();
    await loadModel(file('bare_relu_batchfirst_bidir.pt'), { nonlinearity: 'relu' });
    expect(warnings.messages()[0]).toMatch(/runs with batch_first False .* Pass loadModel's batchFirst option \(on the command line --batch-first or --no-batch-first\)/);
    expect(warnings.messages()[0]).not.toContain('nonlinearity');
    await loadModel(file('bare_relu_batchfirst_bidir.pt'), { nonlinearity: 'relu', batchFirst: true });
    await loadModel(file('bare_relu_batchfirst_bidir.meta.safetensors'));
    expect(warnings.codes()).toHaveLength(1);
  });

  it('a warning of type VanillaRnnWarning reaches process "warning" listeners', async () => {
    const seen: Error[] = [];
    const listener = (warning: Error) => seen.push(warning);
    process.on('warning', listener);
    try {
      await loadModel(file('bare_tanh.safetensors'));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(seen.map((w) => [w.name, (w as Error & { code: string }).code])).toEqual([['VanillaRnnWarning', 'VANILLA_RNN_ASSUMED_CONFIG']]);
  });
});

describe('PyTorch files: whole models', () => {
  it('a whole model\'s state_dict runs its one nn.RNN, with a warning naming it and the modules left out', async () => {
    const warnings = warningsDuring();
    const model = await loadModel(file('text_model.pt'), { nonlinearity: 'tanh', batchFirst: true });
    expect(warnings.codes()).toEqual(['VANILLA_RNN_PARTIAL_MODEL']);
    expect(warnings.messages()[0]).toBe(`${file('text_model.pt')}: runs only the nn.RNN under 'rnn.'; the 3 other tensors `
      + "(embed.weight, fc.{weight, bias}) belong to other modules, which are not run. Pass the prefix option (prefix: 'rnn.'; on the command line --prefix rnn.) to say this is intended");
    expect(model.config.unusedKeys).toEqual(['embed.weight', 'fc.weight', 'fc.bias']);
  });

  it('with the prefix given there is no warning; a wrong prefix is refused naming the RNNs there are', async () => {
    const warnings = warningsDuring();
    await loadModel(file('text_model.pt'), { nonlinearity: 'tanh', batchFirst: true, prefix: 'rnn.' });
    expect(warnings.codes()).toEqual([]);
    await expect(loadModel(file('text_model.pt'), { prefix: 'encoder.' })).rejects.toThrow(/text_model.pt: no key starts with the prefix 'encoder.'; nn.RNN parameters are under 'rnn.'/);
    await expect(loadModel(file('text_model.pt'), { prefix: 'fc.' })).rejects.toThrow(/text_model.pt: no weight_ih_l0 tensor under 'fc.', so not an nn.RNN state_dict \(tensors: rnn.\{weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0\}, embed.weight, fc.\{weight, bias\}\)/);
    const named = await loadModel(file('text_model.pt'), { nonlinearity: 'tanh', batchFirst: true, prefix: 'rnn' });
    expect(named.config).toMatchObject({ prefix: 'rnn.', sources: { prefix: 'option' } });
    await expect(loadModel(file('text_model.pt'), { prefix: 3 as never })).rejects.toThrow(/prefix: expected a module path such as 'rnn.', got number/);
    await expect(loadModel(file('../models/torch_1layer_tanh.onnx'), { prefix: 'rnn.' })).rejects.toThrow(/the prefix option applies to PyTorch state_dicts/);
  });

  for (const name of ['two_rnns.pt', 'two_rnns.safetensors']) {
    it(`${name}: two nn.RNNs without a prefix are refused, naming both and the option`, async () => {
      // In the file's order: torch.save keeps the module order, safetensors sorts the names.
      const [first, second] = name.endsWith('.pt') ? ['encoder.rnn.', 'decoder.rnn.'] : ['decoder.rnn.', 'encoder.rnn.'];
      await expect(loadModel(file(name))).rejects.toThrow(`${name}: holds 2 nn.RNN parameter sets, under '${first}', '${second}'; `
        + `choose one with the prefix option (prefix: '${first}'; on the command line --prefix ${first})`);
    });
  }

  it('the key list of a refusal puts the RNN\'s keys first, so they are never cut off', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const many: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }> = {};
    const names = [...Array.from({ length: 40 }, (_, i) => `layer${i}.weight`), 'zz.rnn.weight_ih_l0'];
    names.forEach((n, i) => { many[n] = { dtype: 'F32', shape: [1], data_offsets: [4 * i, 4 * i + 4] }; });
    const json = new TextEncoder().encode(JSON.stringify(many));
    const bytes = new Uint8Array(8 + json.length + 4 * names.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    await expect(loadModel(bytes)).rejects.toThrow('<bytes>: zz.rnn.weight_ih_l0 must be a non-empty [hidden_size, input_size] matrix, got [1]');
    await expect(loadModel(bytes, { prefix: 'layer0.' })).rejects.toThrow(/\(tensors: zz.rnn.weight_ih_l0, layer0.weight, layer1.weight, .*, and keys of 29 more modules\)/);
  });

  it('a state_dict of 50,000 keys in one module is described in one short line, at once', () => {
    const dict = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`big.w${i}`, { data: new Float32Array(1), shape: [1] }]));
    const rnn = new RNN({ inputSize: 1, hiddenSize: 1, seed: 1 });
    expect(() => rnn.loadStateDict(dict)).toThrow(/^loadStateDict: missing key\(s\): weight_ih_l0, .*; unexpected key\(s\): big\.\{w0, w1, w2, w3, w4, w5, w6, w7, and 49992 more\}$/);
  });

  it('a dict of a thousand RNNs is refused naming a few of them', () => {
    const rnn = new RNN({ inputSize: 1, hiddenSize: 1, seed: 1 });
    const dict = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`m${i}.weight_ih_l0`, { data: new Float32Array(1), shape: [1, 1] }]));
    expect(() => rnn.loadStateDict(dict)).toThrow(/^loadStateDict: holds 1000 nn.RNN parameter sets, under 'm0.', 'm1.', .*'m11.', and 988 more; choose one/);
  });

  it('RNN.loadStateDict takes a whole model\'s dict: the prefix given, or the one RNN found (with the warning)', () => {
    const c = byName('text_model');
    const dict = Object.fromEntries(decodeSafetensors(fixtureBytes('../torch-models/text_model.safetensors')).tensors);
    const want = expected(c);
    const given = new RNN({ ...c.config, seed: 1 });
    const warnings = warningsDuring();
    expect(given.loadStateDict(dict, { prefix: 'rnn.' })).toEqual({ prefix: 'rnn.', unusedKeys: ['embed.weight', 'fc.bias', 'fc.weight'] });
    expect(warnings.codes()).toEqual([]);
    expectClose(given.forward(want.x).output.data, want.y.data, 'prefix given');
    const found = new RNN({ ...c.config, seed: 2 });
    expect(found.loadStateDict(dict).prefix).toBe('rnn.');
    expect(warnings.codes()).toEqual(['VANILLA_RNN_PARTIAL_MODEL']);
    expect(warnings.messages()[0]).toMatch(/^loadStateDict: runs only the nn.RNN under 'rnn.'; the 3 other tensors \(embed.weight, fc.\{bias, weight\}\)/);
    expectClose(found.forward(want.x).output.data, want.y.data, 'prefix found');
    expect(() => found.loadStateDict(dict, { prefix: 'fc.' })).toThrow('loadStateDict: missing key(s): fc.weight_ih_l0, fc.weight_hh_l0, fc.bias_ih_l0, fc.bias_hh_l0; unexpected key(s): fc.{bias, weight}');
    expect(() => found.loadStateDict(dict, { prefix: 'nope.' })).toThrow("loadStateDict: no key starts with the prefix 'nope.'; nn.RNN parameters are under 'rnn.'");
    expect(() => found.loadStateDict(dict, { prefx: 'rnn.' } as never)).toThrow("loadStateDict options: unknown option 'prefx'; expected prefix");
    const two = Object.fromEntries(decodeSafetensors(fixtureBytes('../torch-models/two_rnns.safetensors')).tensors);
    expect(() => found.loadStateDict(two)).toThrow(/loadStateDict: holds 2 nn.RNN parameter sets, under 'decoder.rnn.', 'encoder.rnn.'/);
  });

  it('a key named __proto__ stays a key', () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const rnn = new RNN({ inputSize: 1, hiddenSize: 1, seed: 1 });
    const dict = Object.fromEntries([...Object.entries(rnn.stateDict()).map(([k, v]) => [`m.${k}`, v]), ['__proto__', { data: new Float32Array(1), shape: [1] }]]);
    expect(rnn.loadStateDict(dict).unusedKeys).toEqual(['__proto__']);
  });
});

describe('PyTorch files: refused, naming what to do instead', () => {
  for (const { file: name, mustName } of manifest.refusals) {
    it(name, async () => {
      const error = await loadModel(file(name)).then(() => null, (e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error!.message.startsWith(file(name))).toBe(true);
      for (const text of mustName) expect(error!.message).toContain(text);
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as Error & { code: string }).code).toBe('ERR_UNSUPPORTED');
    });
  }

  it('a bare pickle and a zip without data.pkl', async () => {
    const pickle = Uint8Array.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]);
    await expect(loadModel(pickle)).rejects.toThrow(/<bytes>: a bare Python pickle, not a torch.save archive; nothing in it was run/);
    const notPt = path.join(FIXTURES_DIR, 'models', 'torch_1layer_tanh.onnx');
    await expect(loadModel(notPt, { format: 'pytorch' })).rejects.toThrow(MalformedFileError);
  });
});
