// How a run over files goes through its inputs: in parts along the model's batch axes when the
// model says where they are, else whole with the reason said.
import type { BatchAxes, Model } from '../model';
import { formatShape } from '../tensor';

export type BatchPlan =
  /** sequences is null when the model does not tell how many the input holds. */
  | { kind: 'whole'; sequences: number | null; reason: string }
  | { kind: 'parts'; sequences: number; axes: BatchAxes };

/** Each input by its shape: a tensor in memory or a file's header. */
type Shapes = Record<string, { shape: readonly number[] }>;

/** Why the inputs cannot be cut along the model's batch axes, or null when they can. */
function unsplittable(model: Model, inputs: Shapes): string | null {
  if (!model.batchAxes) return 'the model does not make its batch axis certain';
  for (const [name, { shape }] of Object.entries(inputs)) {
    const declared = model.inputShapes[name];
    const axis = model.batchAxes.inputs[name];
    if (axis === undefined || (declared && declared.length !== shape.length) || axis >= shape.length) {
      return `input '${name}' ${formatShape(shape)} has no batch axis`;
    }
  }
  return null;
}

/** The number of sequences every input holds along its batch axis; inputs that disagree are refused. */
function sequenceCount(inputs: Shapes, axes: BatchAxes): number {
  const counts = Object.entries(inputs).map(([name, { shape }]) => ({ name, axis: axes.inputs[name], count: shape[axes.inputs[name]] }));
  if (counts.some((c) => c.count !== counts[0].count)) {
    const listed = counts.map((c) => `'${c.name}' ${c.count} (axis ${c.axis})`).join(', ');
    throw new RangeError(`the inputs hold different numbers of sequences along their batch axes: ${listed}`);
  }
  return counts[0]?.count ?? 0;
}

export function planBatches(model: Model, inputs: Shapes): BatchPlan {
  const reason = unsplittable(model, inputs);
  if (reason) return { kind: 'whole', sequences: null, reason };
  return { kind: 'parts', sequences: sequenceCount(inputs, model.batchAxes!), axes: model.batchAxes! };
}
