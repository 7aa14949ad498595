// Where the batch runs in an ONNX graph's inputs and outputs. The file does not say (a dimension's
// name is the exporter's choice, and hand-built graphs give numbers), so each way of placing the
// batch in the inputs is followed through the graph node by node; the answer is the one placement
// every node agrees with, and there is none when no placement or more than one does.
import type { BatchAxes } from '../types';
import { outputFacts, type BatchFact } from './batch-rules';
import type { CompiledGraph } from './graph';

/** Placements times nodes beyond this are not tried, so a hostile file cannot stall loadModel. */
const MAX_NODE_VISITS = 1_000_000;

function* placements(ranks: number[]): Generator<number[]> {
  if (ranks.length === 0) {
    yield [];
    return;
  }
  for (const rest of placements(ranks.slice(1))) {
    for (let axis = 0; axis < ranks[0]; axis++) yield [axis, ...rest];
  }
}

/** The outputs' batch axes when the inputs' batch lies at `axes`, or null if some node disagrees. */
function follow(graph: CompiledGraph, axes: number[]): Record<string, number> | null {
  const facts = new Map<string, BatchFact>([...graph.constants.keys()].map((name) => [name, { kind: 'fixed' }]));
  graph.inputs.forEach((input, i) => facts.set(input.name, { kind: 'batched', axis: axes[i], rank: input.shape!.length }));
  for (const node of graph.plan) {
    const inputs = node.inputs.map((name) => (name === '' ? undefined : facts.get(name)));
    const outputs = outputFacts(node, inputs, node.inputs.map((name) => graph.constants.get(name)));
    if (!outputs) return null;
    node.outputs.forEach((name, i) => outputs[i] && name !== '' && facts.set(name, outputs[i]));
  }
  const found: Record<string, number> = {};
  for (const output of graph.outputs) {
    const fact = facts.get(output.name);
    if (fact?.kind !== 'batched' || (output.shape && output.shape.length !== fact.rank)) return null;
    found[output.name] = fact.axis;
  }
  return found;
}

export function findBatchAxes(graph: CompiledGraph): BatchAxes | null {
  const ranks = graph.inputs.map((input) => input.shape?.length ?? 0);
  const visits = ranks.reduce((n, r) => n * r, 1) * Math.max(1, graph.plan.length);
  if (ranks.length === 0 || ranks.includes(0) || visits > MAX_NODE_VISITS) return null;
  let answer: BatchAxes | null = null;
  for (const axes of placements(ranks)) {
    const outputs = follow(graph, axes);
    if (!outputs) continue;
    if (answer) return null;
    answer = { inputs: Object.fromEntries(graph.inputs.map((input, i) => [input.name, axes[i]])), outputs };
  }
  return answer;
}
