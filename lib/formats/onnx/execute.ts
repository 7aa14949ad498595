// Runs a compiled graph: the planned nodes in order over a table of named values.
import type { CompiledGraph, PlannedNode } from './graph';
import { ElementBudget } from './budget';
import type { Outputs } from './op';
import type { Value } from './value';

function inputsOf(node: PlannedNode, values: Map<string, Value>): Array<Value | undefined> {
  return node.inputs.map((name) => (name === '' ? undefined : values.get(name)));
}

function store(node: PlannedNode, outputs: Outputs, values: Map<string, Value>): void {
  node.outputs.forEach((name, i) => {
    if (name === '') return;
    if (!outputs[i]) throw new Error(`${node.label}: produced no value for output '${name}'`);
    values.set(name, outputs[i]!);
  });
}

function results(graph: CompiledGraph, values: Map<string, Value>): Map<string, Value> {
  return new Map(graph.outputs.map((o) => [o.name, values.get(o.name)!]));
}

export function execute(graph: CompiledGraph, feeds: Map<string, Value>): Map<string, Value> {
  const values = new Map([...graph.constants, ...feeds]);
  const budget = ElementBudget.forCall(graph.fileBytes, feeds.values());
  for (const node of graph.plan) {
    const inputs = inputsOf(node, values);
    const mark = budget.mark();
    const outputs = node.op.run(inputs, budget);
    budget.settle(mark, inputs, outputs, node.label);
    store(node, outputs, values);
  }
  return results(graph, values);
}

export async function executeAsync(graph: CompiledGraph, feeds: Map<string, Value>): Promise<Map<string, Value>> {
  const values = new Map([...graph.constants, ...feeds]);
  const budget = ElementBudget.forCall(graph.fileBytes, feeds.values());
  for (const node of graph.plan) {
    const inputs = inputsOf(node, values);
    const mark = budget.mark();
    const outputs = node.op.runAsync ? await node.op.runAsync(inputs, budget) : node.op.run(inputs, budget);
    budget.settle(mark, inputs, outputs, node.label);
    store(node, outputs, values);
  }
  return results(graph, values);
}
