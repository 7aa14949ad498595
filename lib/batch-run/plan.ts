// How a run over files goes through the input: in parts of batchSize sequences when the model says
// where its batch axis is, else whole with the reason said.
import type { BatchAxes, Model } from '../model';
import { formatShape, type Tensor } from '../tensor';

export type BatchPlan =
  /** sequences is null when the model does not tell how many the input holds. */
  | { kind: 'whole'; sequences: number | null; reason?: string }
  | { kind: 'parts'; sequences: number; batchSize: number; axes: BatchAxes };

type Feeds = Record<string, Tensor>;

/** Why the feeds cannot be cut along the model's batch axes, or null when they can. */
function unsplittable(model: Model, feeds: Feeds): string | null {
  if (!model.batchAxes) return 'the model does not make its batch axis certain';
  for (const [name, tensor] of Object.entries(feeds)) {
    const declared = model.inputShapes[name];
    const axis = model.batchAxes.inputs[name];
    if (axis === undefined || (declared && declared.length !== tensor.shape.length) || axis >= tensor.shape.length) {
      return `input '${name}' ${formatShape(tensor.shape)} has no batch axis`;
    }
  }
  return null;
}

/** The number of sequences every input holds along its batch axis; inputs that disagree are refused. */
function sequenceCount(feeds: Feeds, axes: BatchAxes): number {
  const counts = Object.entries(feeds).map(([name, tensor]) => ({ name, axis: axes.inputs[name], count: tensor.shape[axes.inputs[name]] }));
  if (counts.some((c) => c.count !== counts[0].count)) {
    const listed = counts.map((c) => `'${c.name}' ${c.count} (axis ${c.axis})`).join(', ');
    throw new RangeError(`the inputs hold different numbers of sequences along their batch axes: ${listed}`);
  }
  return counts[0]?.count ?? 0;
}

export function planBatches(model: Model, feeds: Feeds, batchSize: number | undefined): BatchPlan {
  const reason = unsplittable(model, feeds);
  if (reason) return { kind: 'whole', sequences: null, reason: batchSize === undefined ? undefined : reason };
  const axes = model.batchAxes!;
  const sequences = sequenceCount(feeds, axes);
  if (batchSize === undefined || batchSize >= sequences) return { kind: 'whole', sequences };
  return { kind: 'parts', sequences, batchSize, axes };
}
