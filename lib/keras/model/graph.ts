// A model description built into a runnable graph: every layer's config checked, its weights read
// and checked against the shapes it receives, the calls put in an order where each one's inputs are
// ready (cycles and dangling references refused), and masks followed from where they start to the
// layers that use them, as Keras does.
import { MalformedFileError, UnsupportedError } from '../../errors';
import type { Tensor } from '../../tensor';
import type { Json, LayerEntry, ModelDescription, TensorRef, WeightRole } from './description';
import { type BuildContext, type BuiltLayer, type LayerKind, type ParsedLayer, type Shape, type Symbolic, type Value } from './layer';
import { inputShape } from './layers/input-layer';
import { ALIASES, LAYER_KINDS, SUPPORTED_LAYERS } from './registry';

/** One call of a layer: what it takes, and the layer built for those inputs. */
interface Call {
  layer: LayerEntry;
  index: number;
  inputs: TensorRef[];
  built: BuiltLayer;
  /** Whether Keras hands this call the masks of its inputs. */
  takesMasks: boolean;
}

export interface Endpoint {
  name: string;
  ref: TensorRef;
  shape: Shape;
}

export interface Graph {
  inputs: Endpoint[];
  outputs: Endpoint[];
  calls: Call[];
  numParameters: number;
  layers: Json[];
}

const key = (layer: string, node: number) => `${layer}#${node}`;

function kindOf(entry: LayerEntry, label: string): LayerKind {
  const kind = LAYER_KINDS[ALIASES[entry.className] ?? entry.className];
  if (!kind) throw new UnsupportedError(`${label}: unsupported layer class ${entry.className} (layer "${entry.name}"); supported: ${SUPPORTED_LAYERS}`);
  return kind;
}

/** Refuses a layer class this package does not run, before any weight is read. */
export function checkLayerClasses(layers: LayerEntry[], label: string): void {
  for (const layer of layers) if (layer.className !== 'InputLayer') kindOf(layer, label);
}

function contextFor(description: Omit<ModelDescription, 'readWeights'>, entry: LayerEntry): BuildContext {
  return { what: `${description.label}: layer "${entry.name}" (${entry.className})`, dialect: description.dialect };
}

