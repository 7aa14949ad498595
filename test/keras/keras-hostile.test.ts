// Keras .h5 and .keras files that lie or hold what is not supported: each refused with an error
// naming the file and what is wrong (the layer, the HDF5 object, the zip entry), never run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MalformedFileError, UnsupportedError } from '../../lib/errors';
import { loadModel } from '../../lib/model';
import { expectClose, FIXTURES_DIR, loadJson, tensorOf } from '../support/fixtures';
import { editH5, editKeras, readZip, writeH5, writeZip } from '../support/keras-files';

const DIR = path.join(FIXTURES_DIR, 'keras-models');
const bytesOf = (model: string, file: string) => new Uint8Array(readFileSync(path.join(DIR, model, file)));
const h5 = (model = 'masked_bidirectional_sequence') => bytesOf(model, 'model.h5');
const keras = (model = 'masked_bidirectional_sequence') => bytesOf(model, 'model.keras');
const load = (bytes: Uint8Array, format: 'keras' | 'keras-h5') => loadModel(bytes, { format });

/** The .h5 fixture with its model_config (Keras 2's form, as model.json holds it) edited. */
async function h5Config(edit: (config: any) => void, model = 'masked_bidirectional_sequence'): Promise<Uint8Array> {
  const topology = JSON.parse(readFileSync(path.join(DIR, model, 'model.json'), 'utf8')).modelTopology;
  const config = { class_name: topology.class_name === 'Model' ? 'Functional' : topology.class_name, config: topology.config };
  edit(config);
  return editH5(h5(model), { attributes: { '/': { model_config: JSON.stringify(config) } } });
}

async function kerasConfig(edit: (config: any) => void, model = 'masked_bidirectional_sequence'): Promise<Uint8Array> {
  const entries = await readZip(keras(model));
  const config = JSON.parse(new TextDecoder().decode(entries.get('config.json')!));
  edit(config);
  return editKeras(keras(model), { 'config.json': JSON.stringify(config) });
}

