// Keras 2's HDF5 model files (model.save('x.h5'), also written by Keras 3 in its legacy format): the
// model_config attribute holds the config, model_weights/<layer> lists its weights in order in the
// weight_names attribute, each stored at model_weights/<layer>/<weight name>. Which Keras wrote the
// file, and so which semantics apply, is its keras_version attribute.
import { MalformedFileError, UnsupportedError } from '../../errors';
import type { Dialect, LayerEntry, ModelDescription, WeightRole } from '../../keras/model/description';
import { layerRoles } from '../../keras/model/graph';
import { parseModelConfig } from '../../keras/model/config';
import { KerasModel } from '../../keras/model/keras-model';
import type { Tensor } from '../../tensor';
import { withHdf5, type Hdf5File } from '../hdf5';
import { checkJsonNesting } from '../nesting';
import { describeRole, nameFits } from './weight-names';

function stringAttribute(file: Hdf5File, objectPath: string, name: string): string | null {
  const attribute = file.attribute(objectPath, name);
  if (attribute === null) return null;
  if (attribute.type !== 'string' || typeof attribute.value !== 'string') throw new MalformedFileError(`${file.label}: HDF5 attribute ${objectPath}@${name} must be a string, got ${attribute.type === 'other' ? attribute.value : 'a list'}`, { base: 'TypeError' });
  return attribute.value;
}

/** The dialect from a keras_version such as "2.6.0" or "3.7.0". */
export function dialectOf(version: string | null, label: string, where: string): Dialect {
  const major = version?.match(/^(\d+)\./)?.[1];
  if (major === '2') return 'keras2';
  if (major === '3') return 'keras3';
  throw new UnsupportedError(`${label}: ${version === null ? `${where} does not say which Keras wrote the file` : `${where} says Keras ${JSON.stringify(version)}`}; Keras 2 and 3 files are supported`);
}

export function parseConfigJson(text: string, label: string, what: string): unknown {
  const bytes = new TextEncoder().encode(text);
  checkJsonNesting(bytes, label, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedFileError(`${label}: ${what} is not valid JSON (${(error as Error).message})`, { base: 'SyntaxError' });
  }
}

function weightNames(file: Hdf5File, group: string, layer: string): string[] {
  const attribute = file.attribute(group, 'weight_names');
  if (attribute === null) return [];
  if (attribute.type !== 'strings' || !(attribute.value as unknown[]).every((n) => typeof n === 'string')) {
    throw new MalformedFileError(`${file.label}: HDF5 attribute ${group}@weight_names of layer "${layer}" must be a list of strings`, { base: 'TypeError' });
  }
  return attribute.value as string[];
}

/** The dataset paths of a layer's weights, in the order of its roles, checked against weight_names. */
function weightPaths(file: Hdf5File, layer: LayerEntry, roles: WeightRole[]): string[] {
  const group = `/model_weights/${layer.name}`;
  const what = `${file.label}: layer "${layer.name}" (${layer.className})`;
  if (file.kind(group) !== 'group') {
    if (roles.length === 0) return [];
    throw new MalformedFileError(`${what}: the file has no weights group model_weights/${layer.name}`, { base: 'Error' });
  }
  const names = weightNames(file, group, layer.name);
  if (names.length !== roles.length) {
    throw new MalformedFileError(`${what}: the file lists ${names.length} weights (${names.join(', ') || 'none'}), the layer takes ${roles.length} (${roles.map(describeRole).join(', ') || 'none'})`);
  }
  return roles.map((role, i) => {
    if (!nameFits(names[i], role)) throw new MalformedFileError(`${what}: weight ${i} is named ${JSON.stringify(names[i])}, the layer's weight ${i} is ${describeRole(role)}`);
    return `${group}/${names[i]}`;
  });
}

function describe(file: Hdf5File): Omit<ModelDescription, 'readWeights'> {
  const label = file.label;
  const configText = stringAttribute(file, '/', 'model_config');
  if (configText === null) {
    const what = file.kind('/layers') === 'group' ? 'Keras 3 weights (model.weights.h5) alone' : 'no model_config attribute (weights saved with save_weights?)';
    throw new MalformedFileError(`${label}: the HDF5 file holds ${what}; a model file saved with model.save() is needed, as .h5 or .keras`, { base: 'Error' });
  }
  const version = stringAttribute(file, '/', 'keras_version');
  const dialect = dialectOf(version, label, 'its keras_version attribute');
  const parsed = parseModelConfig(parseConfigJson(configText, label, 'the model_config attribute'), label, dialect);
  if (file.kind('/model_weights') !== 'group') throw new MalformedFileError(`${label}: the HDF5 file has no model_weights group`, { base: 'Error' });
  return { label, dialect, version, ...parsed };
}

/**
 * Reads the weights of every layer a model needs, then builds it: `pathsOf` names each layer's
 * datasets, checked against what the layer takes before anything is read.
 */
export async function buildFromHdf5(file: Hdf5File, format: 'keras' | 'keras-h5', base: Omit<ModelDescription, 'readWeights'>,
  pathsOf: (layer: LayerEntry, roles: WeightRole[]) => string[]): Promise<KerasModel> {
  const paths = new Map([...layerRoles(base)].map(([layer, roles]) => [layer.name, pathsOf(layer, roles)]));
  const tensors = await file.readFloat32([...paths.values()].flat());
  const readWeights = (layer: LayerEntry): Tensor[] => (paths.get(layer.name) ?? []).map((p) => tensors.get(p)!);
  return new KerasModel(format, { ...base, readWeights });
}

export function loadKerasH5(bytes: Uint8Array, label: string): Promise<KerasModel> {
  return withHdf5(bytes, label, (file) => buildFromHdf5(file, 'keras-h5', describe(file), (layer, roles) => weightPaths(file, layer, roles)));
}
