// Keras 3's .keras files (also written by Keras 2.13 and later): a zip archive of config.json (the
// model config), metadata.json (the Keras version) and model.weights.h5, in which the i-th weight
// of a layer lies at layers/<layer path>/<attribute path>/vars/<i>. A layer's path is its class
// name in snake case, numbered from the second of a class on (dense, dense_1, ...), in the order
// of the config's layers, as Keras' saving_lib names them.
import { MalformedFileError, UnsupportedError } from '../../errors';
import type { LayerEntry, WeightRole } from '../../keras/model/description';
import { isObject, parseModelConfig } from '../../keras/model/config';
import { KerasModel } from '../../keras/model/keras-model';
import { withHdf5, type Hdf5File } from '../hdf5';
import { openZip, type ZipArchive } from '../zip';
import { describeRole } from './weight-names';
import { buildFromHdf5, dialectOf, parseConfigJson } from './keras-h5';

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';
/** The JSON entries are read whole: far larger than any model's config. */
const MAX_JSON_BYTES = 64 * 2 ** 20;

/** Keras' naming.to_snake_case. */
export function snakeCase(name: string): string {
  return name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Each layer's path under layers/ in model.weights.h5. */
export function weightPaths(layers: LayerEntry[]): Map<string, string> {
  const used = new Map<string, number>();
  const paths = new Map<string, string>();
  for (const layer of layers) {
    const base = snakeCase(layer.className);
    const count = used.get(base);
    used.set(base, count === undefined ? 0 : count + 1);
    paths.set(layer.name, count === undefined ? base : `${base}_${count + 1}`);
  }
  return paths;
}

function refuseOtherContents(zip: ZipArchive): void {
  const names = [...zip.entries.keys()];
  if (names.some((n) => n === 'saved_model.pb' || n.endsWith('/saved_model.pb'))) {
    throw new UnsupportedError(`${zip.label}: the archive holds a TensorFlow SavedModel, not a Keras model; save it with model.save('model.keras') or convert it to ONNX`, { base: 'Error' });
  }
  if (names.some((n) => n === 'data.pkl' || n.endsWith('/data.pkl'))) {
    throw new UnsupportedError(`${zip.label}: the archive is a PyTorch torch.save file, not a Keras model; export the model to ONNX (torch.onnx.export) or save its state_dict as .safetensors`, { base: 'Error' });
  }
  if (!zip.entries.has(CONFIG)) throw new MalformedFileError(`${zip.label}: not a Keras .keras archive: it has no ${CONFIG} (entries: ${names.slice(0, 8).join(', ') || 'none'})`, { base: 'Error' });
  if (!zip.entries.has(WEIGHTS)) {
    const other = names.includes('model.weights.npz') ? 'model.weights.npz (weights as NumPy arrays), which is not read' : 'no weights';
    throw new MalformedFileError(`${zip.label}: the .keras archive has ${other}; expected ${WEIGHTS}`, { base: 'Error' });
  }
}

async function readJson(zip: ZipArchive, name: string): Promise<unknown> {
  const bytes = await zip.read(name, MAX_JSON_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UnsupportedError(`${zip.label}: ${name} is not UTF-8 text`, { base: 'TypeError' });
  }
  return parseConfigJson(text, zip.label, name);
}

/** The dataset paths of a layer's weights: <layer path>/<sublayer path>/vars/<i>, each group holding exactly its weights. */
function layerPaths(file: Hdf5File, paths: Map<string, string>, layer: LayerEntry, roles: WeightRole[]): string[] {
  const what = `${file.label}: layer "${layer.name}" (${layer.className})`;
  const scopes = [...new Set(roles.map((r) => r.scope.join('/')))];
  const byScope = new Map<string, string[]>();
  for (const scope of scopes) {
    const expected = roles.filter((r) => r.scope.join('/') === scope);
    const group = ['layers', paths.get(layer.name), scope, 'vars'].filter((p) => p !== '').join('/');
    const keys = file.keys(group);
    if (keys === null) throw new MalformedFileError(`${what}: ${WEIGHTS} has no group ${group} for its weights ${expected.map(describeRole).join(', ')}`, { base: 'Error' });
    if (keys.length !== expected.length || !expected.every((_, i) => keys.includes(String(i)))) {
      throw new MalformedFileError(`${what}: ${group} holds ${keys.length} weights (${keys.join(', ') || 'none'}), the layer takes ${expected.length} (${expected.map(describeRole).join(', ')})`);
    }
    byScope.set(scope, expected.map((_, i) => `/${group}/${i}`));
  }
  return roles.map((role) => byScope.get(role.scope.join('/'))!.shift()!);
}

export async function loadKerasZip(bytes: Uint8Array, label: string): Promise<KerasModel> {
  const zip = await openZip(bytes, label);
  try {
    refuseOtherContents(zip);
    const metadata = zip.entries.has(METADATA) ? await readJson(zip, METADATA) : null;
    const version = isObject(metadata) && typeof metadata.keras_version === 'string' ? metadata.keras_version : null;
    const dialect = dialectOf(version, label, zip.entries.has(METADATA) ? `${METADATA}` : `the archive has no ${METADATA} and so`);
    const parsed = parseModelConfig(await readJson(zip, CONFIG), label, dialect);
    const weights = await zip.read(WEIGHTS);
    const paths = weightPaths(parsed.layers);
    return await withHdf5(weights, `${label}: ${WEIGHTS}`, (file) =>
      buildFromHdf5(file, 'keras', { label, dialect, version, ...parsed }, (layer, roles) => layerPaths(file, paths, layer, roles)));
  } finally {
    zip.close();
  }
}
