// A TF.js Layers model (model.json and its weight shards) as a Keras model: its topology is a Keras
// model config run by lib/keras/model with TF.js' semantics; each layer's weights are found by name
// in the weights manifest ("<layer>/kernel", "<bidirectional>/forward_<rnn>/kernel", ...), and a
// manifest weight no layer takes is refused.
import { MalformedFileError, UnsupportedError } from '../../errors';
import { isObject, parseModelConfig } from '../../keras/model/config';
import type { LayerEntry, WeightRole } from '../../keras/model/description';
import { checkLayerClasses } from '../../keras/model/graph';
import { KerasModel } from '../../keras/model/keras-model';
import type { Tensor } from '../../tensor';
import { describeRole, nameFits } from '../keras/weight-names';
import { checkJsonNesting } from '../nesting';
import { readWeights, type ShardReader } from './weights';

function parseJson(bytes: Uint8Array, label: string): unknown {
  checkJsonNesting(bytes, label, 'the JSON');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new MalformedFileError(`${label}: not a valid TF.js model.json (${(error as Error).message})`, { base: 'SyntaxError' });
  }
}

function topologyOf(modelJson: unknown, label: string): { model: unknown; version: string | null } {
  if (!isObject(modelJson) || !isObject(modelJson.modelTopology)) {
    throw new MalformedFileError(`${label}: not a TF.js Layers model.json: expected an object with modelTopology`, { base: 'TypeError' });
  }
  if (modelJson.format !== undefined && modelJson.format !== 'layers-model') {
    throw new UnsupportedError(`${label}: TF.js format "${String(modelJson.format)}" is not supported; expected a Layers model ("layers-model")`);
  }
  const topology = modelJson.modelTopology;
  const version = typeof topology.keras_version === 'string' ? topology.keras_version : null;
  return { model: isObject(topology.model_config) ? topology.model_config : topology, version };
}

/** A layer's weights by name: exactly one manifest weight under "<layer>/" fits each role. */
function weightReader(weights: Map<string, Tensor>, used: Set<string>, label: string) {
  return (layer: LayerEntry, roles: WeightRole[]): Tensor[] => roles.map((role) => {
    const names = [...weights.keys()].filter((n) => n.startsWith(`${layer.name}/`) && nameFits(n, role));
    if (names.length !== 1) {
      throw new MalformedFileError(`${label}: layer "${layer.name}" needs one weight ${describeRole(role)} (named ${layer.name}/.../${role.name}), the manifest has ${names.length === 0 ? 'none' : names.join(', ')}`);
    }
    used.add(names[0]);
    return weights.get(names[0])!;
  });
}

export const TfjsModel = {
  /** The topology is checked before any shard is read. */
  async load(json: Uint8Array, readShards: ShardReader, label: string): Promise<KerasModel> {
    const modelJson = parseJson(json, label) as { weightsManifest?: unknown };
    const { model, version } = topologyOf(modelJson, label);
    const parsed = parseModelConfig(model, label, 'tfjs');
    checkLayerClasses(parsed.layers, label);
    const weights = await readWeights(modelJson.weightsManifest, readShards, label);
    const used = new Set<string>();
    const keras = new KerasModel('tfjs', { label, dialect: 'tfjs', version, ...parsed, readWeights: weightReader(weights, used, label) });
    const unused = [...weights.keys()].filter((n) => !used.has(n));
    if (unused.length > 0) throw new MalformedFileError(`${label}: weights not used by any layer: ${unused.join(', ')}`);
    return keras;
  },
};
