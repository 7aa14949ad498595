// What an operator implementation looks like to the graph compiler.
import type { Attributes } from './attributes';
import type { ElementBudget } from './budget';
import type { Value } from './value';

export type Inputs = ReadonlyArray<Value | undefined>;
export type Outputs = Array<Value | undefined>;

export interface NodeContext {
  /** How errors name the node: `node 3 "/RNN" (RNN)`. */
  label: string;
  attributes: Attributes;
  /** The inputs already known when the model loads (initializers, constants, folded nodes). */
  constants: Inputs;
  /** Which inputs the node names (an empty name means an omitted optional input). */
  present: boolean[];
  /** Which outputs the node names: an operator may skip computing an optional one nobody reads. */
  produces: boolean[];
  /** The model's ai.onnx operator set: some operators changed their meaning between versions (Softmax at 13). */
  opset: number;
}

export interface CompiledOp {
  /** Charges `budget` for every element it creates, before creating it. */
  run(inputs: Inputs, budget: ElementBudget): Outputs;
  /** Off the event loop where it matters (the RNN node); run() otherwise. */
  runAsync?(inputs: Inputs, budget: ElementBudget): Promise<Outputs>;
  /** What Model.config shows about this node. */
  describe?(): Record<string, unknown>;
}

export interface Operator {
  /** Fewest and most inputs; the first `min` must be present. */
  inputs: [number, number];
  outputs: [number, number];
  compile(context: NodeContext): CompiledOp;
  /** False for operators that are the model's work rather than shape arithmetic (RNN): never run while loading. */
  folds?: boolean;
}

/** An operator without state: its attributes are read once by `prepare`, at load. */
export function operator(inputs: [number, number], outputs: [number, number],
  prepare: (context: NodeContext) => (inputs: Inputs, budget: ElementBudget) => Outputs): Operator {
  return { inputs, outputs, compile: (context) => ({ run: prepare(context) }) };
}

/** An error from below (the RNN class, a native op) with the node named in front, keeping its type. */
export function withLabel(error: unknown, label: string): Error {
  const Type = error instanceof RangeError ? RangeError : error instanceof TypeError ? TypeError : Error;
  return new Type(`${label}: ${(error as Error).message}`);
}

/** An input the operator requires, present by the compiler's check. */
export function required(inputs: Inputs, index: number): Value {
  return inputs[index]!;
}
