// A Keras model config (model.json's modelTopology, Keras 2's model_config attribute, Keras 3's
// config.json) as layers and the calls between them. Sequential models become the same graph as a
// Functional one; Keras 2 and TF.js inbound nodes ([[name, node, tensor, kwargs]]) and Keras 3 ones
// ({ args, kwargs } holding __keras_tensor__ objects) are read into the same references.
import { MalformedFileError, UnsupportedError } from '../../errors';
import { describe } from '../../tensor';
import type { Dialect, Json, LayerEntry, TensorRef } from './description';

export interface ParsedConfig {
  className: string;
  name: string | null;
  layers: LayerEntry[];
  inputs: TensorRef[];
  outputs: TensorRef[];
}

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const MODEL_CLASSES = ['Sequential', 'Functional', 'Model'];

/** Keras 3 names a custom object's module; the built-in ones live in keras. */
function checkBuiltIn(object: Json, what: string): void {
  const module = object.module;
  if (module !== undefined && module !== null && (typeof module !== 'string' || !/^keras(\.|$)/.test(module))) {
    throw new UnsupportedError(`${what} is a custom object from module ${JSON.stringify(module)}; only Keras' own layers are supported`);
  }
}

function layerName(layer: Json, index: number, label: string): string {
  const config = isObject(layer.config) ? layer.config : {};
  const name = config.name ?? layer.name;
  if (typeof name !== 'string' || name === '') throw new MalformedFileError(`${label}: layer ${index} has no name (config.name), got ${describe(name)}`, { base: 'TypeError' });
  if (layer.name !== undefined && layer.name !== name) throw new MalformedFileError(`${label}: layer ${index} is named both "${String(layer.name)}" and "${name}"`);
  return name;
}

function layerEntry(layer: unknown, index: number, label: string): LayerEntry {
  if (!isObject(layer) || typeof layer.class_name !== 'string' || !isObject(layer.config)) {
    throw new MalformedFileError(`${label}: layer ${index} must be { class_name, config }, got ${describe(layer)}`, { base: 'TypeError' });
  }
  const name = layerName(layer, index, label);
  checkBuiltIn(layer, `${label}: layer "${name}" (${layer.class_name})`);
  if (MODEL_CLASSES.includes(layer.class_name)) throw new UnsupportedError(`${label}: layer "${name}" is a nested ${layer.class_name} model; nested models are not supported`);
  return { className: layer.class_name, name, config: layer.config, calls: [] };
}

function checkIndex(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new MalformedFileError(`${what}: expected a non-negative integer, got ${describe(value)}`);
  return value;
}

/** [name, node, tensor] (a list in Keras 2 and TF.js, keras_history in Keras 3). */
function tensorRef(value: unknown, what: string): TensorRef {
  if (!Array.isArray(value) || value.length < 3 || typeof value[0] !== 'string') throw new MalformedFileError(`${what}: expected [layer name, node index, tensor index], got ${JSON.stringify(value)}`, { base: 'TypeError' });
  return { layer: value[0], node: checkIndex(value[1], `${what} node index`), tensor: checkIndex(value[2], `${what} tensor index`) };
}

/** Call arguments a layer may be given besides its inputs: inference needs none of them. */
function checkKwargs(kwargs: unknown, what: string): void {
  if (kwargs === undefined || kwargs === null) return;
  if (!isObject(kwargs)) throw new MalformedFileError(`${what}: call arguments must be an object, got ${describe(kwargs)}`, { base: 'TypeError' });
  for (const [key, value] of Object.entries(kwargs)) {
    if (key === 'training' && (value === null || typeof value === 'boolean')) continue;
    if (key === 'mask' && value === null) continue;
    throw new UnsupportedError(`${what}: call argument ${key}=${JSON.stringify(value)} is not supported (only the layer's inputs are)`);
  }
}

const isKerasTensor = (value: unknown): value is Json => isObject(value) && value.class_name === '__keras_tensor__';

/** The Keras tensors of a Keras 3 call's args, in order; any other argument is refused. */
function kerasTensors(args: unknown, what: string, into: TensorRef[]): void {
  if (isKerasTensor(args)) {
    into.push(tensorRef(isObject(args.config) ? args.config.keras_history : undefined, `${what} keras_history`));
  } else if (Array.isArray(args)) {
    for (const arg of args) kerasTensors(arg, what, into);
  } else {
    throw new MalformedFileError(`${what}: call argument ${JSON.stringify(args)} is not a tensor; only tensors are supported as inputs`);
  }
}

function callInputs(node: unknown, what: string): TensorRef[] {
  if (Array.isArray(node)) {
    return node.map((input, i) => {
      const ref = tensorRef(input, `${what} input ${i}`);
      checkKwargs((input as unknown[])[3], `${what} input ${i}`);
      return ref;
    });
  }
  if (isObject(node) && Array.isArray(node.args)) {
    checkKwargs(node.kwargs, what);
    const refs: TensorRef[] = [];
    kerasTensors(node.args, what, refs);
    return refs;
  }
  throw new MalformedFileError(`${what}: expected a list of inbound tensors or { args, kwargs }, got ${describe(node)}`, { base: 'TypeError' });
}

