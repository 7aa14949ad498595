// What a value is with respect to the batch, as the batch rules (batch-rules.ts, batch-rules-layers.ts)
// follow it through an ONNX graph, and the helpers the rules share.
import type { PlannedNode } from './graph';
import { integersOf, isFloatType, type Value } from './value';

export type BatchFact =
  /** The same whatever the batch: a constant, or computed from constants and batch-free shapes. */
  | { kind: 'fixed' }
  /** Runs over the sequences along `axis`. */
  | { kind: 'batched'; axis: number; rank: number }
  /** An integer shape vector (a scalar when length is null) whose entries at batchAt are the batch size. */
  | { kind: 'sizes'; length: number | null; batchAt: number[] };

export type Batched = Extract<BatchFact, { kind: 'batched' }>;
export type Facts = ReadonlyArray<BatchFact | undefined>;
export type Constants = ReadonlyArray<Value | undefined>;
export type Rule = (node: PlannedNode, inputs: Facts, constants: Constants) => BatchFact[] | null;

export const batched = (axis: number, rank: number): Batched => ({ kind: 'batched', axis, rank });

export function isBatched(fact: BatchFact | undefined): fact is Batched {
  return fact?.kind === 'batched';
}

export function normalized(axis: number, rank: number): number | null {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) return null;
  return axis < 0 ? axis + rank : axis;
}

export function normalizedAll(axes: number[], rank: number): number[] | null {
  const result = axes.map((a) => normalized(a, rank));
  return result.every((a): a is number => a !== null) && new Set(result).size === result.length ? result : null;
}

export function constantIntegers(value: Value | undefined): number[] | null {
  if (!value || isFloatType(value.dtype) || value.shape.length > 1) return null;
  return integersOf(value, 'batch rule');
}
