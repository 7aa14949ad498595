// PyTorch state_dicts in safetensors through loadModel: the torch_* fixtures, configuration from
// options and __metadata__, h0 and lengths feeds, and state_dicts that are not an nn.RNN's.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadModel } from '../../lib/model';
import { RNN } from '../../lib/rnn';
import { decodeSafetensors } from '../../lib/formats/safetensors';
import { expectClose, FIXTURES_DIR, loadJson, tensorOf } from '../support/fixtures';
import { fixtureBytes, safetensorsBytes, splitSafetensors } from './helpers/files';

const TORCH = ['torch_1layer_tanh', 'torch_2layer_bidir_relu_batchfirst', 'torch_3layer_nobias'];
const modelPath = (name: string) => path.join(FIXTURES_DIR, 'models', `${name}.safetensors`);

function withMetadata(name: string, metadata: Record<string, string>): Uint8Array {
  const { header, data } = splitSafetensors(fixtureBytes(`${name}.safetensors`));
  return safetensorsBytes({ __metadata__: metadata, ...header }, data);
}

describe('safetensors state_dicts: the torch_* fixtures', () => {
  for (const name of TORCH) {
    it(`${name}: y and hn match PyTorch (run and runSync)`, async () => {
      const json = loadJson(`models/${name}.json`);
      const model = await loadModel(modelPath(name), { nonlinearity: json.config.nonlinearity, batchFirst: json.config.batchFirst });
      expect(model.format).toBe('safetensors');
      expect(model.inputNames).toEqual(['x', 'h0', 'lengths']);
      expect(model.optionalInputNames).toEqual(['h0', 'lengths']);
      expect(model.outputNames).toEqual(['y', 'hn']);
      const { inputSize, hiddenSize, numLayers, bias, bidirectional } = json.config;
      expect(model.config).toMatchObject({ inputSize, hiddenSize, numLayers, bias, bidirectional, nonlinearity: json.config.nonlinearity });
      for (const outputs of [model.runSync({ x: tensorOf(json.inputs.x) }), await model.run({ x: tensorOf(json.inputs.x) })]) {
        expect(outputs.y.shape).toEqual(json.outputs.y.shape);
        expect(outputs.hn.shape).toEqual(json.outputs.hn.shape);
        expectClose(outputs.y.data, tensorOf(json.outputs.y).data, `${name} y`);
        expectClose(outputs.hn.data, tensorOf(json.outputs.hn).data, `${name} hn`);
      }
    });
  }

  it('counts parameters and declares shapes with symbolic batch and sequence dimensions', async () => {
    const model = await loadModel(modelPath('torch_2layer_bidir_relu_batchfirst'), { batchFirst: true });
    const tensors = decodeSafetensors(fixtureBytes('torch_2layer_bidir_relu_batchfirst.safetensors')).tensors;
    expect(model.numParameters).toBe([...tensors.values()].reduce((n, t) => n + t.data.length, 0));
    expect(model.numParameters).toBe(396);
    expect(model.inputShapes).toEqual({ x: ['batch', 'seq', 5], h0: [4, 'batch', 6], lengths: ['batch'] });
    expect(model.outputShapes).toEqual({ y: ['batch', 'seq', 12], hn: [4, 'batch', 6] });
  });
});

describe('safetensors state_dicts: nonlinearity and batchFirst', () => {
  const name = 'torch_2layer_bidir_relu_batchfirst';

  it('come from __metadata__ when the options do not give them', async () => {
    const json = loadJson(`models/${name}.json`);
    const model = await loadModel(withMetadata(name, { nonlinearity: 'relu', batch_first: 'True', format: 'pt' }));
    expect(model.config).toMatchObject({ nonlinearity: 'relu', batchFirst: true, sources: { nonlinearity: 'metadata', batchFirst: 'metadata' } });
    const { y } = model.runSync({ x: tensorOf(json.inputs.x) });
    expectClose(y.data, tensorOf(json.outputs.y).data, 'y');
  });

  it('the options win over __metadata__, which wins over the defaults (tanh, time-major)', async () => {
    const overridden = await loadModel(withMetadata(name, { nonlinearity: 'relu', batchFirst: 'false' }), { nonlinearity: 'tanh' });
    expect(overridden.config).toMatchObject({ nonlinearity: 'tanh', batchFirst: false, sources: { nonlinearity: 'options', batchFirst: 'metadata' } });
    const defaults = await loadModel(modelPath(name));
    expect(defaults.config).toMatchObject({ nonlinearity: 'tanh', batchFirst: false, sources: { nonlinearity: 'default', batchFirst: 'default' } });
    expect(defaults.inputShapes.x).toEqual(['seq', 'batch', 5]);
  });

  it('refuses metadata values it cannot read', async () => {
    await expect(loadModel(withMetadata(name, { nonlinearity: 'gelu' }))).rejects.toThrow(/__metadata__ nonlinearity must be "tanh" or "relu", got "gelu"/);
    await expect(loadModel(withMetadata(name, { batch_first: 'yes' }))).rejects.toThrow(/__metadata__ batch_first must be "true" or "false", got "yes"/);
    await expect(loadModel(modelPath(name), { nonlinearity: 'gelu' as never })).rejects.toThrow(/nonlinearity: expected one of 'tanh', 'relu', got 'gelu'/);
  });
});

