// A TF.js Layers model.json topology as a neutral description: the input shape and the chain of
// SimpleRNN and Dense layers, from a Sequential model or a linear Functional one.
import { describe } from '../../tensor';

export interface SimpleRnnSpec {
  kind: 'SimpleRNN';
  name: string;
  units: unknown;
  activation: string;
  useBias: boolean;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
}

export interface DenseSpec {
  kind: 'Dense';
  name: string;
  units: unknown;
  activation: string;
  useBias: boolean;
}

export type LayerSpec = SimpleRnnSpec | DenseSpec;

export interface Topology {
  className: string;
  name: string | null;
  /** The batch input shape ([null, 10, 3]) when the file gives one. */
  inputShape: Array<number | null> | null;
  layers: LayerSpec[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const SUPPORTED_LAYERS = 'InputLayer, SimpleRNN, Dense';

function flag(config: Json, key: string, fallback: boolean, what: string): boolean {
  const value = config[key] ?? fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${what}: config.${key} must be a boolean, got ${describe(value)}`);
  return value;
}

/** TF.js serialises activations by class name (hardSigmoid); null means linear. */
function activationName(value: unknown, what: string): string {
  if (value === undefined || value === null) return 'linear';
  if (typeof value !== 'string') throw new TypeError(`${what}: config.activation must be a name, got ${describe(value)}`);
  return value === 'hardSigmoid' ? 'hard_sigmoid' : value;
}

function batchShape(config: Json): Array<number | null> | null {
  const shape = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(shape)) return shape as Array<number | null>;
  if (Array.isArray(config.input_shape)) return [null, ...(config.input_shape as Array<number | null>)];
  return null;
}

function simpleRnn(config: Json, name: string, what: string): SimpleRnnSpec {
  if (config.stateful === true) throw new RangeError(`${what}: stateful SimpleRNN layers are not supported`);
  if (config.time_major === true) throw new RangeError(`${what}: time_major SimpleRNN layers are not supported`);
  return {
    kind: 'SimpleRNN', name, units: config.units, activation: activationName(config.activation, what),
    useBias: flag(config, 'use_bias', true, what), returnSequences: flag(config, 'return_sequences', false, what),
    returnState: flag(config, 'return_state', false, what), goBackwards: flag(config, 'go_backwards', false, what),
  };
}

function layerSpec(layer: unknown, index: number, label: string): LayerSpec | null {
  if (!isObject(layer) || !isObject(layer.config)) throw new TypeError(`${label}: layer ${index} must be { class_name, config }, got ${describe(layer)}`);
  const config = layer.config;
  const name = String(config.name ?? layer.name ?? `layer_${index}`);
  const what = `${label}: layer ${index} "${name}" (${String(layer.class_name)})`;
  switch (layer.class_name) {
    case 'InputLayer': return null;
    case 'SimpleRNN': return simpleRnn(config, name, what);
    case 'Dense': return { kind: 'Dense', name, units: config.units, activation: activationName(config.activation, what), useBias: flag(config, 'use_bias', true, what) };
    default: throw new RangeError(`${label}: unsupported layer class ${String(layer.class_name)} (layer ${index} "${name}"); supported: ${SUPPORTED_LAYERS}`);
  }
}

/** Keras 2 inbound_nodes: [[[layer name, node index, tensor index, kwargs]]]; one inbound tensor per layer in a chain. */
function inboundName(layer: Json, label: string): string | null {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) return null;
  const tensors = nodes[0];
  const tensor = Array.isArray(tensors) && tensors.length === 1 ? tensors[0] : undefined;
  if (nodes.length !== 1 || !Array.isArray(tensor) || typeof tensor[0] !== 'string' || tensor[2] !== 0) {
    throw new RangeError(`${label}: layer "${String(layer.name)}" is not part of a linear chain (one input, used once, first output of the previous layer)`);
  }
  return tensor[0];
}

function endpoint(list: unknown, which: string, label: string): string {
  if (!Array.isArray(list) || list.length !== 1 || !Array.isArray(list[0]) || typeof list[0][0] !== 'string') {
    throw new RangeError(`${label}: a linear chain has exactly one ${which} layer, got ${JSON.stringify(list)}`);
  }
  return list[0][0];
}

/** The Functional model's layers from input to output, following inbound_nodes back from the output. */
function chainOrder(config: Json, label: string): Json[] {
  const layers = Array.isArray(config.layers) ? config.layers.filter(isObject) : [];
  const byName = new Map(layers.map((l) => [String(l.name ?? (l.config as Json | undefined)?.name), l]));
  const input = endpoint(config.input_layers, 'input', label);
  const order: Json[] = [];
  for (let name: string | null = endpoint(config.output_layers, 'output', label); name !== null;) {
    const layer = byName.get(name);
    if (!layer || order.includes(layer)) throw new RangeError(`${label}: layer "${name}" is missing or part of a cycle`);
    order.unshift(layer);
    name = name === input ? null : inboundName(layer, label);
  }
  if (order.length !== layers.length || String(order[0].name) !== input) {
    throw new RangeError(`${label}: the Functional model is not a linear chain from "${input}" to its output (${order.length} of ${layers.length} layers reached)`);
  }
  return order;
}

export function parseTopology(modelJson: unknown, label: string): Topology {
  if (!isObject(modelJson) || !isObject(modelJson.modelTopology)) {
    throw new TypeError(`${label}: not a TF.js Layers model.json: expected an object with modelTopology`);
  }
  if (modelJson.format !== undefined && modelJson.format !== 'layers-model') {
    throw new RangeError(`${label}: TF.js format "${String(modelJson.format)}" is not supported; expected a Layers model ("layers-model")`);
  }
  const topology = isObject(modelJson.modelTopology.model_config) ? modelJson.modelTopology.model_config : modelJson.modelTopology;
  const className = String(topology.class_name);
  const config = topology.config;
  let layers: unknown[];
  if (className === 'Sequential') layers = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : [];
  else if ((className === 'Model' || className === 'Functional') && isObject(config)) layers = chainOrder(config, label);
  else throw new RangeError(`${label}: model class "${className}" is not supported; expected Sequential or a Functional chain`);
  const first = layers.find(isObject);
  const specs = layers.map((layer, i) => layerSpec(layer, i, label)).filter((s): s is LayerSpec => s !== null);
  if (specs.length === 0) throw new RangeError(`${label}: the model has no SimpleRNN or Dense layer`);
  return {
    className,
    name: isObject(config) && typeof config.name === 'string' ? config.name : null,
    inputShape: first && isObject(first.config) ? batchShape(first.config) : null,
    layers: specs,
  };
}
