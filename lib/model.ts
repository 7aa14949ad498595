// loadModel: a model file (ONNX, a PyTorch state_dict in safetensors, a TF.js Layers model, a Keras
// .keras or .h5 file) as a runnable Model, its format told by the file name or its first bytes.
import * as path from 'node:path';
import { formatFromBytes, formatFromName } from './formats/detect';
import { loadKerasH5 } from './formats/keras/keras-h5';
import { loadKerasZip } from './formats/keras/keras-zip';
import { OnnxModel } from './formats/onnx/model';
import { openFile, readExactly, readRegularFile, regularFileSize } from './formats/source';
import { decodeSafetensors } from './formats/safetensors';
import { readTorchFile } from './formats/pt/archive';
import { refuseSavedModelFile, refuseSavedModelFolder } from './formats/saved-model';
import { StateDictModel } from './formats/state-dict-model';
import { TfjsModel } from './formats/tfjs/model';
import { shardReader } from './formats/tfjs/shards';
import { LoadedModel } from './formats/loaded-model';
import type { Model, ModelCore, ModelFormat } from './formats/types';
import { checkOptionsObject, oneOf, optionalBoolean } from './options';
import { checkPrefix } from './rnn/module-prefix';
import { describe } from './tensor';

export type { BatchAxes, Dim, ElementType, Feeds, Model, ModelFormat, ValueMetadata } from './formats/types';

export interface LoadModelOptions {
  /** Skips detection. */
  format?: ModelFormat;
  /** State_dicts (safetensors, .pt) only: PyTorch's nonlinearity (else safetensors' __metadata__, else 'tanh', with a warning). */
  nonlinearity?: 'tanh' | 'relu';
  /** State_dicts only: PyTorch's batch_first (else safetensors' __metadata__, else false, with a warning). */
  batchFirst?: boolean;
  /**
   * State_dicts only: the module path of the nn.RNN in a whole model's state_dict ('rnn.',
   * 'encoder.rnn.'). Without it, the one module holding nn.RNN parameters is used, with a warning
   * when other modules' weights are left out (config.unusedKeys lists them).
   */
  prefix?: string;
}

const FORMATS: ModelFormat[] = ['onnx', 'safetensors', 'pytorch', 'tfjs', 'keras', 'keras-h5'];
const STATE_DICT_FORMATS: ReadonlySet<ModelFormat> = new Set(['safetensors', 'pytorch']);
const STATE_DICT_OPTIONS = ['nonlinearity', 'batchFirst', 'prefix'] as const;

interface Located {
  bytes: Uint8Array;
  label: string;
  /** The directory TF.js weight paths are relative to; null for bytes. */
  directory: string | null;
  named: ModelFormat | null;
}

/** The bytes of `file`, or of the model.json inside it when it is a directory (a TF.js model folder). */
async function readModelFile(file: string): Promise<{ bytes: Uint8Array; file: string }> {
  const { handle, stats } = await openFile(file);
  try {
    if (!stats.isDirectory()) refuseSavedModelFile(file);
    if (!stats.isDirectory()) return { bytes: await readExactly(handle, regularFileSize(stats, file), file), file };
  } finally {
    await handle.close();
  }
  await refuseSavedModelFolder(file);
  const json = path.join(file, 'model.json');
  return { bytes: await readRegularFile(json), file: json };
}

async function locate(pathOrBytes: unknown): Promise<Located> {
  if (pathOrBytes instanceof Uint8Array) return { bytes: pathOrBytes, label: '<bytes>', directory: null, named: null };
  if (typeof pathOrBytes !== 'string' || pathOrBytes === '') {
    throw new TypeError(`loadModel: expected a file or directory path or a Uint8Array, got ${describe(pathOrBytes)}`);
  }
  const { bytes, file } = await readModelFile(pathOrBytes);
  return { bytes, label: file, directory: path.dirname(file), named: formatFromName(file) };
}

function checkOptions(options: unknown): LoadModelOptions {
  const o = checkOptionsObject(options, ['format', ...STATE_DICT_OPTIONS], 'loadModel options');
  return {
    format: o.format === undefined ? undefined : oneOf(o.format, FORMATS, 'onnx', 'format'),
    nonlinearity: o.nonlinearity === undefined ? undefined : oneOf(o.nonlinearity, ['tanh', 'relu'] as const, 'tanh', 'nonlinearity'),
    batchFirst: o.batchFirst === undefined ? undefined : optionalBoolean(o.batchFirst, false, 'batchFirst'),
    prefix: checkPrefix(o.prefix),
  };
}

async function open(source: Located, format: ModelFormat, options: LoadModelOptions): Promise<ModelCore> {
  const given = STATE_DICT_OPTIONS.filter((name) => options[name] !== undefined);
  if (!STATE_DICT_FORMATS.has(format) && given.length > 0) {
    const options = given.length === 1 ? `the ${given[0]} option applies` : `the ${given.join(' and ')} options apply`;
    throw new TypeError(`loadModel: ${options} to PyTorch state_dicts (safetensors, .pt) only; ${format} models define their own`);
  }
  switch (format) {
    case 'onnx': return new OnnxModel(source.bytes, source.label);
    case 'safetensors': return new StateDictModel({ format, label: source.label, ...decodeSafetensors(source.bytes, source.label) }, options);
    case 'pytorch': return new StateDictModel({ format, label: source.label, ...await readTorchFile(source.bytes, source.label) }, options);
    case 'tfjs': return TfjsModel.load(source.bytes, shardReader(source.directory, source.label), source.label);
    case 'keras': return loadKerasZip(source.bytes, source.label);
    case 'keras-h5': return loadKerasH5(source.bytes, source.label);
  }
}

/**
 * Loads a model: an ONNX file (.onnx), a PyTorch nn.RNN state_dict (.safetensors), a TF.js Layers
 * model (model.json, or the directory holding it, with its weight shards next to it), or a Keras
 * model file (Keras 3 .keras, Keras 2 .h5). Bytes are accepted too, their format told from their
 * first bytes.
 */
export async function loadModel(pathOrBytes: string | Uint8Array, options?: LoadModelOptions): Promise<Model> {
  const checked = checkOptions(options);
  const source = await locate(pathOrBytes);
  const format = checked.format ?? source.named ?? formatFromBytes(source.bytes, source.label);
  return new LoadedModel(await open(source, format, checked));
}
