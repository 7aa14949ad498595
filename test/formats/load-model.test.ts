// loadModel itself: format detection from names and bytes, options, and bad arguments.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../lib/errors';
import { loadModel } from '../../lib/model';
import { FIXTURES_DIR } from '../support/fixtures';
import { fixtureBytes } from './helpers/files';

const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-load-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const models = path.join(FIXTURES_DIR, 'models');

describe('loadModel: format detection', () => {
  it('tells ONNX and safetensors from their bytes, without a name', async () => {
    expect((await loadModel(fixtureBytes('torch_3layer_nobias.onnx'))).format).toBe('onnx');
    expect((await loadModel(fixtureBytes('onnx_defaults.onnx'))).format).toBe('onnx');
    expect((await loadModel(fixtureBytes('torch_3layer_nobias.safetensors'))).format).toBe('safetensors');
  });

  it('tells the format of a file with an unhelpful name from its bytes', async () => {
    const renamed = path.join(scratch, 'weights.bin');
    copyFileSync(path.join(models, 'torch_1layer_tanh.safetensors'), renamed);
    const model = await loadModel(renamed);
    expect(model.format).toBe('safetensors');
    expect(model.config).toMatchObject({ inputSize: 4, hiddenSize: 8 });
  });

  it('the format option skips detection', async () => {
    const model = await loadModel(fixtureBytes('torch_1layer_tanh.onnx'), { format: 'onnx' });
    expect(model.outputNames).toEqual(['y', 'hn']);
    await expect(loadModel(path.join(models, 'torch_1layer_tanh.safetensors'), { format: 'onnx' })).rejects.toThrow(/torch_1layer_tanh.safetensors: not a valid ONNX model/);
    await expect(loadModel(fixtureBytes('torch_1layer_tanh.onnx'), { format: 'safetensors' })).rejects.toThrow(/<bytes>: safetensors header length \d+ exceeds/);
  });

  it('refuses .npy arrays, empty and unknown bytes clearly', async () => {
    await expect(loadModel(fixtureBytes('torch_1layer_tanh.input.npy'))).rejects.toThrow(/<bytes>: this is a NumPy .npy array, not a model; pass it as an input/);
    await expect(loadModel(new Uint8Array(0))).rejects.toThrow(/cannot tell the model format: expected an ONNX model, a PyTorch state_dict \(safetensors or torch.save's .pt\), a TF.js model.json \(or a directory holding one\) or a Keras .keras or .h5 file/);
    const unknown = path.join(scratch, 'mystery.dat');
    writeFileSync(unknown, 'hello world');
    await expect(loadModel(unknown)).rejects.toThrow(/mystery.dat: cannot tell the model format/);
  });

  it('a TensorFlow SavedModel folder, or its saved_model.pb, is refused naming the conversions', async () => {
    const savedModel = path.join(scratch, 'exported');
    mkdirSync(path.join(savedModel, 'variables'), { recursive: true });
    writeFileSync(path.join(savedModel, 'saved_model.pb'), Uint8Array.from([0x08, 0x01, 0x12, 0x00]));
    for (const target of [savedModel, path.join(savedModel, 'saved_model.pb')]) {
      const error = await loadModel(target).then(() => new Error('loaded'), (e: Error & { code?: string }) => e);
      expect(error).toBeInstanceOf(UnsupportedError);
      expect(error.message).toMatch(new RegExp(`^${target}: a TensorFlow SavedModel, which is not read\\. Save the Keras model as \\.keras or \\.h5`));
      expect(error.message).toContain('tensorflowjs_converter --input_format=keras_saved_model --output_format=tfjs_layers_model');
    }
  });

  it('a directory without model.json, a missing file', async () => {
    await expect(loadModel(scratch)).rejects.toThrow(/ENOENT.*model.json/);
    await expect(loadModel(path.join(scratch, 'missing.onnx'))).rejects.toThrow(/ENOENT.*missing.onnx/);
  });
});

describe('loadModel: arguments and options', () => {
  it('refuses what is not a path or bytes', async () => {
    await expect(loadModel(42 as never)).rejects.toThrow(/loadModel: expected a file or directory path or a Uint8Array, got number/);
    await expect(loadModel('')).rejects.toThrow(TypeError);
    await expect(loadModel(new Float32Array(4) as never)).rejects.toThrow(/got Float32Array/);
  });

  it('refuses unknown options and options that do not apply to the format', async () => {
    const onnx = path.join(models, 'torch_1layer_tanh.onnx');
    await expect(loadModel(onnx, { layers: 2 } as never)).rejects.toThrow(/loadModel options: unknown option 'layers'; expected format, nonlinearity, batchFirst, prefix/);
    await expect(loadModel(onnx, { batchFirst: true })).rejects.toThrow(/the batchFirst option applies to PyTorch state_dicts \(safetensors, .pt\) only; onnx models define their own/);
    await expect(loadModel(onnx, { format: 'pt' as never })).rejects.toThrow(/format: expected one of 'onnx', 'safetensors', 'pytorch', 'tfjs', 'keras', 'keras-h5', got 'pt'/);
    await expect(loadModel(onnx, { batchFirst: 'yes' as never })).rejects.toThrow(/batchFirst: expected a boolean, got string/);
    await expect(loadModel(onnx, 'fast' as never)).rejects.toThrow(/loadModel options: expected an options object, got string/);
  });

  it('every model has the same surface', async () => {
    for (const source of ['torch_1layer_tanh.onnx', 'torch_1layer_tanh.safetensors', 'tfjs_rnn_dense']) {
      const model = await loadModel(path.join(models, source));
      expect(Object.keys(model.inputShapes)).toEqual(model.inputNames);
      expect(Object.keys(model.outputShapes)).toEqual(model.outputNames);
      expect(model.numParameters).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(model.config))).toEqual(model.config);
      expect(typeof model.run).toBe('function');
      expect(typeof model.runSync).toBe('function');
    }
  });
});
