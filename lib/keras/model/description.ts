// A Keras model as every source describes it (TF.js model.json, Keras 3 .keras, Keras 2 .h5): its
// layers with their configs, how they are called on each other's outputs, and where each source
// keeps their weights. The rest of lib/keras/model builds and runs this description, whatever the file.
import type { Tensor } from '../../tensor';

/**
 * Which Keras wrote the file: TF.js Layers, Keras 2 (tf.keras) or Keras 3. They differ in a few
 * semantics (hard_sigmoid's slope, how masks cross layers that do not use them, SimpleRNN's
 * zero_output_for_mask), told by the file's own version, never assumed.
 */
export type Dialect = 'tfjs' | 'keras2' | 'keras3';

export type Json = Record<string, unknown>;

/** Output `tensor` of call `node` of layer `layer`, as Keras' keras_history names it. */
export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

export interface LayerEntry {
  className: string;
  name: string;
  config: Json;
  /** Each call of the layer (one for most; more for a shared layer): the tensors it takes. */
  calls: TensorRef[][];
}

/**
 * Where the weights of a nested layer live: [] for the layer itself, ['cell'] for an RNN's cell,
 * ['forward_layer', 'cell'] for the forward RNN of a Bidirectional, ['layer'] for TimeDistributed's.
 * Keras 3 stores weights at these attribute paths; Keras 2 and TF.js name them.
 */
export interface WeightRole {
  name: string;
  scope: string[];
}

/** The weights of one layer, in the order of `roles`, each refused unless the source has it. */
export type WeightReader = (layer: LayerEntry, roles: WeightRole[]) => Tensor[];

export interface ModelDescription {
  /** The file, for errors. */
  label: string;
  dialect: Dialect;
  /** "tfjs-layers 4.22.0", "2.6.0", "3.7.0", as the file says. */
  version: string | null;
  className: string;
  name: string | null;
  /** In the config's order; InputLayers included (a Sequential's is made when the file has none). */
  layers: LayerEntry[];
  inputs: TensorRef[];
  outputs: TensorRef[];
  readWeights: WeightReader;
}
