// What an operator implementation looks like to the graph compiler.
import type { Attributes } from './attributes';
import type { Value } from './value';

export type Inputs = ReadonlyArray<Value | undefined>;
export type Outputs = Array<Value | undefined>;

/**
 * The most elements an operator that creates data from a shape (ConstantOfShape, Expand, Gather) may
 * allocate in one run: a shape in the file is only a number, so it is held to a multiple of the
 * largest tensor the model and the caller actually supplied.
 */
export interface RunLimits {
  maxElements: number;
}

export function runLimits(values: Iterable<Value>): RunLimits {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, value.data.length);
  return { maxElements: Math.max(2 ** 24, 16 * largest) };
}

/** Refuses an allocation beyond the run's limit, before making it. */
export function checkBudget(count: number, limits: RunLimits, label: string): void {
  if (count > limits.maxElements) {
    throw new RangeError(`${label}: would create ${count} elements, more than the ${limits.maxElements} this model and its inputs justify`);
  }
}

export interface NodeContext {
  /** How errors name the node: `node 3 "/RNN" (RNN)`. */
  label: string;
  attributes: Attributes;
  /** The inputs already known when the model loads (initializers, constants, folded nodes). */
  constants: Inputs;
  /** Which inputs the node names (an empty name means an omitted optional input). */
  present: boolean[];
}

export interface CompiledOp {
  run(inputs: Inputs, limits: RunLimits): Outputs;
  /** Off the event loop where it matters (the RNN node); run() otherwise. */
  runAsync?(inputs: Inputs, limits: RunLimits): Promise<Outputs>;
  /** What Model.config shows about this node. */
  describe?(): Record<string, unknown>;
}

export interface Operator {
  /** Fewest and most inputs; the first `min` must be present. */
  inputs: [number, number];
  outputs: [number, number];
  compile(context: NodeContext): CompiledOp;
}

/** An operator without state: its attributes are read once by `prepare`, at load. */
export function operator(inputs: [number, number], outputs: [number, number],
  prepare: (context: NodeContext) => (inputs: Inputs, limits: RunLimits) => Outputs): Operator {
  return { inputs, outputs, compile: (context) => ({ run: prepare(context) }) };
}

/** An input the operator requires, present by the compiler's check. */
export function required(inputs: Inputs, index: number): Value {
  return inputs[index]!;
}
