// Compiles an ONNX graph once, when the model loads: every operator checked and prepared, every
// node whose inputs are all known folded into a constant; what remains runs per call.
import { MalformedFileError, UnsupportedError } from '../../errors';
import type { Dim } from '../types';
import { Attributes } from './attributes';
import { ElementBudget } from './budget';
import type { CompiledOp, Operator, Outputs } from './op';
import { OPERATORS } from './ops/registry';
import type { GraphProto, ModelProto, NodeProto, ValueInfoProto } from './proto';
import { valueFromTensorProto } from './tensor-proto';
import { isFloatType, isSupportedType, typeName, type Value } from './value';

export interface GraphValue {
  name: string;
  dtype: number;
  shape: Dim[] | null;
}

export interface PlannedNode {
  label: string;
  opType: string;
  /** Read again after compiling by the analyses that follow values through the graph (batch axes). */
  attributes: Attributes;
  opset: number;
  inputs: string[];
  outputs: string[];
  op: CompiledOp;
}

export interface CompiledGraph {
  inputs: GraphValue[];
  outputs: GraphValue[];
  constants: Map<string, Value>;
  plan: PlannedNode[];
  /** Each node's operator and, where it has one, its description (RNN nodes). */
  nodes: Array<{ name: string; opType: string; description?: Record<string, unknown> }>;
  numParameters: number;
  opset: number;
  /** The file's size, which sizes every call's budget as it sized the load's. */
  fileBytes: number;
}

function opsetOf(model: ModelProto, label: string): number {
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!entry) throw new MalformedFileError(`${label}: the model imports no ai.onnx operator set`, { base: 'Error' });
  return entry.version;
}

function describeValue(info: ValueInfoProto, what: string): GraphValue {
  const tensorType = info.type?.tensorType;
  if (!tensorType) throw new UnsupportedError(`${what} '${info.name}': only tensor values are supported`, { base: 'TypeError' });
  const dims = tensorType.shape?.dim.map((d): Dim => (d.value === 'dimValue' ? d.dimValue : d.dimParam || '?'));
  return { name: info.name, dtype: tensorType.elemType, shape: dims ?? null };
}

function readInitializers(graph: GraphProto, label: string): Map<string, Value> {
  if (graph.sparseInitializer.length > 0) throw new UnsupportedError(`${label}: sparse initializers are not supported`, { base: 'Error' });
  const constants = new Map<string, Value>();
  for (const tensor of graph.initializer) {
    if (constants.has(tensor.name)) throw new MalformedFileError(`${label}: initializer '${tensor.name}' is defined twice`, { base: 'Error' });
    constants.set(tensor.name, valueFromTensorProto(tensor, `${label}: initializer '${tensor.name}'`));
  }
  return constants;
}

function nodeLabel(label: string, node: NodeProto, index: number): string {
  return `${label}: node ${index}${node.name ? ` "${node.name}"` : ''} (${node.opType})`;
}

class GraphCompiler {
  readonly constants: Map<string, Value>;
  readonly defined = new Set<string>();
  readonly plan: PlannedNode[] = [];
  readonly nodes: CompiledGraph['nodes'] = [];

  constructor(private readonly graph: GraphProto, private readonly label: string, private readonly budget: ElementBudget, private readonly opset: number) {
    this.constants = readInitializers(graph, label);
    for (const name of this.constants.keys()) this.defined.add(name);
  }

  inputs(): GraphValue[] {
    const inputs = this.graph.input.filter((i) => !this.constants.has(i.name)).map((i) => describeValue(i, `${this.label}: graph input`));
    for (const input of inputs) {
      if (!isSupportedType(input.dtype)) throw new UnsupportedError(`${this.label}: graph input '${input.name}' has unsupported type ${typeName(input.dtype)}`, { base: 'TypeError' });
      if (this.defined.has(input.name)) throw new MalformedFileError(`${this.label}: graph input '${input.name}' is listed twice`, { base: 'Error' });
      this.defined.add(input.name);
    }
    return inputs;
  }