/** Every call the outputs need, each after the calls it takes tensors from (Kahn's order, no recursion). */
function callOrder(description: Omit<ModelDescription, 'readWeights'>, byName: Map<string, LayerEntry>): Array<{ layer: LayerEntry; index: number }> {
  const label = description.label;
  const needed = new Map<string, { layer: LayerEntry; index: number; waitingOn: Set<string> }>();
  const pending: TensorRef[] = [...description.outputs];
  while (pending.length > 0) {
    const ref = pending.pop()!;
    const layer = byName.get(ref.layer);
    if (!layer) throw new MalformedFileError(`${label}: a tensor is taken from layer "${ref.layer}", which the model does not have`);
    const callCount = layer.className === 'InputLayer' ? 1 : layer.calls.length;
    if (ref.node >= callCount) throw new MalformedFileError(`${label}: a tensor is taken from call ${ref.node} of layer "${ref.layer}", which is called ${callCount} time(s)`);
    const id = key(ref.layer, ref.node);
    if (needed.has(id)) continue;
    const inputs = layer.className === 'InputLayer' ? [] : layer.calls[ref.node];
    needed.set(id, { layer, index: ref.node, waitingOn: new Set(inputs.map((i) => key(i.layer, i.node))) });
    pending.push(...inputs);
  }
  const dependents = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const [id, n] of needed) {
    waiting.set(id, n.waitingOn.size);
    for (const w of n.waitingOn) {
      if (!dependents.has(w)) dependents.set(w, []);
      dependents.get(w)!.push(id);
    }
  }
  const order: Array<{ layer: LayerEntry; index: number }> = [];
  const ready = [...waiting].filter(([, count]) => count === 0).map(([id]) => id);
  for (let next = 0; next < ready.length; next++) {
    const id = ready[next];
    order.push(needed.get(id)!);
    for (const dependent of dependents.get(id) ?? []) {
      const left = waiting.get(dependent)! - 1;
      waiting.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (order.length !== needed.size) {
    const stuck = [...waiting].find(([, count]) => count > 0)![0].replace(/#\d+$/, '');
    throw new MalformedFileError(`${label}: the layers form a cycle (through layer "${stuck}"); a Keras model is acyclic`);
  }
  return order;
}

function outputOf(values: Map<string, Symbolic[]>, ref: TensorRef, label: string): Symbolic {
  const outputs = values.get(key(ref.layer, ref.node))!;
  if (ref.tensor >= outputs.length) throw new MalformedFileError(`${label}: tensor ${ref.tensor} of layer "${ref.layer}" is taken, the layer gives ${outputs.length}`);
  return outputs[ref.tensor];
}

/** Unique output names: the layer's name, with ":i" for its i-th tensor, and a suffix when one repeats. */
function outputNames(refs: TensorRef[]): string[] {
  const used = new Set<string>();
  return refs.map((ref) => {
    const base = ref.tensor === 0 ? ref.layer : `${ref.layer}:${ref.tensor}`;
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  });
}

/**
 * The weights each layer the outputs need takes, in Keras' order, from its config alone: sources
 * that read weights asynchronously (HDF5) fetch these before the graph is built.
 */
export function layerRoles(description: Omit<ModelDescription, 'readWeights'>): Map<LayerEntry, WeightRole[]> {
  const byName = new Map(description.layers.map((l) => [l.name, l]));
  const roles = new Map<LayerEntry, WeightRole[]>();
  for (const { layer } of callOrder(description, byName)) {
    if (layer.className === 'InputLayer' || roles.has(layer)) continue;
    roles.set(layer, kindOf(layer, description.label).parse(layer.config, contextFor(description, layer)).roles);
  }
  return roles;
}

export function buildGraph(description: ModelDescription): Graph {
  const { label, dialect } = description;
  const byName = new Map(description.layers.map((l) => [l.name, l]));
  const order = callOrder(description, byName);
  const parsed = new Map<string, { layer: ParsedLayer; weights: Tensor[] }>();
  const symbolic = new Map<string, Symbolic[]>();
  const calls: Call[] = [];
  const summaries: Json[] = [];
  let numParameters = 0;
  for (const { layer, index } of order) {
    const context = contextFor(description, layer);
    if (layer.className === 'InputLayer') {
      symbolic.set(key(layer.name, 0), [{ shape: inputShape(layer.config, context), masked: false }]);
      continue;
    }
    let entry = parsed.get(layer.name);
    if (!entry) {
      const parsedLayer = kindOf(layer, label).parse(layer.config, context);
      const weights = description.readWeights(layer, parsedLayer.roles);
      entry = { layer: parsedLayer, weights };
      parsed.set(layer.name, entry);
      numParameters += weights.reduce((n, w) => n + w.data.length, 0);
      summaries.push({ name: layer.name, className: layer.className, ...parsedLayer.summary });
    }
    const inputs = layer.calls[index].map((ref) => outputOf(symbolic, ref, label));
    if (inputs.length === 0) throw new MalformedFileError(`${context.what}: call ${index} takes no inputs`);
    const takesMasks = entry.layer.supportsMasking;
    if (!takesMasks && inputs.some((i) => i.masked) && dialect === 'keras2') {
      throw new MalformedFileError(`${context.what}: receives a masked input, which Keras 2 refuses for this layer`);
    }
    const built = entry.layer.build(takesMasks ? inputs : inputs.map((i) => ({ ...i, masked: false })), entry.weights, context);
    if (description.className === 'Sequential' && built.outputs.length > 1) {
      throw new MalformedFileError(`${context.what}: gives ${built.outputs.length} outputs (return_state?); Keras takes only single-output layers in a Sequential model, use a Functional one`);
    }
    symbolic.set(key(layer.name, index), built.outputs);
    calls.push({ layer, index, inputs: layer.calls[index], built, takesMasks });
  }
  const endpoint = (ref: TensorRef, name: string): Endpoint => ({ name, ref, shape: outputOf(symbolic, ref, label).shape });
  const inputs = description.inputs.map((ref) => {
    if (byName.get(ref.layer)?.className !== 'InputLayer' || ref.node !== 0 || ref.tensor !== 0) {
      throw new MalformedFileError(`${label}: model input ${JSON.stringify([ref.layer, ref.node, ref.tensor])} is not an InputLayer's tensor`);
    }
    return endpoint(ref, ref.layer);
  });
  if (new Set(inputs.map((i) => i.name)).size !== inputs.length) throw new MalformedFileError(`${label}: an InputLayer is listed twice among the model's inputs`);
  const unfed = order.find(({ layer }) => layer.className === 'InputLayer' && !inputs.some((i) => i.name === layer.name));
  if (unfed) throw new MalformedFileError(`${label}: the outputs need InputLayer "${unfed.layer.name}", which is not one of the model's inputs`);
  const names = outputNames(description.outputs);
  return { inputs, outputs: description.outputs.map((ref, i) => endpoint(ref, names[i])), calls, numParameters, layers: summaries };
}

/** Runs the graph's calls on checked input tensors. */
export function runGraph(graph: Graph, feeds: Map<string, Tensor>): Map<string, Value> {
  const values = new Map<string, Value[]>();
  for (const input of graph.inputs) values.set(key(input.ref.layer, 0), [{ tensor: feeds.get(input.name)!, mask: null }]);
  for (const call of graph.calls) {
    const inputs = call.inputs.map((ref) => {
      const value = values.get(key(ref.layer, ref.node))![ref.tensor];
      return call.takesMasks ? value : { tensor: value.tensor, mask: null };
    });
    values.set(key(call.layer.name, call.index), call.built.call(inputs));
  }
  return new Map(graph.outputs.map((o) => [o.name, values.get(key(o.ref.layer, o.ref.node))![o.ref.tensor]]));
}

