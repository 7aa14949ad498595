// The torch-onnx fixtures (test/fixtures/torch-onnx, made by make_fixtures.py): models built around
// nn.RNN, exported at several opsets, with their inputs and PyTorch's outputs as .npy.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readNpy, type Tensor } from '../../lib/index';
import { FIXTURES_DIR } from './fixtures';

export const TORCH_ONNX_DIR = path.join(FIXTURES_DIR, 'torch-onnx');

interface FileEntry {
  file: string;
  dtype: string;
  shape: number[];
}

export interface TorchOnnxModel {
  name: string;
  doc: string;
  inputs: Record<string, FileEntry>;
  outputs: Record<string, FileEntry>;
  /** Each exported file and the operators its graph holds. */
  operators: Record<string, string[]>;
}

export interface TorchOnnxCase {
  model: TorchOnnxModel;
  file: string;
  path: string;
  opset: number;
}

const manifest = JSON.parse(readFileSync(path.join(TORCH_ONNX_DIR, 'manifest.json'), 'utf8')) as {
  opsets: number[];
  models: Record<string, Omit<TorchOnnxModel, 'name'>>;
};

export const TORCH_ONNX_MODELS: TorchOnnxModel[] = Object.entries(manifest.models).map(([name, m]) => ({ name, ...m }));

/** Every exported file of every model, with its opset. */
export const TORCH_ONNX_CASES: TorchOnnxCase[] = TORCH_ONNX_MODELS.flatMap((model) => Object.keys(model.operators).map((file) => ({
  model, file, path: path.join(TORCH_ONNX_DIR, file), opset: Number(/opset(\d+)/.exec(file)![1]),
})));

const read = (entries: Record<string, FileEntry>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(entries).map(([name, e]) => [name, readNpy(path.join(TORCH_ONNX_DIR, e.file))]));

export const inputsOf = (model: TorchOnnxModel) => read(model.inputs);
export const expectedOf = (model: TorchOnnxModel) => read(model.outputs);
export const inputFile = (model: TorchOnnxModel, name: string) => path.join(TORCH_ONNX_DIR, model.inputs[name].file);