  compileNode(node: NodeProto, index: number): void {
    const label = nodeLabel(this.label, node, index);
    const operator = this.operatorFor(node, index);
    this.checkArity(node, operator.inputs, operator.outputs, label);
    const present = node.input.map((name) => name !== '');
    const constants = node.input.map((name) => (name === '' ? undefined : this.constants.get(name)));
    const attributes = new Attributes(node, label);
    const produces = node.output.map((name) => name !== '');
    const op = operator.compile({ label, attributes, constants, present, produces, opset: this.opset });
    this.nodes.push({ name: node.name, opType: node.opType, description: op.describe?.() });
    if (operator.folds !== false && present.every((p, i) => !p || constants[i])) this.fold(node, this.runFolded(op, constants, label), label);
    else this.plan.push({ label, opType: node.opType, attributes, opset: this.opset, inputs: node.input.slice(), outputs: node.output.slice(), op });
    for (const name of node.output) if (name !== '') this.defined.add(name);
  }

  private runFolded(op: CompiledOp, constants: Array<Value | undefined>, label: string): Outputs {
    const mark = this.budget.mark();
    const outputs = op.run(constants, this.budget);
    this.budget.settle(mark, constants, outputs, label);
    return outputs;
  }

  private operatorFor(node: NodeProto, index: number): Operator {
    const standard = node.domain === '' || node.domain === 'ai.onnx';
    const operator = standard ? OPERATORS.get(node.opType) : undefined;
    if (operator) return operator;
    const op = standard ? node.opType || '(empty op_type)' : `${node.domain}.${node.opType}`;
    throw new UnsupportedError(`${this.label}: unsupported operator ${op} (node ${index}${node.name ? ` "${node.name}"` : ''}); supported: ${[...OPERATORS.keys()].join(', ')}`, { base: 'Error' });
  }

  private checkArity(node: NodeProto, [minIn, maxIn]: [number, number], [minOut, maxOut]: [number, number], label: string): void {
    const count = node.input.length;
    if (count < minIn || count > maxIn) throw new MalformedFileError(`${label}: expected ${minIn === maxIn ? minIn : `${minIn} to ${maxIn}`} inputs, got ${count}`);
    if (node.output.length < minOut || node.output.length > maxOut) throw new MalformedFileError(`${label}: expected ${minOut} to ${maxOut} outputs, got ${node.output.length}`);
    node.input.forEach((name, i) => {
      if (name === '' && i < minIn) throw new MalformedFileError(`${label}: required input ${i} is missing`, { base: 'Error' });
      if (name !== '' && !this.defined.has(name)) throw new MalformedFileError(`${label}: input '${name}' is not a graph input, an initializer or the output of an earlier node`, { base: 'Error' });
    });
    for (const name of node.output) {
      if (name !== '' && this.defined.has(name)) throw new MalformedFileError(`${label}: output '${name}' is already defined elsewhere in the graph`, { base: 'Error' });
    }
  }

  private fold(node: NodeProto, outputs: Outputs, label: string): void {
    node.output.forEach((name, i) => {
      if (name === '') return;
      if (!outputs[i]) throw new Error(`${label}: produced no value for output '${name}'`);
      this.constants.set(name, outputs[i]!);
    });
  }
}

/** `fileBytes` sizes the budget for everything folding creates (ElementBudget.forLoad). */
export function compileGraph(model: ModelProto, label: string, fileBytes: number): CompiledGraph {
  const graph = model.graph!;
  const opset = opsetOf(model, label);
  const compiler = new GraphCompiler(graph, label, ElementBudget.forLoad(fileBytes), opset);
  const numParameters = [...compiler.constants.values()].reduce((n, v) => n + (isFloatType(v.dtype) ? v.data.length : 0), 0);
  const inputs = compiler.inputs();
  graph.node.forEach((node, i) => compiler.compileNode(node, i));
  const outputs = graph.output.map((o) => describeValue(o, `${label}: graph output`));
  for (const output of outputs) {
    if (!compiler.defined.has(output.name)) throw new MalformedFileError(`${label}: graph output '${output.name}' is produced by no node`, { base: 'Error' });
  }
  return { inputs, outputs, constants: compiler.constants, plan: compiler.plan, nodes: compiler.nodes, numParameters, opset, fileBytes };
}
