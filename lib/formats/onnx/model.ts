// An ONNX file as a Model: decoded and compiled once, run per call.
import type { Tensor } from '../../tensor';
import { checkFeedNames } from '../feeds';
import type { BatchAxes, Dim, ElementType, Feeds, ModelCore } from '../types';
import { elementTypes } from './element-types';
import { findBatchAxes } from './batch-axes';
import { execute, executeAsync } from './execute';
import { feedValue } from './feeds';
import { compileGraph, type CompiledGraph, type GraphValue } from './graph';
import { decodeModelProto, type ModelProto } from './proto';
import type { Value } from './value';

function shapes(values: GraphValue[]): Record<string, Dim[] | null> {
  return Object.fromEntries(values.map((v) => [v.name, v.shape]));
}

function configOf(model: ModelProto, graph: CompiledGraph): Record<string, unknown> {
  const operators: Record<string, number> = {};
  for (const node of graph.nodes) operators[node.opType] = (operators[node.opType] ?? 0) + 1;
  return {
    irVersion: model.irVersion,
    opsetVersion: graph.opset,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' ') || null,
    graphName: model.graph!.name || null,
    operators,
    rnnNodes: graph.nodes.filter((n) => n.description).map((n) => ({ name: n.name || null, ...n.description })),
  };
}

export class OnnxModel implements ModelCore {
  readonly format = 'onnx' as const;
  readonly inputNames: string[];
  readonly optionalInputNames: string[] = [];
  readonly outputNames: string[];
  readonly inputShapes: Record<string, Dim[] | null>;
  readonly outputShapes: Record<string, Dim[] | null>;
  readonly batchAxes: BatchAxes | null;
  readonly config: Record<string, unknown>;
  readonly numParameters: number;
  readonly valueTypes: Record<string, ElementType>;
  private readonly graph: CompiledGraph;

  constructor(bytes: Uint8Array, label: string) {
    const model = decodeModelProto(bytes, label);
    this.graph = compileGraph(model, label, bytes.length);
    this.inputNames = this.graph.inputs.map((i) => i.name);
    this.outputNames = this.graph.outputs.map((o) => o.name);
    this.inputShapes = shapes(this.graph.inputs);
    this.outputShapes = shapes(this.graph.outputs);
    this.batchAxes = findBatchAxes(this.graph);
    this.config = configOf(model, this.graph);
    this.numParameters = this.graph.numParameters;
    this.valueTypes = elementTypes([...this.graph.inputs, ...this.graph.outputs]);
  }

  runSync(feeds: Feeds): Record<string, Tensor> {
    const values = this.feedValues(feeds);
    return this.tensors(execute(this.graph, values), values);
  }

  async run(feeds: Feeds): Promise<Record<string, Tensor>> {
    const values = this.feedValues(feeds);
    return this.tensors(await executeAsync(this.graph, values), values);
  }

  private feedValues(feeds: Feeds): Map<string, Value> {
    const given = checkFeedNames(feeds, this.inputNames);
    return new Map(this.graph.inputs.map((input) => [input.name, feedValue(input, given.get(input.name), this.batchAxes?.inputs[input.name])]));
  }

  /** Float32 results; never the model's constants or the caller's own arrays, which a caller could then modify. */
  private tensors(results: Map<string, Value>, feeds: Map<string, Value>): Record<string, Tensor> {
    const shared = new Set([...this.graph.constants.values(), ...feeds.values()].map((v) => v.data));
    return Object.fromEntries([...results].map(([name, v]) => {
      const data = v.data instanceof Float32Array && !shared.has(v.data) ? v.data : new Float32Array(v.data);
      return [name, { data, shape: v.shape.slice() }];
    }));
  }
}