describe('safetensors state_dicts: feeds', () => {
  const name = 'torch_1layer_tanh';

  it('h0 and lengths reach the RNN (compared with the RNN class on the same weights)', async () => {
    const json = loadJson(`models/${name}.json`);
    const model = await loadModel(modelPath(name));
    const rnn = new RNN({ inputSize: 4, hiddenSize: 8 });
    rnn.loadStateDict(Object.fromEntries(decodeSafetensors(fixtureBytes(`${name}.safetensors`)).tensors));
    const x = tensorOf(json.inputs.x);
    const h0 = { data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), shape: [1, 3, 8] };
    const want = rnn.forward(x, { h0, lengths: [6, 2, 4] });
    const got = await model.run({ x, h0, lengths: [6, 2, 4] });
    expect(Array.from(got.y.data)).toEqual(Array.from(want.output.data));
    expect(Array.from(got.hn.data)).toEqual(Array.from(want.hn.data));
    const viaTensor = model.runSync({ x, h0, lengths: { data: Float32Array.of(6, 2, 4), shape: [3] } });
    expect(Array.from(viaTensor.hn.data)).toEqual(Array.from(want.hn.data));
    expect(Array.from(got.y.data.subarray(3 * 8 + 16, 3 * 8 + 24))).not.toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(got.y.data.subarray(2 * 24 + 8, 2 * 24 + 16))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]); // t=2, b=1: past its length
  });

  it('unknown and missing feeds, and wrong shapes, name the expected inputs', async () => {
    const model = await loadModel(modelPath(name));
    const x = { data: new Float32Array(6 * 3 * 4), shape: [6, 3, 4] };
    expect(() => model.runSync({ x, c0: x })).toThrow(/feeds: unknown input 'c0'; this model's inputs are x, h0 \(optional\), lengths \(optional\)/);
    expect(() => model.runSync({ h0: null })).toThrow(/feeds: missing input 'x'; this model's inputs are x, h0 \(optional\), lengths \(optional\)/);
    expect(() => model.runSync({ x: { data: new Float32Array(90), shape: [6, 3, 5] } })).toThrow(/input 'x': expected shape \[seq, batch, 4\], got \[6, 3, 5\]/);
    expect(() => model.runSync({ x, h0: { data: new Float32Array(8), shape: [1, 1, 8] } })).toThrow(/h0: expected shape \[1, 3, 8\], got \[1, 1, 8\]/);
    expect(() => model.runSync({ x, lengths: [6, 7, 1] })).toThrow(/lengths\[1\]: expected an integer in \[1, 6\]/);
    expect(() => model.runSync({ x, lengths: 'long' as never })).toThrow(/input 'lengths': expected an array of integers or a \[batch\] tensor, got string/);
    expect(() => model.runSync(null as never)).toThrow(/feeds: expected an object of input name -> tensor/);
    await expect(model.run({ x: 3 as never })).rejects.toThrow(TypeError);
  });

  it('an unbatched [seq, input] x runs as in PyTorch', async () => {
    const model = await loadModel(modelPath(name));
    const out = model.runSync({ x: { data: new Float32Array(8), shape: [2, 4] } });
    expect(out.y.shape).toEqual([2, 8]);
    expect(out.hn.shape).toEqual([1, 8]);
  });
});

describe('safetensors state_dicts that are not a plain nn.RNN', () => {
  const rebuilt = (name: string, edit: (tensors: Record<string, any>) => void) => {
    const { header, data } = splitSafetensors(fixtureBytes(`${name}.safetensors`));
    edit(header);
    return safetensorsBytes(header, data);
  };

  it('a module prefix ("encoder.rnn.") is removed', async () => {
    const bytes = rebuilt('torch_1layer_tanh', (h) => {
      for (const key of Object.keys(h)) { h[`encoder.rnn.${key}`] = h[key]; delete h[key]; }
    });
    const json = loadJson('models/torch_1layer_tanh.json');
    const { y } = (await loadModel(bytes)).runSync({ x: tensorOf(json.inputs.x) });
    expectClose(y.data, tensorOf(json.outputs.y).data, 'y');
  });

  it('missing, unexpected and misshapen tensors are named before anything is allocated', async () => {
    const spy = vi.spyOn(RNN.prototype, 'loadStateDict');
    await expect(loadModel(rebuilt('torch_1layer_tanh', (h) => { h.extra = h.bias_hh_l0; delete h.bias_hh_l0; }), { format: 'safetensors' }))
      .rejects.toThrow(/not a complete nn.RNN state_dict: missing key\(s\): bias_hh_l0; unexpected key\(s\): extra/);
    await expect(loadModel(rebuilt('torch_3layer_nobias', (h) => { h.weight_hh_l1.shape = [20, 5]; })))
      .rejects.toThrow(/weight_hh_l1 has shape \[20, 5\], expected \[10, 10\]/);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('GRU and LSTM state_dicts and unrelated tensors are refused with the reason', async () => {
    const gru = safetensorsBytes({
      weight_ih_l0: { dtype: 'F32', shape: [6, 1], data_offsets: [0, 24] },
      weight_hh_l0: { dtype: 'F32', shape: [6, 2], data_offsets: [24, 72] },
    }, new Uint8Array(72));
    await expect(loadModel(gru)).rejects.toThrow(/weight_hh_l0 is \[6, 2\], a GRU state_dict; only nn.RNN is supported/);
    const linear = safetensorsBytes({ 'fc.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }, new Uint8Array(16));
    await expect(loadModel(linear)).rejects.toThrow(/no weight_ih_l0 tensor, so not an nn.RNN state_dict \(tensors: fc.weight\)/);
  });
});
