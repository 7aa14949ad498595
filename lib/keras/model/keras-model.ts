// A Keras model from any source (TF.js model.json, Keras 3 .keras, Keras 2 .h5) as a Model: its
// inputs and outputs named by their Keras layers, every tensor batch-first.
import { checkDeclaredShape, checkFeedNames } from '../../formats/feeds';
import type { BatchAxes, Dim, Feeds, ModelCore, ModelFormat } from '../../formats/types';
import { toTensor, type Tensor } from '../../tensor';
import type { ModelDescription } from './description';
import { buildGraph, runGraph, type Graph } from './graph';
import type { Shape } from './layer';

/** Open dimensions get names: the batch, then the steps, then their axis. */
function dims(shape: Shape): Dim[] {
  return shape.map((d, i) => d ?? (i === 0 ? 'batch' : i === 1 ? 'seq' : `dim${i}`));
}

export class KerasModel implements ModelCore {
  readonly inputNames: string[];
  readonly optionalInputNames: string[] = [];
  readonly outputNames: string[];
  readonly inputShapes: Record<string, Dim[] | null>;
  readonly outputShapes: Record<string, Dim[] | null>;
  readonly batchAxes: BatchAxes;
  readonly config: Record<string, unknown>;
  readonly numParameters: number;
  private readonly graph: Graph;

  constructor(readonly format: ModelFormat, description: ModelDescription) {
    this.graph = buildGraph(description);
    this.inputNames = this.graph.inputs.map((i) => i.name);
    this.outputNames = this.graph.outputs.map((o) => o.name);
    this.inputShapes = Object.fromEntries(this.graph.inputs.map((i) => [i.name, dims(i.shape)]));
    this.outputShapes = Object.fromEntries(this.graph.outputs.map((o) => [o.name, dims(o.shape)]));
    // Keras puts the batch first in every tensor, and no layer here mixes the samples of a batch.
    this.batchAxes = {
      inputs: Object.fromEntries(this.inputNames.map((n) => [n, 0])),
      outputs: Object.fromEntries(this.outputNames.map((n) => [n, 0])),
    };
    this.numParameters = this.graph.numParameters;
    this.config = {
      className: description.className, name: description.name, keras: description.dialect, kerasVersion: description.version,
      inputs: this.inputShapes, outputs: this.outputShapes, layers: this.graph.layers,
    };
  }

  runSync(feeds: Feeds): Record<string, Tensor> {
    const given = checkFeedNames(feeds, this.inputNames);
    const tensors = new Map(this.inputNames.map((name) => {
      const tensor = toTensor(given.get(name), name);
      checkDeclaredShape(name, tensor.shape, this.inputShapes[name], 0);
      return [name, tensor] as const;
    }));
    const results = runGraph(this.graph, tensors);
    const fed = new Set([...tensors.values()].map((t) => t.data.buffer));
    const returned = new Set<ArrayBufferLike>();
    const out: Record<string, Tensor> = {};
    for (const [name, { tensor }] of results) {
      // An output that is an input reshaped (Flatten, Reshape) or given twice gets its own copy.
      const shared = fed.has(tensor.data.buffer) || returned.has(tensor.data.buffer);
      const data = shared ? tensor.data.slice() : tensor.data;
      returned.add(data.buffer);
      out[name] = { data, shape: tensor.shape };
    }
    return out;
  }

  /** The Keras layers run synchronously; the promise settles with the same results as runSync. */
  async run(feeds: Feeds): Promise<Record<string, Tensor>> {
    return this.runSync(feeds);
  }
}
