// What every Keras layer kind provides to the graph: its config checked once (parse), its weights'
// roles, and, given the shapes it receives and its weights, the shapes it gives and how it runs.
import { MalformedFileError } from '../../errors';
import { formatShape, type Tensor } from '../../tensor';
import type { Dialect, Json, WeightRole } from './description';
import type { LayerContext } from './fields';

/** A Keras shape: the batch first, null where the file leaves a dimension open. */
export type Shape = Array<number | null>;

/** A tensor as the graph knows it before it runs: its shape, and whether a Keras mask goes with it. */
export interface Symbolic {
  shape: Shape;
  masked: boolean;
}

/** A tensor while the model runs; a mask has the tensor's shape without its last axis, 1 = keep. */
export interface Value {
  tensor: Tensor;
  mask: Uint8Array | null;
}

export interface BuildContext extends LayerContext {
  dialect: Dialect;
}

export interface BuiltLayer {
  outputs: Symbolic[];
  call(inputs: Value[]): Value[];
}

export interface ParsedLayer {
  /** The weights the layer takes, in Keras' order. */
  roles: WeightRole[];
  /** Whether Keras hands this layer its input masks; masks reaching a layer that does not take them are handled by the graph. */
  supportsMasking: boolean;
  /** A plain description for Model.config. */
  summary: Json;
  build(inputs: Symbolic[], weights: Tensor[], context: BuildContext): BuiltLayer;
}

export interface LayerKind {
  parse(config: Json, context: BuildContext): ParsedLayer;
}

/** Checks a weight against the shape the layer needs (null: any size, learnt from the weight). */
export function checkWeight(weight: Tensor, expected: Shape, name: string, { what }: LayerContext): void {
  const fits = weight.shape.length === expected.length && expected.every((d, i) => d === null || d === weight.shape[i]);
  if (!fits) throw new MalformedFileError(`${what}: weight ${name} has shape ${formatShape(weight.shape)}, the layer needs [${expected.map((d) => d ?? '?').join(', ')}]`);
}

/** The input's last dimension, which a layer's weights fix: refused when the file leaves it open. */
export function featureSize(input: Symbolic, { what }: LayerContext): number {
  const last = input.shape[input.shape.length - 1];
  if (input.shape.length < 2 || typeof last !== 'number') throw new MalformedFileError(`${what}: needs inputs whose last dimension is known, got shape ${describeShape(input.shape)}`);
  return last;
}

export function describeShape(shape: Shape): string {
  return `[${shape.map((d) => d ?? 'None').join(', ')}]`;
}

export function one(inputs: Symbolic[], { what }: LayerContext): Symbolic {
  if (inputs.length !== 1) throw new MalformedFileError(`${what}: takes one input, is called on ${inputs.length}`);
  return inputs[0];
}

export function expectRank(input: Symbolic, ranks: number[], { what }: LayerContext): void {
  if (!ranks.includes(input.shape.length)) throw new MalformedFileError(`${what}: needs inputs of rank ${ranks.join(' or ')}, got shape ${describeShape(input.shape)}`);
}

export const role = (name: string, scope: string[] = []): WeightRole => ({ name, scope });

/** A layer without weights whose outputs are its inputs' values (Dropout and its kin at inference). */
export const passThrough = (input: Value): Value => input;