/** input_layers / output_layers: one [name, node, tensor], a list of them, or (Keras 3) a dict of them. */
function endpoints(value: unknown, which: string, label: string): TensorRef[] {
  const what = `${label}: ${which}`;
  if (Array.isArray(value) && typeof value[0] === 'string') return [tensorRef(value, what)];
  const list = isObject(value) ? Object.values(value) : value;
  if (!Array.isArray(list) || list.length === 0) throw new MalformedFileError(`${what}: expected a non-empty list of [layer name, node index, tensor index], got ${JSON.stringify(value)}`, { base: 'TypeError' });
  return list.map((ref, i) => tensorRef(ref, `${what}[${i}]`));
}

function checkNames(layers: LayerEntry[], label: string): void {
  const seen = new Set<string>();
  for (const { name } of layers) {
    if (seen.has(name)) throw new MalformedFileError(`${label}: two layers are named "${name}"`);
    seen.add(name);
  }
}

function functional(config: Json, label: string): Omit<ParsedConfig, 'className'> {
  if (!Array.isArray(config.layers)) throw new MalformedFileError(`${label}: a Functional model's config needs layers, got ${describe(config.layers)}`, { base: 'TypeError' });
  const layers = config.layers.map((layer, index) => {
    const entry = layerEntry(layer, index, label);
    const nodes = (layer as Json).inbound_nodes ?? [];
    if (!Array.isArray(nodes)) throw new MalformedFileError(`${label}: layer "${entry.name}" inbound_nodes must be a list, got ${describe(nodes)}`, { base: 'TypeError' });
    entry.calls = nodes.map((node, n) => callInputs(node, `${label}: layer "${entry.name}" inbound node ${n}`));
    return entry;
  });
  checkNames(layers, label);
  return {
    name: typeof config.name === 'string' ? config.name : null,
    layers,
    inputs: endpoints(config.input_layers, 'input_layers', label),
    outputs: endpoints(config.output_layers, 'output_layers', label),
  };
}

/** The batch input shape a Sequential's first layer (or Keras 3's build_input_shape) declares. */
function declaredInputShape(config: Json, first: Json): unknown {
  return first.batch_input_shape ?? first.batch_shape ?? config.build_input_shape
    ?? (Array.isArray(first.input_shape) ? [null, ...first.input_shape] : undefined);
}

function sequential(config: unknown, label: string, dialect: Dialect): Omit<ParsedConfig, 'className'> {
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(list) || list.length === 0) throw new MalformedFileError(`${label}: a Sequential model's config needs a non-empty list of layers`, { base: 'TypeError' });
  const layers = list.map((layer, index) => layerEntry(layer, index, label));
  if (layers[0].className !== 'InputLayer') {
    const shape = declaredInputShape(isObject(config) ? config : {}, layers[0].config);
    if (shape === undefined) throw new MalformedFileError(`${label}: the Sequential model declares no input shape (no InputLayer, batch_input_shape or build_input_shape)`);
    const name = dialect === 'keras3' ? 'input_layer' : `${layers[0].name}_input`;
    layers.unshift({ className: 'InputLayer', name, config: { name, batch_shape: shape, dtype: layers[0].config.dtype ?? 'float32' }, calls: [] });
  }
  checkNames(layers, label);
  for (let i = 1; i < layers.length; i++) {
    if (layers[i].className === 'InputLayer') throw new MalformedFileError(`${label}: layer "${layers[i].name}" is an InputLayer after the first layer of a Sequential model`);
    layers[i].calls = [[{ layer: layers[i - 1].name, node: 0, tensor: 0 }]];
  }
  const last = layers[layers.length - 1].name;
  return {
    name: isObject(config) && typeof config.name === 'string' ? config.name : null,
    layers,
    inputs: [{ layer: layers[0].name, node: 0, tensor: 0 }],
    outputs: [{ layer: last, node: 0, tensor: 0 }],
  };
}

/** `{ class_name, config }` of a whole model, as every Keras source saves it. */
export function parseModelConfig(model: unknown, label: string, dialect: Dialect): ParsedConfig {
  if (!isObject(model) || typeof model.class_name !== 'string') throw new MalformedFileError(`${label}: the model config must be { class_name, config }, got ${describe(model)}`, { base: 'TypeError' });
  const className = model.class_name;
  checkBuiltIn(model, `${label}: the model (${className})`);
  if (className === 'Sequential') return { className, ...sequential(model.config, label, dialect) };
  if (className === 'Functional' || className === 'Model') {
    if (!isObject(model.config)) throw new MalformedFileError(`${label}: the ${className} model has no config object`, { base: 'TypeError' });
    return { className, ...functional(model.config, label) };
  }
  throw new UnsupportedError(`${label}: model class "${className}" is not supported; expected Sequential or Functional`);
}
