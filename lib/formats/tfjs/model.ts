// A TF.js Layers model (model.json and its weight shards) as a Model: feed `input`, output `output`
// (and `state` when the last layer is a SimpleRNN with return_state).
import { toTensor, type Tensor } from '../../tensor';
import { Dense } from '../../keras';
import { checkDeclaredShape, checkFeedNames } from '../feeds';
import { checkJsonNesting } from '../nesting';
import type { BatchAxes, Dim, Feeds, ModelCore } from '../types';
import { buildLayers, type BuiltLayer } from './layers';
import { parseTopology, type Topology } from './topology';
import { readWeights, type ShardReader } from './weights';

function parseJson(bytes: Uint8Array, label: string): unknown {
  checkJsonNesting(bytes, label, 'the JSON');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new SyntaxError(`${label}: not a valid TF.js model.json (${(error as Error).message})`);
  }
}

function inputDims(topology: Topology, width: number): Dim[] {
  const given = topology.inputShape;
  const names = ['batch', 'seq'];
  if (!given || given.length !== 3) return ['batch', 'seq', width];
  return given.map((d, i) => (typeof d === 'number' ? d : names[i] ?? '?'));
}

function outputDims(layers: BuiltLayer[], input: Dim[]): Record<string, Dim[]> {
  let dims = input.slice();
  let state: Dim[] | null = null;
  for (const { spec, layer } of layers) {
    state = spec.kind === 'SimpleRNN' && spec.returnState ? [dims[0], layer.units] : null;
    if (spec.kind === 'SimpleRNN' && !spec.returnSequences) dims = [dims[0], layer.units];
    else dims = [...dims.slice(0, -1), layer.units];
  }
  return state ? { output: dims, state } : { output: dims };
}

export class TfjsModel implements ModelCore {
  readonly format = 'tfjs' as const;
  readonly inputNames = ['input'];
  readonly optionalInputNames: string[] = [];
  readonly outputNames: string[];
  readonly inputShapes: Record<string, Dim[] | null>;
  readonly outputShapes: Record<string, Dim[] | null>;
  readonly batchAxes: BatchAxes;
  readonly config: Record<string, unknown>;
  readonly numParameters: number;
  private readonly layers: BuiltLayer[];

  /** The topology is checked before any shard is read. */
  static async load(json: Uint8Array, readShards: ShardReader, label: string): Promise<TfjsModel> {
    const modelJson = parseJson(json, label) as { weightsManifest?: unknown };
    const topology = parseTopology(modelJson, label);
    return new TfjsModel(topology, await readWeights(modelJson.weightsManifest, readShards, label), label);
  }

  private constructor(topology: Topology, weights: Map<string, Tensor>, label: string) {
    const declaredWidth = topology.inputShape?.[2];
    this.layers = buildLayers(topology.layers, weights, typeof declaredWidth === 'number' ? declaredWidth : null, label);
    const input = inputDims(topology, this.layers[0].layer.inputDim!);
    this.inputShapes = { input };
    this.outputShapes = outputDims(this.layers, input);
    this.outputNames = Object.keys(this.outputShapes);
    // Keras puts the batch first in every tensor a Sequential of these layers takes or gives.
    this.batchAxes = { inputs: { input: 0 }, outputs: Object.fromEntries(this.outputNames.map((name) => [name, 0])) };
    this.numParameters = this.layers.reduce((n, l) => n + l.parameters, 0);
    this.config = {
      className: topology.className, name: topology.name, inputShape: input,
      layers: this.layers.map(({ spec }) => ({ ...spec })),
    };
  }

  runSync(feeds: Feeds): Record<string, Tensor> {
    const x = toTensor(checkFeedNames(feeds, this.inputNames).get('input'), 'input');
    checkDeclaredShape('input', x.shape, this.inputShapes.input, this.batchAxes.inputs.input);
    let value = x;
    let state: Tensor | undefined;
    for (const { layer } of this.layers) {
      if (layer instanceof Dense) {
        value = layer.call(value);
        state = undefined;
      } else {
        ({ output: value, state } = layer.call(value));
      }
    }
    return state ? { output: value, state } : { output: value };
  }

  /** The Keras layers run synchronously; the promise settles with the same results as runSync. */
  async run(feeds: Feeds): Promise<Record<string, Tensor>> {
    return this.runSync(feeds);
  }
}