describe('Keras 2 .h5 files that are not what they say', () => {
  it('weights alone, an unknown or missing Keras version, no model_weights', async () => {
    const weightsOnly = await editH5(h5(), { attributes: { '/': { model_config: undefined } } });
    await expect(load(weightsOnly, 'keras-h5')).rejects.toThrow(/^<bytes>: the HDF5 file holds no model_config attribute \(weights saved with save_weights\?\); a model file saved with model.save\(\) is needed/);
    await expect(load(await editH5(h5(), { attributes: { '/': { keras_version: '1.2.2' } } }), 'keras-h5')).rejects.toThrow(/^<bytes>: its keras_version attribute says Keras "1.2.2"; Keras 2 and 3 files are supported/);
    await expect(load(await editH5(h5(), { attributes: { '/': { keras_version: undefined } } }), 'keras-h5')).rejects.toThrow(/^<bytes>: its keras_version attribute does not say which Keras wrote the file/);
    await expect(load(await editH5(h5(), { skip: ['/model_weights'] }), 'keras-h5')).rejects.toThrow(/^<bytes>: the HDF5 file has no model_weights group/);
    const keras3Weights = (await readZip(keras())).get('model.weights.h5')!;
    await expect(load(keras3Weights, 'keras-h5')).rejects.toThrow(/holds Keras 3 weights \(model.weights.h5\) alone/);
  });

  it('weights missing, renamed, miscounted, of another dtype or shape, stored through filters', async () => {
    const layer = '/model_weights/per_step';
    await expect(load(await editH5(h5(), { skip: [layer] }), 'keras-h5')).rejects.toThrow(/layer "per_step" \(TimeDistributed\): the file has no weights group model_weights\/per_step/);
    await expect(load(await editH5(h5(), { attributes: { [layer]: { weight_names: ['per_step/kernel:0'] } } }), 'keras-h5'))
      .rejects.toThrow(/layer "per_step" \(TimeDistributed\): the file lists 1 weights \(per_step\/kernel:0\), the layer takes 2 \(layer\/kernel, layer\/bias\)/);
    await expect(load(await editH5(h5(), { attributes: { [layer]: { weight_names: ['per_step/bias:0', 'per_step/kernel:0'] } } }), 'keras-h5'))
      .rejects.toThrow(/layer "per_step" \(TimeDistributed\): weight 0 is named "per_step\/bias:0", the layer's weight 0 is layer\/kernel/);
    await expect(load(await editH5(h5(), { attributes: { [layer]: { weight_names: 'per_step/kernel:0' } } }), 'keras-h5'))
      .rejects.toThrow(/HDF5 attribute \/model_weights\/per_step@weight_names of layer "per_step" must be a list of strings/);
    const float64 = await editH5(h5(), { datasets: { [`${layer}/per_step/kernel:0`]: (v, shape) => ({ data: Float64Array.from(v), shape, dtype: '<d' }) } });
    await expect(load(float64, 'keras-h5')).rejects.toThrow(/HDF5 dataset '\/model_weights\/per_step\/per_step\/kernel:0' holds 64-bit floats; weights must be little-endian float32/);
    const ints = await editH5(h5(), { datasets: { [`${layer}/per_step/bias:0`]: (v, shape) => ({ data: Int32Array.from(v), shape, dtype: '<i' }) } });
    await expect(load(ints, 'keras-h5')).rejects.toThrow(/holds 32-bit integers; weights must be little-endian float32/);
    const reshaped = await editH5(h5(), { datasets: { [`${layer}/per_step/kernel:0`]: (v) => ({ data: v, shape: [2, 10] }) } });
    await expect(load(reshaped, 'keras-h5')).rejects.toThrow(/layer "per_step" \(TimeDistributed\) wrapping Dense: weight kernel has shape \[2, 10\], the layer needs \[10, 2\]/);
    const gzip = await editH5(h5(), { datasets: { [`${layer}/per_step/kernel:0`]: (v, shape) => ({ data: v, shape, chunks: shape, compression: 'gzip' }) } });
    await expect(load(gzip, 'keras-h5')).rejects.toThrow(/HDF5 dataset '\/model_weights\/per_step\/per_step\/kernel:0' is stored through HDF5 filters \(.*\); only plain storage is read/);
  });

  it('external and dangling links are refused before they are followed', async () => {
    const external = await editH5(h5(), {
      skip: ['/model_weights/per_step/per_step/kernel:0'],
      then: (file) => { (file.get('model_weights/per_step/per_step') as any).create_external_link('/etc/passwd.h5', '/weights', 'kernel:0'); },
    });
    await expect(load(external, 'keras-h5')).rejects.toThrow(/HDF5 object '\/model_weights\/per_step\/per_step\/kernel:0' is an external link to "\/etc\/passwd.h5"; links to other files are not followed/);
    const dangling = await editH5(h5(), {
      skip: ['/model_weights/per_step/per_step/kernel:0'],
      then: (file) => { (file.get('model_weights/per_step/per_step') as any).create_soft_link('/nowhere', 'kernel:0'); },
    });
    await expect(load(dangling, 'keras-h5')).rejects.toThrow(/HDF5 object '\/model_weights\/per_step\/per_step\/kernel:0' is a dangling soft link/);
  });

  it('truncated files and files that only start like HDF5', async () => {
    const bytes = h5();
    await expect(load(bytes.slice(0, bytes.length >> 1), 'keras-h5')).rejects.toThrow(/^<bytes>: not a valid HDF5 file \(truncated file: eof = \d+/);
    await expect(load(bytes.slice(0, 8), 'keras-h5')).rejects.toThrow(/^<bytes>: not a valid HDF5 file/);
    await expect(load(new Uint8Array(100), 'keras-h5')).rejects.toThrow(/^<bytes>: not an HDF5 file \(no HDF5 signature at its start\)/);
  });
});

describe('Keras 3 .keras archives that are not what they say', () => {
  it('no config, a SavedModel, a PyTorch archive, NumPy weights, no metadata, another Keras', async () => {
    await expect(load(await editKeras(keras(), { 'config.json': undefined }), 'keras')).rejects.toThrow(/^<bytes>: not a Keras .keras archive: it has no config.json \(entries: /);
    await expect(load(await writeZip(new Map([['saved_model.pb', 'x'], ['variables/variables.index', 'y']])), 'keras')).rejects.toThrow(/holds a TensorFlow SavedModel, not a Keras model/);
    await expect(load(await writeZip(new Map([['archive/data.pkl', 'x'], ['archive/version', '3']])), 'keras')).rejects.toThrow(/is a PyTorch torch.save file, not a Keras model/);
    await expect(load(await editKeras(keras(), { 'model.weights.h5': undefined, 'model.weights.npz': 'x' }), 'keras')).rejects.toThrow(/has model.weights.npz \(weights as NumPy arrays\), which is not read; expected model.weights.h5/);
    await expect(load(await editKeras(keras(), { 'metadata.json': undefined }), 'keras')).rejects.toThrow(/the archive has no metadata.json and so does not say which Keras wrote the file/);
    await expect(load(await editKeras(keras(), { 'metadata.json': '{"keras_version": "4.0.0"}' }), 'keras')).rejects.toThrow(/metadata.json says Keras "4.0.0"/);
    await expect(load(await editKeras(keras(), { 'config.json': '{"class_name": ' }), 'keras')).rejects.toThrow(/^<bytes>: config.json is not valid JSON/);
    await expect(load(await editKeras(keras(), { 'config.json': `${'['.repeat(65)}${']'.repeat(65)}` }), 'keras')).rejects.toThrow(/config.json nests brackets deeper than the limit of 64 levels/);
  });

  it('a .keras from Keras 2.13+ runs with Keras 2 semantics', async () => {
    const model = await load(await editKeras(keras('hard_sigmoid_activation'), { 'metadata.json': '{"keras_version": "2.15.0"}' }), 'keras');
    const expected = loadJson('keras-models/hard_sigmoid_activation/expected.json');
    const out = model.runSync({ x: tensorOf(expected.inputs.x) });
    expect(model.config).toMatchObject({ keras: 'keras2', kerasVersion: '2.15.0' });
    expectClose(out.gate.data, tensorOf(expected.outputs.keras2.gate).data, 'gate');
  });

  it('weights missing or miscounted in model.weights.h5', async () => {
    const weights = (await readZip(keras())).get('model.weights.h5')!;
    const without = await editH5(weights, { skip: ['/layers/time_distributed'] });
    await expect(load(await editKeras(keras(), { 'model.weights.h5': without }), 'keras')).rejects.toThrow(/^<bytes>: model.weights.h5: layer "per_step" \(TimeDistributed\): model.weights.h5 has no group layers\/time_distributed\/layer\/vars/);
    const extra = await editH5(weights, { then: (file) => { (file.get('layers/bidirectional/forward_layer/cell/vars') as any).create_dataset({ name: '3', data: new Float32Array(5), shape: [5] }); } });
    await expect(load(await editKeras(keras(), { 'model.weights.h5': extra }), 'keras')).rejects.toThrow(/layers\/bidirectional\/forward_layer\/cell\/vars holds 4 weights \(0, 1, 2, 3\), the layer takes 3/);
  });
});

describe('Keras configs the package does not run', () => {
  it('unknown classes, custom objects, nested models, stateful RNNs, other wrapped RNNs, bad merge modes', async () => {
    await expect(load(await kerasConfig((c) => { c.config.layers[1].class_name = 'LSTM'; }), 'keras')).rejects.toThrow(/^<bytes>: unsupported layer class LSTM \(layer "masking"\); supported: InputLayer, Dense,/);
    await expect(load(await kerasConfig((c) => { c.config.layers[1].module = 'my_package.layers'; }), 'keras')).rejects.toThrow(/layer "masking" \(Masking\) is a custom object from module "my_package.layers"; only Keras' own layers are supported/);
    await expect(load(await kerasConfig((c) => { c.config.layers[1].class_name = 'Sequential'; }), 'keras')).rejects.toThrow(/layer "masking" is a nested Sequential model; nested models are not supported/);
    await expect(load(await kerasConfig((c) => { c.config.layers[2].config.layer.config.stateful = true; }), 'keras')).rejects.toThrow(/layer "bidirectional" \(Bidirectional\): stateful RNNs are not supported/);
    await expect(load(await kerasConfig((c) => { c.config.layers[2].config.layer.class_name = 'GRU'; }), 'keras')).rejects.toThrow(/layer "bidirectional" \(Bidirectional\): wraps a GRU; only SimpleRNN is supported in Bidirectional/);
    await expect(load(await kerasConfig((c) => { c.config.layers[2].config.merge_mode = 'max'; }), 'keras')).rejects.toThrow(/config.merge_mode "max" is not one of concat, sum, mul, ave, null/);
    await expect(load(await kerasConfig((c) => { c.config.layers[2].config.layer.config.activation = 'gelu'; }), 'keras')).rejects.toThrow(/activation "gelu" is not supported inside a SimpleRNN/);
    await expect(load(await kerasConfig((c) => { c.config.layers[2].config.dtype = { class_name: 'DTypePolicy', config: { name: 'mixed_float16' } }; }), 'keras')).rejects.toThrow(/layer "bidirectional" \(Bidirectional\): dtype "mixed_float16" is not supported; layers compute in float32/);
    await expect(load(await kerasConfig((c) => { c.config.layers[1].config.mask_value = 'zero'; }), 'keras')).rejects.toThrow(/layer "masking" \(Masking\): config.mask_value must be a finite number, got string/);
  });

  it('graphs with cycles, dangling references and inputs that are not InputLayers', async () => {
    await expect(load(await kerasConfig((c) => { c.config.layers[1].inbound_nodes[0].args[0].config.keras_history = ['per_step', 0, 0]; }), 'keras')).rejects.toThrow(/the layers form a cycle \(through layer "/);
    await expect(load(await kerasConfig((c) => { c.config.layers[1].inbound_nodes[0].args[0].config.keras_history = ['ghost', 0, 0]; }), 'keras')).rejects.toThrow(/a tensor is taken from layer "ghost", which the model does not have/);
    await expect(load(await kerasConfig((c) => { c.config.output_layers = ['per_step', 3, 0]; }), 'keras')).rejects.toThrow(/a tensor is taken from call 3 of layer "per_step", which is called 1 time\(s\)/);
    await expect(load(await kerasConfig((c) => { c.config.output_layers = ['per_step', 0, 2]; }), 'keras')).rejects.toThrow(/tensor 2 of layer "per_step" is taken, the layer gives 1/);
    await expect(load(await kerasConfig((c) => { c.config.input_layers = ['masking', 0, 0]; }), 'keras')).rejects.toThrow(/model input \["masking",0,0\] is not an InputLayer's tensor/);
    await expect(load(await kerasConfig((c) => { c.config.layers[1].inbound_nodes[0].kwargs = { mask: null, initial_state: 3 }; }), 'keras')).rejects.toThrow(/call argument initial_state=3 is not supported/);
  });

  it('masks reaching a layer that takes none: dropped in Keras 3 as Keras 3 does, refused for Keras 2', async () => {
    const flattenAfterMask = (c: any) => {
      const td = c.config.layers[3];
      c.config.layers[3] = { ...td, class_name: 'Flatten', config: { name: 'per_step' } };
    };
    const h5Bytes = await h5Config(flattenAfterMask);
    await expect(load(await editH5(h5Bytes, { skip: ['/model_weights/per_step'] }), 'keras-h5'))
      .rejects.toThrow(/layer "per_step" \(Flatten\): receives a masked input, which Keras 2 refuses for this layer/);
    const weights = await editH5((await readZip(keras())).get('model.weights.h5')!, { skip: ['/layers/time_distributed'] });
    const model = await load(await editKeras(await kerasConfig(flattenAfterMask), { 'model.weights.h5': weights }), 'keras');
    expect(model.outputShapes).toEqual({ per_step: ['batch', 70] });
  });

  it('token ids outside the embedding table or not numbers', async () => {
    const model = await load(keras('embedding_mask_rnn'), 'keras');
    const ids = (values: number[]) => ({ tokens: { data: Float32Array.from(values), shape: [1, 8] } });
    expect(() => model.runSync(ids([1, 2, 3, 20, 0, 0, 0, 0]))).toThrow(/layer "embedding" \(Embedding\): token id 20 at flat index 3 of input \[1, 8\] is outside the table of 20 rows/);
    expect(() => model.runSync(ids([1, -1, 3, 4, 0, 0, 0, 0]))).toThrow(/token id -1 at flat index 1/);
    expect(() => model.runSync(ids([1, NaN, 3, 4, 0, 0, 0, 0]))).toThrow(/token id NaN at flat index 1/);
    expect(model.runSync(ids([1, 2.9, 3, 4, 0, 0, 0, 0])).probabilities.data).toEqual(model.runSync(ids([1, 2, 3, 4, 0, 0, 0, 0])).probabilities.data);
  });
});

describe('file kinds loadModel tells apart', () => {
  it('by extension and by first bytes', async () => {
    const model = await loadModel(h5());
    expect(model.format).toBe('keras-h5');
    expect((await loadModel(keras())).format).toBe('keras');
    // A zip that is not Keras' goes to the PyTorch reader, which names its entries.
    await expect(loadModel(await writeZip(new Map([['archive/data.pkl', 'x']])))).rejects.toThrow(/^<bytes>: archive\/data.pkl: /);
    const empty = await writeH5(() => {});
    await expect(loadModel(empty)).rejects.toThrow(/^<bytes>: the HDF5 file holds no model_config attribute/);
  });
});


describe('error codes', () => {
  it('what is not supported is ERR_UNSUPPORTED, what is broken ERR_MALFORMED_FILE, keeping the built-in classes', async () => {
    const unsupported = await load(await kerasConfig((c) => { c.config.layers[1].class_name = 'LSTM'; }), 'keras').catch((e) => e);
    expect(unsupported).toBeInstanceOf(UnsupportedError);
    expect(unsupported).toBeInstanceOf(RangeError);
    expect(unsupported.code).toBe('ERR_UNSUPPORTED');
    const filtered = await load(await editH5(h5(), { datasets: { '/model_weights/per_step/per_step/bias:0': (v, shape) => ({ data: v, shape, chunks: shape, compression: 'gzip' }) } }), 'keras-h5').catch((e) => e);
    expect(filtered.code).toBe('ERR_UNSUPPORTED');
    const missing = await load(await editH5(h5(), { skip: ['/model_weights/per_step'] }), 'keras-h5').catch((e) => e);
    expect(missing).toBeInstanceOf(MalformedFileError);
    expect(missing.code).toBe('ERR_MALFORMED_FILE');
    const badType = await load(await kerasConfig((c) => { c.config.layers[1].config.mask_value = 'zero'; }), 'keras').catch((e) => e);
    expect(badType).toBeInstanceOf(TypeError);
    expect(badType.code).toBe('ERR_MALFORMED_FILE');
    const truncated = await load(h5().slice(0, 4000), 'keras-h5').catch((e) => e);
    expect(truncated.code).toBe('ERR_MALFORMED_FILE');
  });
});
